import { CatalogError, DURATION_BUCKETS, getMetric, largestFiniteBucket, PROFILE_LABELS, PROFILE_METRICS } from '../../lib/catalog/catalog';
import { absent, and, div, eq, gt, histogramQuantile, lt, mul, ne, oneOf, or, overTime, PromQL, rate, sum, sumBy } from '../../lib/promql';

/** Every metric of the spec's tables, with its type and labels as the spec lists them. */
const SPEC_TABLE: Record<string, [string, string[]]> = {
  virtrigaud_manager_reconcile_total: ['counter', ['kind', 'outcome']],
  virtrigaud_manager_reconcile_duration_seconds: ['histogram', ['kind']],
  virtrigaud_queue_depth: ['gauge', ['kind']],
  virtrigaud_vm_operations_total: ['counter', ['operation', 'provider_type', 'provider', 'outcome']],
  virtrigaud_vm_reconfigure_total: ['counter', ['provider_type', 'outcome']],
  virtrigaud_vm_snapshot_total: ['counter', ['action', 'provider_type', 'outcome']],
  virtrigaud_vm_clone_total: ['counter', ['linked', 'provider_type', 'outcome']],
  virtrigaud_vm_image_prepare_total: ['counter', ['provider_type', 'outcome']],
  virtrigaud_build_info: ['gauge', ['version', 'git_sha', 'go_version']],
  virtrigaud_provider_rpc_requests_total: ['counter', ['provider_type', 'method', 'code']],
  virtrigaud_provider_rpc_latency_seconds: ['histogram', ['provider_type', 'method']],
  virtrigaud_provider_tasks_inflight: ['gauge', ['provider_type', 'provider']],
  virtrigaud_ip_discovery_duration_seconds: ['histogram', ['provider_type']],
  virtrigaud_errors_total: ['counter', ['reason', 'component']],
  virtrigaud_vsphere_sessions_total: ['counter', ['datacenter']],
  virtrigaud_vsphere_api_calls_total: ['counter', ['method', 'datacenter']],
  virtrigaud_libvirt_connections_total: ['counter', ['host']],
  virtrigaud_libvirt_domains_total: ['gauge', ['host', 'state']],
};

describe('metrics catalog', () => {
  test('holds every metric of the spec tables with its type and labels, plus the histogram its queries use', () => {
    for (const [name, [type, labels]] of Object.entries(SPEC_TABLE)) {
      const m = getMetric(name, 'documented');
      expect({ name, type: m.type, labels: [...m.labels], source: m.source }).toEqual({ name, type, labels, source: 'table' });
    }
    const ops = getMetric('virtrigaud_vm_operations_duration_seconds', 'documented');
    expect(ops).toMatchObject({ type: 'histogram', labels: ['operation', 'provider_type', 'provider'], source: 'queries' });
    expect(PROFILE_METRICS.documented.map((m) => m.name).sort()).toEqual([...Object.keys(SPEC_TABLE), 'virtrigaud_vm_operations_duration_seconds'].sort());
  });

  test('every metric has help text, a serving component and known labels; histograms have the spec buckets', () => {
    for (const m of PROFILE_METRICS.documented) {
      expect(m.help).toMatch(/\.$/);
      expect(m.servedBy.length).toBeGreaterThan(0);
      for (const l of m.labels) expect(PROFILE_LABELS.documented[l]).toBeDefined();
      if (m.type === 'histogram') expect(m.buckets).toEqual(DURATION_BUCKETS);
      else expect(m.buckets).toBeUndefined();
    }
    expect(largestFiniteBucket(getMetric('virtrigaud_vm_operations_duration_seconds', 'documented'))).toBe(300);
    // Which component serves what: gRPC metrics on providers, reconcile and operations on the manager.
    expect(getMetric('virtrigaud_provider_rpc_requests_total', 'documented').servedBy).toEqual(['provider']);
    expect(getMetric('virtrigaud_vm_operations_total', 'documented').servedBy).toEqual(['manager']);
    expect(getMetric('virtrigaud_errors_total', 'documented').servedBy).toEqual(['manager', 'provider']);
    expect(getMetric('virtrigaud_vsphere_api_calls_total', 'documented').providerTypes).toEqual(['vsphere']);
  });

  test('label values from the spec; closed sets where the spec lists them all', () => {
    expect(PROFILE_LABELS.documented.outcome).toMatchObject({ values: ['success', 'failure', 'error'], closed: true });
    expect(PROFILE_LABELS.documented.operation).toMatchObject({ values: ['Create', 'Delete', 'Power', 'Describe', 'Reconfigure'], closed: true });
    expect(PROFILE_LABELS.documented.code.values).toContain('DEADLINE_EXCEEDED');
    expect(PROFILE_LABELS.documented.code.closed).toBe(true);
    expect(PROFILE_LABELS.documented.reason.closed).toBe(false);
    expect(PROFILE_LABELS.documented.kind.closed).toBe(false);
  });

  test('flags the gauge named _total', () => {
    expect(getMetric('virtrigaud_libvirt_domains_total', 'documented').notes?.join(' ')).toMatch(/gauge.*_total/);
  });
});

describe('PromQL builder: catalog errors at build time', () => {
  const q = new PromQL({ profile: 'documented', scope: { namespace: 'ns' } });

  test('unknown metric', () => {
    expect(() => q.metric('virtrigaud_vm_operation_total' as never)).toThrow(CatalogError);
    expect(() => q.metric('virtrigaud_vm_operation_total' as never)).toThrow(/unknown metric "virtrigaud_vm_operation_total".*did you mean virtrigaud_vm_operations_total/);
  });

  test('unknown label in a matcher', () => {
    expect(() => q.metric('virtrigaud_errors_total', { provider_type: 'vsphere' } as never)).toThrow(/virtrigaud_errors_total has no label "provider_type"/);
  });

  test('by on a label the metric lacks (the spec\'s "Error Rate by Provider" panel)', () => {
    expect(() => sumBy(['component', 'provider_type'], rate(q.metric('virtrigaud_errors_total'), '5m'))).toThrow(
      /label "provider_type" is not a label of virtrigaud_errors_total/,
    );
    // After aggregation the dropped labels are gone too.
    expect(() => sumBy(['provider'], sumBy(['provider_type'], rate(q.metric('virtrigaud_vm_operations_total'), '5m')))).toThrow(/label "provider" is not a label/);
  });

  test('histogram-quantile threshold at or above the largest finite bucket (300 s) can never fire', () => {
    const p95 = histogramQuantile(0.95, sumBy(['le'], rate(q.bucket('virtrigaud_vm_operations_duration_seconds', { operation: 'Create' }), '5m')));
    expect(() => gt(p95, 600)).toThrow(/largest finite bucket \(300\)/);
    expect(() => gt(p95, 300)).toThrow(CatalogError);
    expect(gt(p95, 299).text).toMatch(/> 299$/);
    // Also through a recorded series.
    const r = new PromQL({ profile: 'documented' });
    r.record('namespace:virtrigaud_vm_operations_duration_seconds:p95_rate5m', histogramQuantile(0.95, sumBy(['namespace', 'le'], rate(r.bucket('virtrigaud_vm_operations_duration_seconds'), '5m'))));
    expect(() => gt(r.recorded('namespace:virtrigaud_vm_operations_duration_seconds:p95_rate5m'), 300)).toThrow(/largest finite bucket/);
  });

  test('a label value a closed label never takes (the spec\'s outcome=" failure ")', () => {
    expect(() => q.metric('virtrigaud_vm_operations_total', { outcome: ' failure ' })).toThrow(/" failure " is not a value of outcome/);
    expect(() => q.metric('virtrigaud_vm_operations_total', { outcome: oneOf(['failure', 'failed']) })).toThrow(/"failed" is not a value of outcome/);
    expect(() => q.metric('virtrigaud_provider_rpc_requests_total', { code: ne('Ok') })).toThrow(/"Ok" is not a value of code/);
    // Open labels accept any value.
    expect(q.metric('virtrigaud_errors_total', { reason: 'DiskFull' }).text).toBe('virtrigaud_errors_total{reason="DiskFull",namespace="ns"}');
  });

  test('the spec\'s ratio without aggregation divides each series by itself', () => {
    const ops = (m = {}) => rate(q.metric('virtrigaud_vm_operations_total', m), '5m');
    expect(() => div(ops({ outcome: 'failure' }), ops())).toThrow(/label "outcome" is filtered on one side only/);
    expect(() => div(sumBy(['provider'], ops({ outcome: 'failure' })), sumBy(['provider', 'outcome'], ops()))).toThrow(/different labels/);
    const ratio = div(sumBy(['provider'], ops({ outcome: 'failure' })), sumBy(['provider'], ops()));
    expect(ratio.info).toMatchObject({ min: 0, max: 1, labels: ['provider'] });
    expect(() => gt(ratio, 1)).toThrow(/can never be true/);
    expect(mul(ratio, 100).info.max).toBe(100);
  });

  test('type errors: rate of a gauge, range over an expression, quantile without le or rate', () => {
    expect(() => rate(q.metric('virtrigaud_queue_depth'), '5m')).toThrow(/gauge/);
    expect(() => rate(q.metric('virtrigaud_libvirt_domains_total'), '5m')).toThrow(/gauge/);
    expect(() => rate(sum(q.metric('virtrigaud_errors_total')), '5m')).toThrow(/plain series selector/);
    expect(() => overTime('avg', q.metric('virtrigaud_errors_total'), '5m')).toThrow(/counter/);
    expect(() => histogramQuantile(0.95, sumBy(['method'], rate(q.bucket('virtrigaud_provider_rpc_latency_seconds'), '5m')))).toThrow(/keep le/);
    expect(() => histogramQuantile(0.95, q.bucket('virtrigaud_provider_rpc_latency_seconds'))).toThrow(/rate\(\) to the buckets/);
    expect(() => histogramQuantile(1.5, sumBy(['le'], rate(q.bucket('virtrigaud_provider_rpc_latency_seconds'), '5m')))).toThrow(/between 0 and 1/);
    expect(() => q.metric('virtrigaud_provider_rpc_latency_seconds' as never)).toThrow(/histogram/);
    expect(() => rate(q.metric('virtrigaud_errors_total'), '5 minutes')).toThrow(/invalid range/);
    expect(() => lt(q.up({ job: 'x' }), 0)).toThrow(/can never be true/);
  });

  test('absent() carries only the equality labels of its selector', () => {
    const a = absent(q.up({ job: 'virtrigaud-provider' }));
    expect([...a.info.labels].sort()).toEqual(['job', 'namespace']);
    expect(absent(eq(q.up({ job: 'x' }), 1)).info.labels).toEqual([]);
  });

  test('recording rule names must follow level:metric:operations with the real labels and metric', () => {
    const r = new PromQL({ profile: 'documented' });
    const byProvider = sumBy(['namespace', 'provider_type', 'provider'], rate(r.metric('virtrigaud_vm_operations_total'), '5m'));
    expect(() => r.record('provider:virtrigaud_vm_operations:rate5m', byProvider)).toThrow(/expected "namespace_provider"/);
    expect(() => r.record('namespace_provider:virtrigaud_vm_ops:rate5m', byProvider)).toThrow(/metric part/);
    expect(() => r.record('namespace_provider-virtrigaud', byProvider)).toThrow(/level:metric:operations/);
    r.record('namespace_provider:virtrigaud_vm_operations:rate5m', byProvider);
    expect(() => r.record('namespace_provider:virtrigaud_vm_operations:rate5m', byProvider)).toThrow(/defined twice/);
    expect(() => r.recorded('namespace_provider:virtrigaud_vm_operations:rate1h')).toThrow(/no recording rule defines it/);
    expect(() => r.recorded('namespace_provider:virtrigaud_vm_operations:rate5m', { kind: 'VMClass' })).toThrow(/has no label "kind"/);
  });

  test('renders valid, readable PromQL', () => {
    const ops = (m = {}) => rate(q.metric('virtrigaud_vm_operations_total', m), '5m');
    const slo = or(and(gt(sum(ops()), 1), gt(sum(ops()), 2)), and(gt(sum(ops()), 3), gt(sum(ops()), 4)));
    expect(slo.text).toBe(
      '(sum(rate(virtrigaud_vm_operations_total{namespace="ns"}[5m])) > 1 and sum(rate(virtrigaud_vm_operations_total{namespace="ns"}[5m])) > 2) or (sum(rate(virtrigaud_vm_operations_total{namespace="ns"}[5m])) > 3 and sum(rate(virtrigaud_vm_operations_total{namespace="ns"}[5m])) > 4)',
    );
    expect(mul(div(sum(ops({ operation: 'Create', outcome: 'success' })), sum(ops({ operation: 'Create' }))), 100).text).toBe(
      'sum(rate(virtrigaud_vm_operations_total{operation="Create",outcome="success",namespace="ns"}[5m])) / sum(rate(virtrigaud_vm_operations_total{operation="Create",namespace="ns"}[5m])) * 100',
    );
  });
});

describe('PromQL builder: profile v0.3.11 (the default) refuses what v0.3.11 does not emit', () => {
  const q = new PromQL({ scope: { namespace: 'ns' } });

  test('the default profile is v0.3.11', () => {
    expect(q.profile).toBe('v0.3.11');
  });

  test('a family v0.3.11 does not register', () => {
    expect(() => q.bucket('virtrigaud_vm_operations_duration_seconds')).toThrow(/does not exist in profile v0\.3\.11 .*only in documented/);
    expect(() => q.metric('virtrigaud_vsphere_api_calls_total')).toThrow(CatalogError);
  });

  test('a family registered but never set', () => {
    expect(() => q.metric('virtrigaud_queue_depth')).toThrow(/never set in v0\.3\.11.*workqueue_depth/);
  });

  test('label values as shipped: outcome error (no failure), gRPC code Unavailable, method Create', () => {
    expect(() => q.metric('virtrigaud_vm_operations_total', { outcome: 'failure' })).toThrow(/"failure" is not a value of outcome in profile v0\.3\.11/);
    expect(() => q.metric('virtrigaud_provider_rpc_requests_total', { code: 'UNAVAILABLE' })).toThrow(/"UNAVAILABLE" is not a value of code/);
    expect(() => q.metric('virtrigaud_provider_rpc_requests_total', { method: 'CreateVM' })).toThrow(/"CreateVM" is not a value of method/);
    expect(q.metric('virtrigaud_provider_rpc_requests_total', { code: 'Unavailable', method: 'Create' }).text).toBe(
      'virtrigaud_provider_rpc_requests_total{code="Unavailable",method="Create",namespace="ns"}',
    );
    expect(() => q.metric('virtrigaud_manager_reconcile_total', { outcome: 'requeue' })).not.toThrow();
  });

  test('a quantile threshold at or above the top finite bucket (16.384 s; IP discovery 51.2 s) is a build error', () => {
    const p95 = (name: 'virtrigaud_provider_rpc_latency_seconds' | 'virtrigaud_ip_discovery_duration_seconds') =>
      histogramQuantile(0.95, sumBy(['le'], rate(q.bucket(name), '5m')));
    expect(() => gt(p95('virtrigaud_provider_rpc_latency_seconds'), 20)).toThrow(/can never be true.*largest finite bucket \(16\.384\)/);
    expect(() => gt(p95('virtrigaud_provider_rpc_latency_seconds'), 16)).not.toThrow();
    expect(() => gt(p95('virtrigaud_ip_discovery_duration_seconds'), 60)).toThrow(/largest finite bucket \(51\.2\)/);
  });

  test('controller-runtime workqueue_depth{name} is there', () => {
    expect(q.metric('workqueue_depth', { name: 'virtualmachine' }).text).toBe('workqueue_depth{name="virtualmachine",namespace="ns"}');
  });
});
