import { ALERT_NAMES, ALERTS } from '../../lib/monitoring/alert-catalog';
import { runbookUrl } from '../../lib/monitoring/alerts';
import { LABELS, METRICS } from '../../lib/monitoring/catalog';
import { renderMetricsReference, renderRunbooks } from '../../lib/monitoring/docs';
import { RECORDING_RULES } from '../../lib/monitoring/recording-rules';
import { SLO_RECORDING_RULES } from '../../lib/monitoring/slo';
import { values } from './helpers';

describe('generated docs', () => {
  const reference = renderMetricsReference();
  const runbooks = renderRunbooks();

  test('the metrics reference lists every metric, label, recording rule and alert', () => {
    for (const m of METRICS) expect(reference).toContain(`| \`${m.name}\` | ${m.type} |`);
    for (const l of Object.keys(LABELS)) expect(reference).toContain(`| \`${l}\` |`);
    for (const r of [...RECORDING_RULES, ...SLO_RECORDING_RULES]) expect(reference).toContain(`| \`${r.name}\` |`);
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
      const sections = [...md.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(sections).toEqual(['Meaning', 'Impact', 'Diagnosis', 'Mitigation']);
      for (const section of md.split(/^## /m).slice(1)) expect(section.split('\n').slice(1).join('').trim().length).toBeGreaterThan(20);
      expect(md).toContain(ALERTS[name].summary);
      expect(md).toMatch(/```promql\n.+\n```/);
      // The default runbook_url points at this file in the repository.
      expect(runbookUrl(pattern, name)).toMatch(new RegExp(`/docs/runbooks/${name}\\.md$`));
    }
  });

  test('deterministic', () => {
    expect(renderMetricsReference()).toBe(reference);
    expect(renderRunbooks()).toEqual(runbooks);
  });
});
