import { alertInProfile, alertText, ALERT_NAMES, ALERTS } from '../../lib/alerts';
import { PROFILES } from '../../lib/profile';
import { runbookUrl } from '../../lib/monitoring/alerts';
import { PROFILE_LABELS, PROFILE_METRICS } from '../../lib/catalog/catalog';
import { renderMetricsReference, renderRunbooks } from '../../lib/monitoring/docs';
import { RECORDING_RULES, ruleInProfile } from '../../lib/promql/recording-rules';
import { SLO_RECORDING_RULES } from '../../lib/promql/slo';
import { values } from './helpers';
import { PromQL } from '../../lib/promql';
import { CatalogError } from '../../lib/catalog/catalog';

describe('generated docs', () => {
  const reference = renderMetricsReference('documented');
  const runbooks = renderRunbooks();

  test('the metrics reference lists every metric, label, recording rule and alert', () => {
    for (const m of PROFILE_METRICS.documented) expect(reference).toContain(`| \`${m.name}\` | ${m.type} |`);
    for (const l of Object.keys(PROFILE_LABELS.documented)) expect(reference).toContain(`| \`${l}\` |`);
    for (const r of [...RECORDING_RULES.filter((x) => ruleInProfile(x, 'documented')), ...SLO_RECORDING_RULES]) expect(reference).toContain(`| \`${r.name}\` |`);
    for (const a of ALERT_NAMES) expect(reference).toContain(`[runbook](runbooks/${a}.md)`);
    expect(reference).toContain('`virtrigaud-provider`');
    expect(reference.endsWith('\n')).toBe(true);
    // Table rows keep their column count: pipes inside code are escaped.
    for (const line of reference.split('\n').filter((l) => l.startsWith('| `namespace'))) {
      expect(line.replace(/\\\|/g, '').split('|').length).toBe(5);
    }
  });

  test('one runbook per alert with Meaning, Impact, Diagnosis and Mitigation, at the default runbook_url', () => {
    expect(Object.keys(runbooks).sort()).toEqual(ALERT_NAMES.map((a) => `${a}.md`).sort());
    const pattern = values().rules.runbookUrlPattern;
    for (const name of ALERT_NAMES) {
      const md = runbooks[`${name}.md`];
      expect(md.startsWith(`# ${name}\n`)).toBe(true);
      // One section per profile; where the alert exists, with Meaning, Impact, Diagnosis and Mitigation.
      expect([...md.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual(['Profile `v0.3.11` (default)', 'Profile `documented`']);
      for (const [profile, section] of PROFILES.map((p, i) => [p, md.split(/^## /m)[i + 1]] as const)) {
        if (!alertInProfile(ALERTS[name], profile)) {
          expect(section).toContain(`Not rendered with this profile: ${ALERTS[name].absentFrom?.[profile]}`);
          continue;
        }
        expect([...section.matchAll(/^### (.+)$/gm)].map((m) => m[1])).toEqual(['Meaning', 'Impact', 'Diagnosis', 'Mitigation']);
        for (const sub of section.split(/^### /m).slice(1)) expect(sub.split('\n').slice(1).join('').trim().length).toBeGreaterThan(20);
        expect(section).toContain(alertText(ALERTS[name], profile).summary);
      }
      expect(md).toMatch(/```promql\n.+\n```/);
      // The default runbook_url points at this file in the repository.
      expect(runbookUrl(pattern, name)).toMatch(new RegExp(`/docs/runbooks/${name}\\.md$`));
    }
  });

  test('runbook queries are built for their profile: a metric that profile never sets is refused', () => {
    // The spec's runbook reads virtrigaud_queue_depth, which v0.3.11 never sets (its variant reads workqueue_depth).
    expect(() => ALERTS.VirtrigaudQueueBacklog.runbook.diagnosis(new PromQL({ profile: 'v0.3.11' }))).toThrow(CatalogError);
    expect(alertText(ALERTS.VirtrigaudQueueBacklog, 'v0.3.11').runbook.diagnosis(new PromQL({ profile: 'v0.3.11' })).join('\n')).toContain('`sum by (name) (workqueue_depth)`');
  });

  test('deterministic', () => {
    expect(renderMetricsReference('documented')).toBe(reference);
    expect(renderRunbooks()).toEqual(runbooks);
  });
});
