/**
 * `promtool check rules` and `promtool test rules` on the rule groups the Monitoring construct
 * renders (the `spec` of the PrometheusRule, written as a plain rule file). Every alert's own
 * promtool cases (lib/alerts/<alert>.ts: hand-written input series, expected labels and
 * descriptions stated there) run against the rule files they name, for each profile; every alert
 * has a case where it fires and one where it stays silent. Recording rules are checked for their
 * values on small series.
 *
 * promtool comes from Debian's `prometheus` package. Without it the suite is skipped (reported
 * as skipped, never passed); in CI (`CI` set) its absence is a failure.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { delimiter, join } from 'path';
import { stringify } from 'yaml';
import { alertInProfile, ALERT_NAMES, ALERTS, AlertName, InputSeries, Labels, PromtoolCase, RuleSetup } from '../../lib/alerts';
import { esx, histogram, kvm, MANAGER_JOB, NS, opsSeries, PROVIDER_JOB, target } from '../../lib/alerts/fixtures';
import { PROFILES, Profile } from '../../lib/profile';
import { ALERT_GROUP, RECORDING_GROUP, SLO_GROUP } from '../../lib/monitoring/rules';
import { MonitoringValuesInput } from '../../lib/values/monitoring-values';
import { ctx, synthMonitoring } from './helpers';

function findPromtool(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'promtool');
    if (dir !== '' && spawnSync(candidate, ['--version']).status === 0) return candidate;
  }
  return undefined;
}

const PROMTOOL = findPromtool();
if (!PROMTOOL) console.warn('promtool not found: skipped');

const RUNBOOK_PATTERN = 'https://runbooks.example.com/virtrigaud/{alertname}';

/** Recording-rule values on small series. */
interface ValueCase {
  readonly name: string;
  readonly series: readonly InputSeries[];
  readonly values: readonly { readonly expr: string; readonly at: string; readonly samples: readonly { readonly labels: Labels; readonly value: number }[] }[];
}

const selector = (metric: string, labels: Labels) =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;

const inputSeries = (series: readonly InputSeries[]) => series.map((s) => ({ series: selector(s.metric, { ...s.labels }), values: s.values }));

/** The promtool test of one alert case: the owner's (or the named alert's) severity and summary on every firing alert. */
function alertTest(owner: AlertName, c: PromtoolCase, profile: Profile) {
  return {
    name: c.name,
    interval: '1m',
    input_series: inputSeries(c.series),
    alert_rule_test: c.checks.map((check) => {
      const alert = (check.alert ?? owner) as AlertName;
      const tests = ALERTS[alert].tests[profile];
      if (!tests) throw new Error(`${c.name}: ${alert} has no promtool tests for profile ${profile}`);
      return {
        eval_time: check.at,
        alertname: alert,
        exp_alerts: check.firing.map((f) => ({
          exp_labels: { ...f.labels, severity: tests.severity },
          exp_annotations: { summary: tests.summary, description: f.description, runbook_url: `https://runbooks.example.com/virtrigaud/${alert}` },
        })),
      };
    }),
  };
}

function valueTest(c: ValueCase) {
  return {
    name: c.name,
    interval: '1m',
    input_series: inputSeries(c.series),
    promql_expr_test: c.values.map((v) => ({
      expr: v.expr,
      eval_time: v.at,
      exp_samples: v.samples.map((s) => ({ labels: selector(v.expr, s.labels), value: s.value })),
    })),
  };
}

/**
 * A promtool unit-test file. `groups` fixes the evaluation order (recording groups before the
 * alerts that read them): Prometheus evaluates groups independently, so in production an alert
 * reading a recorded series may see it up to one evaluation interval late.
 */
const testFile = (ruleFile: string, groups: readonly string[], tests: readonly object[]) => ({ rule_files: [ruleFile], evaluation_interval: '1m', group_eval_order: groups, tests });

/** The cases of every alert of `profile`, by rule setup. */
function casesBySetup(profile: Profile): Map<RuleSetup, object[]> {
  const out = new Map<RuleSetup, object[]>();
  for (const name of ALERT_NAMES) {
    for (const c of ALERTS[name].tests[profile]?.cases ?? []) {
      for (const setup of c.setups ?? ['recorded', 'inline']) {
        if (!out.has(setup)) out.set(setup, []);
        out.get(setup)!.push(alertTest(name, c, profile));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Recording rule values
// ---------------------------------------------------------------------------------------------

function recordingCases(): ValueCase[] {
  const m = target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080');
  const p = target(PROVIDER_JOB, 'virtrigaud-provider-esx', '10.0.1.1:8080');
  const other = { ...m, namespace: 'other-release' };
  return [
    {
      name: 'recording rules: rates, ratios, sums and quantiles on small series',
      series: [
        // 60/min = 1/s each.
        opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+60x20'),
        opsSeries({ ...esx, operation: 'Create', outcome: 'failure' }, '0+60x20'),
        opsSeries({ ...esx, operation: 'Delete', outcome: 'success' }, '0+120x20'),
        opsSeries({ ...kvm, operation: 'Create', outcome: 'success' }, '0+60x20'),
        // Another release's series must not be counted.
        { metric: 'virtrigaud_vm_operations_total', labels: { ...other, ...esx, operation: 'Create', outcome: 'failure' }, values: '0+600x20' },
        { metric: 'virtrigaud_provider_rpc_requests_total', labels: { ...p, provider_type: 'vsphere', method: 'CreateVM', code: 'OK' }, values: '0+180x20' },
        { metric: 'virtrigaud_provider_rpc_requests_total', labels: { ...p, provider_type: 'vsphere', method: 'CreateVM', code: 'UNAVAILABLE' }, values: '0+60x20' },
        { metric: 'virtrigaud_queue_depth', labels: { ...m, kind: 'VirtualMachine' }, values: '3x20' },
        { metric: 'virtrigaud_queue_depth', labels: { ...m, instance: '10.0.0.2:8080', kind: 'VirtualMachine' }, values: '4x20' },
        { metric: 'virtrigaud_queue_depth', labels: { ...m, kind: 'VMClass' }, values: '0x7 6 0 0 10x10' },
        { metric: 'virtrigaud_provider_tasks_inflight', labels: { ...p, ...esx }, values: '2x20' },
        { metric: 'virtrigaud_provider_tasks_inflight', labels: { ...p, instance: '10.0.1.9:8080', ...esx }, values: '3x20' },
        { metric: 'virtrigaud_errors_total', labels: { ...m, component: 'manager', reason: 'ConnectionFailed' }, values: '0+30x20' },
        ...histogram('virtrigaud_vm_operations_duration_seconds', { ...esx, operation: 'Create' }, 300, 6, 20),
        ...histogram('virtrigaud_provider_rpc_latency_seconds', { provider_type: 'vsphere', method: 'CreateVM' }, 0.1, 6, 20),
      ],
      values: [
        { expr: 'namespace:virtrigaud_vm_operations:rate5m', at: '10m', samples: [{ labels: { namespace: NS }, value: 5 }] },
        {
          expr: 'namespace_operation:virtrigaud_vm_operations:rate5m',
          at: '10m',
          samples: [
            { labels: { namespace: NS, operation: 'Create' }, value: 3 },
            { labels: { namespace: NS, operation: 'Delete' }, value: 2 },
          ],
        },
        {
          expr: 'namespace_provider:virtrigaud_vm_operations:rate5m',
          at: '10m',
          samples: [
            { labels: { namespace: NS, ...esx }, value: 4 },
            { labels: { namespace: NS, ...kvm }, value: 1 },
          ],
        },
        { expr: 'namespace:virtrigaud_vm_operations:error_ratio_rate5m', at: '10m', samples: [{ labels: { namespace: NS }, value: 0.2 }] },
        // kvm has no failed operations, so no failure series: its ratio is absent (not 0).
        { expr: 'namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m', at: '10m', samples: [{ labels: { namespace: NS, ...esx }, value: 0.25 }] },
        { expr: 'namespace_provider_type:virtrigaud_provider_rpc_requests:error_ratio_rate5m', at: '10m', samples: [{ labels: { namespace: NS, provider_type: 'vsphere' }, value: 0.25 }] },
        { expr: 'namespace_provider_type_method:virtrigaud_provider_rpc_requests:rate5m', at: '10m', samples: [{ labels: { namespace: NS, provider_type: 'vsphere', method: 'CreateVM' }, value: 4 }] },
        // All observations in (120, 300]: p95 = 120 + 0.95 × 180 = 291.
        { expr: 'namespace_operation:virtrigaud_vm_operations_duration_seconds:p95_rate5m', at: '10m', samples: [{ labels: { namespace: NS, operation: 'Create' }, value: 291 }] },
        {
          expr: 'namespace_provider_operation:virtrigaud_vm_operations_duration_seconds:p95_rate5m',
          at: '10m',
          samples: [{ labels: { namespace: NS, ...esx, operation: 'Create' }, value: 291 }],
        },
        // All observations in (0.05, 0.1]: p95 = 0.05 + 0.95 × 0.05 = 0.0975.
        {
          expr: 'namespace_provider_type_method:virtrigaud_provider_rpc_latency_seconds:p95_rate5m',
          at: '10m',
          samples: [{ labels: { namespace: NS, provider_type: 'vsphere', method: 'CreateVM' }, value: 0.0975 }],
        },
        {
          expr: 'namespace_kind:virtrigaud_queue_depth:sum',
          at: '10m',
          samples: [
            { labels: { namespace: NS, kind: 'VirtualMachine' }, value: 7 },
            { labels: { namespace: NS, kind: 'VMClass' }, value: 0 },
          ],
        },
        // VMClass at 8..13m: 6, 0, 0, 10, 10, 10. The 5m window at 13m averages to 6 whether it
        // includes the sample at 8m (Prometheus 2: closed range) or not (Prometheus 3: left-open).
        {
          expr: 'namespace_kind:virtrigaud_queue_depth:avg_over_time5m',
          at: '13m',
          samples: [
            { labels: { namespace: NS, kind: 'VirtualMachine' }, value: 7 },
            { labels: { namespace: NS, kind: 'VMClass' }, value: 6 },
          ],
        },
        { expr: 'namespace_provider:virtrigaud_provider_tasks_inflight:sum', at: '10m', samples: [{ labels: { namespace: NS, ...esx }, value: 5 }] },
        { expr: 'namespace_component_reason:virtrigaud_errors:rate5m', at: '10m', samples: [{ labels: { namespace: NS, component: 'manager', reason: 'ConnectionFailed' }, value: 0.5 }] },
        {
          expr: 'namespace_operation:virtrigaud_vm_operations:error_ratio_rate1h',
          at: '20m',
          // Deletions never failed: no ratio series for Delete.
          samples: [{ labels: { namespace: NS, operation: 'Create' }, value: 1 / 3 }],
        },
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------

/** The PrometheusRule's spec as a plain rule file, from the synthesized construct. */
function ruleFile(input: MonitoringValuesInput, providers?: { serviceName: string }[], profile: Profile = 'documented'): string {
  const { objects } = synthMonitoring({ ...input, rules: { runbookUrlPattern: RUNBOOK_PATTERN, ...input?.rules } }, { providers, profile });
  const rule = objects.find((o) => o.kind === 'PrometheusRule');
  if (!rule) throw new Error('no PrometheusRule rendered');
  return stringify(rule.spec, { lineWidth: 0 });
}

const INLINE = { rules: { recordingRules: { enabled: false } } };
const ALL_GROUPS = [RECORDING_GROUP, SLO_GROUP, ALERT_GROUP];
const service = (name: string) => ({ serviceName: `virtrigaud-provider-${name}` });

/** The rule file of each setup (see `RuleSetup`), per profile, and the groups in evaluation order. */
const SETUPS: Readonly<Record<Profile, Partial<Record<RuleSetup, { file: string; rules: () => string; groups: readonly string[] }>>>> = {
  documented: {
    recorded: { file: 'rules.yaml', rules: () => ruleFile({}), groups: ALL_GROUPS },
    inline: { file: 'rules-inline.yaml', rules: () => ruleFile(INLINE), groups: [SLO_GROUP, ALERT_GROUP] },
    providers: { file: 'rules-providers.yaml', rules: () => ruleFile({}, [service('esx'), service('kvm')]), groups: ALL_GROUPS },
    'no-providers': { file: 'rules-no-providers.yaml', rules: () => ruleFile({}, []), groups: ALL_GROUPS },
  },
  'v0.3.11': {
    recorded: { file: 'rules-v0311.yaml', rules: () => ruleFile({}, [service('esx')], 'v0.3.11'), groups: ALL_GROUPS },
    inline: { file: 'rules-v0311-inline.yaml', rules: () => ruleFile(INLINE, [service('esx')], 'v0.3.11'), groups: [SLO_GROUP, ALERT_GROUP] },
  },
};

function run(args: string[], cwd?: string): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL!, args, { encoding: 'utf8', cwd });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const suite = PROMTOOL ? describe : describe.skip;

if (!PROMTOOL && process.env.CI) {
  test('promtool is installed in CI', () => {
    throw new Error('promtool not found on PATH, but CI is set: install Debian\'s prometheus package (.ci/run does)');
  });
}

test('the cases are written for the test release', () => {
  expect({ namespace: ctx.namespace, releaseName: ctx.releaseName }).toEqual({ namespace: NS, releaseName: 'virtrigaud' });
});

test('every alert has a firing and a silent promtool case in each profile it exists in, and none in the others', () => {
  for (const profile of PROFILES) {
    for (const name of ALERT_NAMES) {
      const checks = ALERT_NAMES.flatMap((owner) => (ALERTS[owner].tests[profile]?.cases ?? []).flatMap((c) => c.checks.filter((a) => (a.alert ?? owner) === name)));
      const exists = alertInProfile(ALERTS[name], profile);
      expect({ profile, name, tests: ALERTS[name].tests[profile] !== undefined, fires: checks.some((a) => a.firing.length > 0), silent: checks.some((a) => a.firing.length === 0) }).toEqual({
        profile,
        name,
        tests: exists,
        fires: exists,
        silent: exists,
      });
    }
  }
});

suite('promtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtrigaud-promtool-'));
    for (const setups of Object.values(SETUPS)) for (const s of Object.values(setups)) writeFileSync(join(dir, s.file), s.rules());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('promtool check rules accepts every rendered rule file', () => {
    const r = run(['check', 'rules', ...['rules.yaml', 'rules-inline.yaml', 'rules-providers.yaml', 'rules-no-providers.yaml'].map((f) => join(dir, f))]);
    expect(r.output).not.toMatch(/FAILED|error/i);
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/SUCCESS: 28 rules found/); // 14 recording + 7 SLO + 7 alerts
    expect(r.output).toMatch(/SUCCESS: 14 rules found/); // inline: 7 SLO + 7 alerts
    const v0311 = run(['check', 'rules', join(dir, 'rules-v0311.yaml'), join(dir, 'rules-v0311-inline.yaml')]);
    expect(v0311.status).toBe(0);
    expect(v0311.output).toMatch(/SUCCESS: 25 rules found/); // 12 recording + 7 SLO + 6 alerts (no SlowVMCreation)
    expect(v0311.output).toMatch(/SUCCESS: 13 rules found/);
  });

  test.each([...PROFILES])('promtool test rules, profile %s: every alert\'s cases on the rule files they name (and the recording values)', (profile) => {
    const files: string[] = [];
    for (const [setup, tests] of casesBySetup(profile)) {
      const s = SETUPS[profile][setup];
      if (!s) throw new Error(`profile ${profile} has no rule file for setup ${setup}`);
      const extra = profile === 'documented' && setup === 'recorded' ? recordingCases().map(valueTest) : [];
      const name = `test-${s.file}`;
      writeFileSync(join(dir, name), stringify(testFile(s.file, s.groups, [...tests, ...extra]), { lineWidth: 0 }));
      files.push(name);
    }
    expect(files.length).toBeGreaterThanOrEqual(2);
    const r = run(['test', 'rules', ...files], dir);
    if (r.status !== 0) throw new Error(`promtool test rules failed:\n${r.output}`);
    expect(r.output.match(/SUCCESS/g)).toHaveLength(files.length);
  });

  test('promtool rejects a broken rule file (the check is real)', () => {
    writeFileSync(join(dir, 'broken.yaml'), stringify({ groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'rate(up) by (job)' }] }] }));
    const r = run(['check', 'rules', join(dir, 'broken.yaml')]);
    expect(r.status).not.toBe(0);
  });
});
