/**
 * `promtool check rules` and `promtool test rules` on the rule groups the Monitoring construct
 * renders (the `spec` of the PrometheusRule, written as a plain rule file). Every alert has
 * cases: fires after `for` and not before, silent when healthy; the down alert fires when its
 * target is absent or vanishes; the SLO alerts fire at their burn rates. Recording rules are
 * checked for their values on small series.
 *
 * promtool comes from Debian's `prometheus` package. Without it the suite is skipped (reported
 * as skipped, never passed); in CI (`CI` set) its absence is a failure.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { delimiter, join } from 'path';
import { stringify } from 'yaml';
import { alertInProfile, alertText, ALERTS, AlertName } from '../../lib/catalog/alert-catalog';
import type { Profile } from '../../lib/profile';
import { runbookUrl } from '../../lib/monitoring/alerts';
import { DURATION_BUCKETS } from '../../lib/catalog/catalog';
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

// ---------------------------------------------------------------------------------------------
// Typed test data
// ---------------------------------------------------------------------------------------------

type Labels = Readonly<Record<string, string>>;

interface InputSeries {
  readonly metric: string;
  readonly labels: Labels;
  /** promtool expanding notation: `0+10x30`, `1x5 stale`, `_x3 1x10`. */
  readonly values: string;
}

interface ExpectedAlert {
  readonly labels: Labels;
  /** The rendered description. */
  readonly description: string;
}

interface AlertCheck {
  readonly at: string;
  readonly alert: AlertName;
  readonly firing: readonly ExpectedAlert[];
}

interface ValueCheck {
  readonly expr: string;
  readonly at: string;
  readonly samples: readonly { readonly labels: Labels; readonly value: number }[];
}

interface TestCase {
  readonly name: string;
  readonly series: readonly InputSeries[];
  readonly alerts?: readonly AlertCheck[];
  readonly values?: readonly ValueCheck[];
}

const NS = ctx.namespace;
const PROVIDER_JOB = 'virtrigaud-provider';
const MANAGER_JOB = 'virtrigaud-manager';
const RUNBOOK_PATTERN = 'https://runbooks.example.com/virtrigaud/{alertname}';

const selector = (metric: string, labels: Labels) =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(',')}}`;

/** The annotations and labels promtool must see for a firing alert. */
function expectedAlert(alert: AlertName, e: ExpectedAlert, profile: Profile) {
  const spec = ALERTS[alert];
  return {
    exp_labels: { ...e.labels, severity: spec.severity },
    exp_annotations: { summary: alertText(spec, profile).summary, description: e.description, runbook_url: runbookUrl(RUNBOOK_PATTERN, alert) },
  };
}

/**
 * A promtool unit-test file. `groups` fixes the evaluation order (recording groups before the
 * alerts that read them): Prometheus evaluates groups independently, so in production an alert
 * reading a recorded series may see it up to one evaluation interval late.
 */
function testFile(ruleFile: string, groups: readonly string[], cases: readonly TestCase[], profile: Profile = 'documented') {
  return {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    group_eval_order: groups,
    tests: cases.map((c) => ({
      name: c.name,
      interval: '1m',
      input_series: c.series.map((s) => ({ series: selector(s.metric, { ...s.labels }), values: s.values })),
      alert_rule_test: (c.alerts ?? []).map((a) => ({
        eval_time: a.at,
        alertname: a.alert,
        exp_alerts: a.firing.map((f) => expectedAlert(a.alert, f, profile)),
      })),
      promql_expr_test: (c.values ?? []).map((v) => ({
        expr: v.expr,
        eval_time: v.at,
        exp_samples: v.samples.map((s) => ({ labels: selector(v.expr, s.labels), value: s.value })),
      })),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Series builders
// ---------------------------------------------------------------------------------------------

const target = (job: string, service: string, instance: string) => ({ job, namespace: NS, service, instance, pod: `${service}-0`, endpoint: 'metrics' });
const esx = { provider_type: 'vsphere', provider: 'esx' };
const opsSeries = (labels: Labels, values: string): InputSeries => ({
  metric: 'virtrigaud_vm_operations_total',
  labels: { ...target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080'), ...labels },
  values,
});

/** Cumulative `_bucket` series of one histogram whose observations all land in the bucket `le`. */
function histogram(metric: string, labels: Labels, le: number | '+Inf', perMinute: number, minutes: number): InputSeries[] {
  const bounds = [...DURATION_BUCKETS.map(String), '+Inf'];
  return bounds.map((bound) => {
    const included = bound === '+Inf' || (le !== '+Inf' && Number(bound) >= le);
    return {
      metric: `${metric}_bucket`,
      labels: { ...target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080'), ...labels, le: bound },
      values: included ? `0+${perMinute}x${minutes}` : `0x${minutes}`,
    };
  });
}

const mins = (n: number) => `${n}m`;

// ---------------------------------------------------------------------------------------------
// Alert cases (shared by the rule files with and without recording rules)
// ---------------------------------------------------------------------------------------------

const FOR = (alert: AlertName) => Number(ALERTS[alert].for.replace(/m$/, ''));

function alertCases(): TestCase[] {
  const esxTarget = target(PROVIDER_JOB, 'virtrigaud-provider-esx', '10.0.1.1:8080');
  const managerUp = { metric: 'up', labels: target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080'), values: '1x90' };
  const downFor = FOR('VirtrigaudProviderDown');
  const providerDownDescription = (t: typeof esxTarget) =>
    `Provider target ${t.instance} of ${t.service} in namespace ${NS} has been down for more than ${downFor} minutes.`;

  const errFor = FOR('VirtrigaudHighErrorRate');
  const slowFor = FOR('VirtrigaudSlowVMCreation');
  const queueFor = FOR('VirtrigaudQueueBacklog');

  return [
    {
      name: 'ProviderDown: fires after for (5m), not before',
      // up from 0m to 4m, down from 5m: active at 5m, firing at 5m + for.
      series: [{ metric: 'up', labels: esxTarget, values: '1x4 0x30' }, managerUp],
      alerts: [
        { at: mins(4), alert: 'VirtrigaudProviderDown', firing: [] },
        { at: mins(5 + downFor - 1), alert: 'VirtrigaudProviderDown', firing: [] },
        {
          at: mins(5 + downFor),
          alert: 'VirtrigaudProviderDown',
          firing: [{ labels: { alertname: 'VirtrigaudProviderDown', ...esxTarget }, description: providerDownDescription(esxTarget) }],
        },
      ],
    },
    {
      name: 'ProviderDown: silent when every provider is up',
      series: [
        { metric: 'up', labels: esxTarget, values: '1x30' },
        { metric: 'up', labels: target(PROVIDER_JOB, 'virtrigaud-provider-kvm', '10.0.1.2:8080'), values: '1x30' },
        managerUp,
      ],
      alerts: [{ at: mins(30), alert: 'VirtrigaudProviderDown', firing: [] }],
    },
    {
      name: 'ProviderDown: fires when no provider target exists',
      series: [managerUp],
      alerts: [
        { at: mins(downFor - 1), alert: 'VirtrigaudProviderDown', firing: [] },
        {
          at: mins(downFor),
          alert: 'VirtrigaudProviderDown',
          firing: [
            {
              labels: { alertname: 'VirtrigaudProviderDown', job: PROVIDER_JOB, namespace: NS },
              description: `No target of job ${PROVIDER_JOB} in namespace ${NS} has been discovered for more than ${downFor} minutes.`,
            },
          ],
        },
      ],
    },
    {
      name: 'ProviderDown: fires when the only provider target vanishes',
      // Scraped until 10m, then gone (stale): absent from 11m.
      series: [{ metric: 'up', labels: esxTarget, values: '1x10 stale' }, managerUp],
      alerts: [
        { at: mins(11 + downFor - 1), alert: 'VirtrigaudProviderDown', firing: [] },
        {
          at: mins(11 + downFor),
          alert: 'VirtrigaudProviderDown',
          firing: [
            {
              labels: { alertname: 'VirtrigaudProviderDown', job: PROVIDER_JOB, namespace: NS },
              description: `No target of job ${PROVIDER_JOB} in namespace ${NS} has been discovered for more than ${downFor} minutes.`,
            },
          ],
        },
      ],
    },
    {
      name: 'ProviderDown: a provider in another namespace does not count',
      series: [{ metric: 'up', labels: { ...esxTarget, namespace: 'other-release' }, values: '0x30' }, managerUp],
      alerts: [
        {
          at: mins(10),
          alert: 'VirtrigaudProviderDown',
          firing: [
            {
              labels: { alertname: 'VirtrigaudProviderDown', job: PROVIDER_JOB, namespace: NS },
              description: `No target of job ${PROVIDER_JOB} in namespace ${NS} has been discovered for more than ${downFor} minutes.`,
            },
          ],
        },
      ],
    },
    {
      name: 'ManagerDown: silent while one replica is up, fires when none is (after for)',
      series: [
        { metric: 'up', labels: target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080'), values: '1x9 0x30' },
        { metric: 'up', labels: target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.2:8080'), values: '0x40' },
      ],
      alerts: [
        { at: mins(9), alert: 'VirtrigaudManagerDown', firing: [] },
        { at: mins(10 + FOR('VirtrigaudManagerDown') - 1), alert: 'VirtrigaudManagerDown', firing: [] },
        {
          at: mins(10 + FOR('VirtrigaudManagerDown')),
          alert: 'VirtrigaudManagerDown',
          firing: [
            {
              labels: { alertname: 'VirtrigaudManagerDown', job: MANAGER_JOB, namespace: NS },
              description: `No target of job ${MANAGER_JOB} in namespace ${NS} has been up for more than ${FOR('VirtrigaudManagerDown')} minutes: no manager replica can be scraped or none exists.`,
            },
          ],
        },
      ],
    },
    {
      name: 'ManagerDown: fires when the manager target is absent',
      series: [{ metric: 'up', labels: target(PROVIDER_JOB, 'virtrigaud-provider-esx', '10.0.1.1:8080'), values: '1x30' }],
      alerts: [
        {
          at: mins(FOR('VirtrigaudManagerDown')),
          alert: 'VirtrigaudManagerDown',
          firing: [
            {
              labels: { alertname: 'VirtrigaudManagerDown', job: MANAGER_JOB, namespace: NS },
              description: `No target of job ${MANAGER_JOB} in namespace ${NS} has been up for more than ${FOR('VirtrigaudManagerDown')} minutes: no manager replica can be scraped or none exists.`,
            },
          ],
        },
      ],
    },
    {
      name: 'HighErrorRate: half of the operations fail from 11m: fires after for (10m), not before',
      series: [
        opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+10x60'),
        opsSeries({ ...esx, operation: 'Create', outcome: 'failure' }, '0x10 10+10x50'),
      ],
      alerts: [
        { at: mins(10), alert: 'VirtrigaudHighErrorRate', firing: [] },
        { at: mins(11 + errFor - 1), alert: 'VirtrigaudHighErrorRate', firing: [] },
        {
          at: mins(11 + errFor),
          alert: 'VirtrigaudHighErrorRate',
          firing: [
            {
              labels: { alertname: 'VirtrigaudHighErrorRate', namespace: NS, ...esx },
              description: `50% of VM operations on provider esx (vsphere) in namespace ${NS} failed over the last 5 minutes (threshold 10%, for more than ${errFor} minutes).`,
            },
          ],
        },
      ],
    },
    {
      name: 'HighErrorRate: silent when healthy (5% errors) and without traffic',
      series: [
        opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+19x60'),
        opsSeries({ ...esx, operation: 'Create', outcome: 'error' }, '0+1x60'),
        opsSeries({ provider_type: 'libvirt', provider: 'kvm', operation: 'Create', outcome: 'success' }, '5x60'),
      ],
      alerts: [{ at: mins(45), alert: 'VirtrigaudHighErrorRate', firing: [] }],
    },
    {
      name: 'SlowVMCreation: p95 291s (all creations in the 120-300s bucket): fires after for (15m), not before',
      series: histogram('virtrigaud_vm_operations_duration_seconds', { ...esx, operation: 'Create' }, 300, 2, 40),
      alerts: [
        { at: mins(1 + slowFor - 1), alert: 'VirtrigaudSlowVMCreation', firing: [] },
        {
          at: mins(1 + slowFor),
          alert: 'VirtrigaudSlowVMCreation',
          firing: [
            {
              labels: { alertname: 'VirtrigaudSlowVMCreation', namespace: NS, operation: 'Create', ...esx },
              description: `The 95th percentile of VM creation time on provider esx (vsphere) in namespace ${NS} is 4m 51s (threshold 240s) for more than ${slowFor} minutes.`,
            },
          ],
        },
      ],
    },
    {
      name: 'SlowVMCreation: creations slower than the largest bucket still fire (p95 reported as 300s)',
      series: histogram('virtrigaud_vm_operations_duration_seconds', { ...esx, operation: 'Create' }, '+Inf', 2, 40),
      alerts: [
        {
          at: mins(30),
          alert: 'VirtrigaudSlowVMCreation',
          firing: [
            {
              labels: { alertname: 'VirtrigaudSlowVMCreation', namespace: NS, operation: 'Create', ...esx },
              description: `The 95th percentile of VM creation time on provider esx (vsphere) in namespace ${NS} is 5m 0s (threshold 240s) for more than ${slowFor} minutes.`,
            },
          ],
        },
      ],
    },
    {
      name: 'SlowVMCreation: silent when creations take under 10s, and for slow deletions',
      series: [
        ...histogram('virtrigaud_vm_operations_duration_seconds', { ...esx, operation: 'Create' }, 10, 2, 40),
        ...histogram('virtrigaud_vm_operations_duration_seconds', { ...esx, operation: 'Delete' }, '+Inf', 2, 40),
      ],
      alerts: [{ at: mins(30), alert: 'VirtrigaudSlowVMCreation', firing: [] }],
    },
    {
      name: 'QueueBacklog: depth 150 from 6m: fires after for (10m), not before',
      series: [{ metric: 'virtrigaud_queue_depth', labels: { ...target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080'), kind: 'VirtualMachine' }, values: '50x5 150x30' }],
      alerts: [
        { at: mins(6 + queueFor - 1), alert: 'VirtrigaudQueueBacklog', firing: [] },
        {
          at: mins(6 + queueFor),
          alert: 'VirtrigaudQueueBacklog',
          firing: [
            {
              labels: { alertname: 'VirtrigaudQueueBacklog', namespace: NS, kind: 'VirtualMachine' },
              description: `The work queue for VirtualMachine in namespace ${NS} holds 150 items (threshold 100) for more than ${queueFor} minutes.`,
            },
          ],
        },
      ],
    },
    {
      name: 'QueueBacklog: silent at depth 100',
      series: [{ metric: 'virtrigaud_queue_depth', labels: { ...target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080'), kind: 'VirtualMachine' }, values: '100x30' }],
      alerts: [{ at: mins(30), alert: 'VirtrigaudQueueBacklog', firing: [] }],
    },
    ...sloCases(),
  ];
}

/** SLO cases; `failed` is the outcome of a failed operation (`failure` in the spec, `error` in v0.3.11). */
function sloCases(failed = 'failure'): TestCase[] {
  const create = (successPerMin: number, failurePerMin: number, minutes: number) => [
    opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, `0+${successPerMin}x${minutes}`),
    opsSeries({ ...esx, operation: 'Create', outcome: failed }, `0+${failurePerMin}x${minutes}`),
    // Deletions fail a lot but are not VM creations: they must not count.
    opsSeries({ ...esx, operation: 'Delete', outcome: failed }, `0+50x${minutes}`),
  ];
  const fastFor = FOR('VirtrigaudVMCreationErrorBudgetFastBurn');
  const slowFor = 60; // 1h
  const labels = (alert: AlertName) => ({ alertname: alert, namespace: NS, operation: 'Create' });
  const fast = (ratio: string) => ({
    labels: labels('VirtrigaudVMCreationErrorBudgetFastBurn'),
    description: `VM creations in namespace ${NS} are failing at ${ratio} over the long window, at least 6 times the error budget of the 99% success objective (14.4x over 1h and 5m, or 6x over 6h and 30m).`,
  });
  const slow = (ratio: string) => ({
    labels: labels('VirtrigaudVMCreationErrorBudgetSlowBurn'),
    description: `VM creations in namespace ${NS} are failing at ${ratio} over the long window, at least the error budget of the 99% success objective (3x over 1d and 2h, or 1x over 3d and 6h).`,
  });
  return [
    {
      name: 'SLO: 20% of creations fail (20x the budget): the fast burn alert fires after for (2m), not before',
      series: create(80, 20, 90),
      alerts: [
        { at: mins(1 + fastFor - 1), alert: 'VirtrigaudVMCreationErrorBudgetFastBurn', firing: [] },
        { at: mins(1 + fastFor), alert: 'VirtrigaudVMCreationErrorBudgetFastBurn', firing: [fast('20%')] },
        { at: mins(1 + slowFor - 1), alert: 'VirtrigaudVMCreationErrorBudgetSlowBurn', firing: [] },
        { at: mins(1 + slowFor), alert: 'VirtrigaudVMCreationErrorBudgetSlowBurn', firing: [slow('20%')] },
      ],
    },
    {
      name: 'SLO: 5% of creations fail (5x the budget): only the slow burn alert fires',
      series: create(95, 5, 90),
      alerts: [
        { at: mins(30), alert: 'VirtrigaudVMCreationErrorBudgetFastBurn', firing: [] },
        { at: mins(90), alert: 'VirtrigaudVMCreationErrorBudgetFastBurn', firing: [] },
        { at: mins(1 + slowFor), alert: 'VirtrigaudVMCreationErrorBudgetSlowBurn', firing: [slow('5%')] },
      ],
    },
    {
      name: 'SLO: 0.5% of creations fail (within the budget): silent',
      series: create(199, 1, 90),
      alerts: [
        { at: mins(90), alert: 'VirtrigaudVMCreationErrorBudgetFastBurn', firing: [] },
        { at: mins(90), alert: 'VirtrigaudVMCreationErrorBudgetSlowBurn', firing: [] },
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Recording rule values
// ---------------------------------------------------------------------------------------------

function recordingCases(): TestCase[] {
  const m = target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080');
  const p = target(PROVIDER_JOB, 'virtrigaud-provider-esx', '10.0.1.1:8080');
  const kvm = { provider_type: 'libvirt', provider: 'kvm' };
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

/** Per-provider absence, when the construct knows the providers. */
function perProviderCases(): TestCase[] {
  const esxTarget = target(PROVIDER_JOB, 'virtrigaud-provider-esx', '10.0.1.1:8080');
  const downFor = FOR('VirtrigaudProviderDown');
  return [
    {
      name: 'ProviderDown (providers known): fires for the provider whose target vanished while another is up',
      series: [{ metric: 'up', labels: esxTarget, values: '1x30' }],
      alerts: [
        {
          at: mins(downFor),
          alert: 'VirtrigaudProviderDown',
          firing: [
            {
              labels: { alertname: 'VirtrigaudProviderDown', job: PROVIDER_JOB, namespace: NS, service: 'virtrigaud-provider-kvm' },
              description: `No target of job ${PROVIDER_JOB} (Service virtrigaud-provider-kvm) in namespace ${NS} has been discovered for more than ${downFor} minutes.`,
            },
          ],
        },
      ],
    },
    {
      name: 'ProviderDown (providers known): a down target is reported once',
      series: [
        { metric: 'up', labels: esxTarget, values: '0x30' },
        { metric: 'up', labels: target(PROVIDER_JOB, 'virtrigaud-provider-kvm', '10.0.1.2:8080'), values: '1x30' },
      ],
      alerts: [
        {
          at: mins(10),
          alert: 'VirtrigaudProviderDown',
          firing: [
            {
              labels: { alertname: 'VirtrigaudProviderDown', ...esxTarget },
              description: `Provider target ${esxTarget.instance} of ${esxTarget.service} in namespace ${NS} has been down for more than ${downFor} minutes.`,
            },
          ],
        },
      ],
    },
  ];
}

/** A release without providers: no provider target is expected. */
function noProviderCases(): TestCase[] {
  return [
    {
      name: 'ProviderDown (no providers): silent although no provider target exists',
      series: [{ metric: 'up', labels: target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080'), values: '1x30' }],
      alerts: [
        { at: mins(30), alert: 'VirtrigaudProviderDown', firing: [] },
        { at: mins(30), alert: 'VirtrigaudManagerDown', firing: [] },
      ],
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Profile v0.3.11: provider health from the manager's circuit breaker, workqueue_depth, outcome error
// ---------------------------------------------------------------------------------------------

function v0311Cases(): TestCase[] {
  const manager = target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080');
  const managerUp = { metric: 'up', labels: manager, values: '1x90' };
  const breaker = (provider: Labels, values: string): InputSeries => ({ metric: 'virtrigaud_circuit_breaker_state', labels: { ...manager, ...provider }, values });
  const kvm = { provider_type: 'libvirt', provider: 'kvm' };
  const downFor = FOR('VirtrigaudProviderDown');
  const down = (p: typeof esx) => ({
    labels: { alertname: 'VirtrigaudProviderDown', namespace: NS, ...p },
    description: `The manager's circuit breaker for provider ${p.provider} (${p.provider_type}) in namespace ${NS} has not closed for more than ${downFor} minutes: its RPCs keep failing with Unavailable, DeadlineExceeded, Internal or Unknown.`,
  });
  const errFor = FOR('VirtrigaudHighErrorRate');
  const queueFor = FOR('VirtrigaudQueueBacklog');
  const queue = (values: string): InputSeries => ({ metric: 'workqueue_depth', labels: { ...manager, name: 'virtualmachine' }, values });
  return [
    {
      name: 'v0.3.11 ProviderDown: the breaker of esx opens at 5m: fires after the 5m window and for, not before, naming esx only',
      // Breaker open from 5m: not closed over a whole 5m window from 9m or 10m (open or closed
      // range), so firing from 14m or 15m; neither at 12m, both at 17m.
      series: [breaker(esx, '0x4 2x40'), breaker(kvm, '0x45'), managerUp],
      alerts: [
        { at: mins(12), alert: 'VirtrigaudProviderDown', firing: [] },
        { at: mins(10 + downFor + 2), alert: 'VirtrigaudProviderDown', firing: [down(esx)] },
      ],
    },
    {
      name: 'v0.3.11 ProviderDown: half-open probes that keep failing do not reset it',
      series: [breaker(esx, '2x5 1 2x5 1 2x5 1 2x20'), managerUp],
      alerts: [{ at: mins(30), alert: 'VirtrigaudProviderDown', firing: [down(esx)] }],
    },
    {
      name: 'v0.3.11 ProviderDown: silent while every breaker is closed, and after one closes again; providers have no up series',
      series: [breaker(esx, '2x8 1 0x30'), breaker(kvm, '0x40'), managerUp],
      alerts: [{ at: mins(30), alert: 'VirtrigaudProviderDown', firing: [] }],
    },
    {
      name: 'v0.3.11 ProviderDown: another release\'s breaker does not count',
      series: [{ ...breaker(esx, '2x40'), labels: { ...manager, namespace: 'other-release', ...esx } }, managerUp],
      alerts: [{ at: mins(30), alert: 'VirtrigaudProviderDown', firing: [] }],
    },
    {
      name: 'v0.3.11 ManagerDown: fires when the manager target is absent, silent while it is up',
      series: [],
      alerts: [
        {
          at: mins(FOR('VirtrigaudManagerDown')),
          alert: 'VirtrigaudManagerDown',
          firing: [
            {
              labels: { alertname: 'VirtrigaudManagerDown', job: MANAGER_JOB, namespace: NS },
              description: `No target of job ${MANAGER_JOB} in namespace ${NS} has been up for more than ${FOR('VirtrigaudManagerDown')} minutes: no manager replica can be scraped or none exists.`,
            },
          ],
        },
      ],
    },
    { name: 'v0.3.11 ManagerDown: silent while up', series: [managerUp], alerts: [{ at: mins(30), alert: 'VirtrigaudManagerDown', firing: [] }] },
    {
      name: 'v0.3.11 HighErrorRate: half of the operations end in outcome error from 11m: fires after for, not before',
      series: [opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+10x60'), opsSeries({ ...esx, operation: 'Create', outcome: 'error' }, '0x10 10+10x50')],
      alerts: [
        { at: mins(11 + errFor - 1), alert: 'VirtrigaudHighErrorRate', firing: [] },
        {
          at: mins(11 + errFor),
          alert: 'VirtrigaudHighErrorRate',
          firing: [
            {
              labels: { alertname: 'VirtrigaudHighErrorRate', namespace: NS, ...esx },
              description: `50% of VM operations on provider esx (vsphere) in namespace ${NS} failed over the last 5 minutes (threshold 10%, for more than ${errFor} minutes).`,
            },
          ],
        },
      ],
    },
    {
      name: 'v0.3.11 HighErrorRate: silent at 5% errors',
      series: [opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+19x60'), opsSeries({ ...esx, operation: 'Create', outcome: 'error' }, '0+1x60')],
      alerts: [{ at: mins(45), alert: 'VirtrigaudHighErrorRate', firing: [] }],
    },
    {
      name: 'v0.3.11 QueueBacklog: workqueue_depth 150 from 6m: fires after for, not before',
      series: [queue('50x5 150x30')],
      alerts: [
        { at: mins(6 + queueFor - 1), alert: 'VirtrigaudQueueBacklog', firing: [] },
        {
          at: mins(6 + queueFor),
          alert: 'VirtrigaudQueueBacklog',
          firing: [
            {
              labels: { alertname: 'VirtrigaudQueueBacklog', namespace: NS, name: 'virtualmachine' },
              description: `The work queue of controller virtualmachine in namespace ${NS} holds 150 items (threshold 100) for more than ${queueFor} minutes.`,
            },
          ],
        },
      ],
    },
    { name: 'v0.3.11 QueueBacklog: silent at depth 100', series: [queue('100x30')], alerts: [{ at: mins(30), alert: 'VirtrigaudQueueBacklog', firing: [] }] },
    ...sloCases('error'),
  ];
}

// ---------------------------------------------------------------------------------------------

/** The PrometheusRule's spec as a plain rule file, from the synthesized construct. */
function ruleFile(input: MonitoringValuesInput, providers?: { name: string; type: string }[], profile: Profile = 'documented'): string {
  const { objects } = synthMonitoring({ ...input, rules: { runbookUrlPattern: RUNBOOK_PATTERN, ...input?.rules } }, { providers, profile });
  const rule = objects.find((o) => o.kind === 'PrometheusRule');
  if (!rule) throw new Error('no PrometheusRule rendered');
  return stringify(rule.spec, { lineWidth: 0 });
}

function run(args: string[]): { status: number | null; output: string } {
  const r = spawnSync(PROMTOOL!, args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const suite = PROMTOOL ? describe : describe.skip;

if (!PROMTOOL && process.env.CI) {
  test('promtool is installed in CI', () => {
    throw new Error('promtool not found on PATH, but CI is set: install Debian\'s prometheus package (.ci/run does)');
  });
}

suite('promtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'virtrigaud-promtool-'));
    writeFileSync(join(dir, 'rules.yaml'), ruleFile({}));
    writeFileSync(join(dir, 'rules-inline.yaml'), ruleFile({ rules: { recordingRules: { enabled: false } } }));
    writeFileSync(join(dir, 'rules-providers.yaml'), ruleFile({}, [{ name: 'esx', type: 'vsphere' }, { name: 'kvm', type: 'libvirt' }]));
    writeFileSync(join(dir, 'rules-no-providers.yaml'), ruleFile({}, []));
    writeFileSync(join(dir, 'rules-v0311.yaml'), ruleFile({}, [{ name: 'esx', type: 'vsphere' }], 'v0.3.11'));
    writeFileSync(join(dir, 'rules-v0311-inline.yaml'), ruleFile({ rules: { recordingRules: { enabled: false } } }, [{ name: 'esx', type: 'vsphere' }], 'v0.3.11'));
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

  test('promtool test rules, profile v0.3.11: every alert of the profile fires and stays silent (with and without recording rules)', () => {
    const cases = v0311Cases();
    for (const name of (Object.keys(ALERTS) as AlertName[]).filter((a) => alertInProfile(ALERTS[a], 'v0.3.11'))) {
      const checks = cases.flatMap((c) => c.alerts ?? []).filter((a) => a.alert === name);
      expect({ name, fires: checks.some((a) => a.firing.length > 0), silent: checks.some((a) => a.firing.length === 0) }).toEqual({ name, fires: true, silent: true });
    }
    const files = {
      'test-v0311.yaml': testFile('rules-v0311.yaml', [RECORDING_GROUP, SLO_GROUP, ALERT_GROUP], cases, 'v0.3.11'),
      'test-v0311-inline.yaml': testFile('rules-v0311-inline.yaml', [SLO_GROUP, ALERT_GROUP], cases, 'v0.3.11'),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), stringify(content, { lineWidth: 0 }));
    const r = spawnSync(PROMTOOL!, ['test', 'rules', ...Object.keys(files)], { cwd: dir, encoding: 'utf8' });
    const output = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`promtool test rules failed:\n${output}`);
    expect(output.match(/SUCCESS/g)).toHaveLength(Object.keys(files).length);
  });

  test('promtool test rules: every alert (with and without recording rules), recording values, per-provider absence, no providers', () => {
    const alerts = alertCases();
    // Every alert of the documented profile has a firing case and a silent case.
    for (const name of (Object.keys(ALERTS) as AlertName[]).filter((a) => alertInProfile(ALERTS[a], 'documented'))) {
      const checks = alerts.flatMap((c) => c.alerts ?? []).filter((a) => a.alert === name);
      expect({ name, fires: checks.some((a) => a.firing.length > 0), silent: checks.some((a) => a.firing.length === 0) }).toEqual({ name, fires: true, silent: true });
    }
    const all = [RECORDING_GROUP, SLO_GROUP, ALERT_GROUP];
    const files = {
      'test-default.yaml': testFile('rules.yaml', all, [...alerts, ...recordingCases()]),
      'test-inline.yaml': testFile('rules-inline.yaml', [SLO_GROUP, ALERT_GROUP], alerts),
      'test-providers.yaml': testFile('rules-providers.yaml', all, perProviderCases()),
      'test-no-providers.yaml': testFile('rules-no-providers.yaml', all, noProviderCases()),
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), stringify(content, { lineWidth: 0 }));
    const r = spawnSync(PROMTOOL!, ['test', 'rules', ...Object.keys(files)], { cwd: dir, encoding: 'utf8' });
    const output = `${r.stdout}${r.stderr}`;
    if (r.status !== 0) throw new Error(`promtool test rules failed:\n${output}`);
    expect(output.match(/SUCCESS/g)).toHaveLength(Object.keys(files).length);
  });

  test('promtool rejects a broken rule file (the check is real)', () => {
    writeFileSync(join(dir, 'broken.yaml'), stringify({ groups: [{ name: 'x', rules: [{ alert: 'X', expr: 'rate(up) by (job)' }] }] }));
    const r = run(['check', 'rules', join(dir, 'broken.yaml')]);
    expect(r.status).not.toBe(0);
  });
});
