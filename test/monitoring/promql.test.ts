import { ALERTS } from '../../lib/alerts';
import { buildDashboard } from '../../lib/monitoring/dashboard';
import { Vector } from '../../lib/promql';
import { assertValidPromQL, PromQLError, validatePromQL } from '../../lib/promql/validate';
import { buildRuleGroups } from '../../lib/monitoring/rules';
import { ctx, ruleExpressions, synthMonitoring, values } from './helpers';

const FULL = { analysis: true } as const;

describe('validatePromQL', () => {
  test('accepts valid PromQL', () => {
    for (const expr of [
      'up{job="virtrigaud-provider"} == 0 or absent(up{job="virtrigaud-provider"})',
      'histogram_quantile(0.95, sum by (le, method) (rate(virtrigaud_provider_rpc_latency_seconds_bucket[5m])))',
      'sum by (provider_type, provider) (rate(virtrigaud_vm_operations_total[5m]))',
      'avg_over_time(virtrigaud_queue_depth[5m])',
    ]) {
      expect({ expr, errors: validatePromQL(expr, FULL) }).toEqual({ expr, errors: [] });
    }
  });

  test('rejects the spec\'s invalid example queries with the official grammar', () => {
    for (const expr of [
      'rate ( virtrigaud_vm_operations_total [ 5m ] ) by ( provider_type , provider )',
      'histogram_quantile ( 0.95 , rate ( virtrigaud_provider_rpc_latency_seconds_bucket [ 5m ] ) ) by ( method )',
      'virtrigaud_provider_tasks_inflight by ( provider_type , provider )',
    ]) {
      const errors = validatePromQL(expr);
      expect({ expr, failed: errors.length > 0 }).toEqual({ expr, failed: true });
      expect(errors[0]).toMatch(/^syntax error at \d+: .*⟪/);
    }
    expect(validatePromQL('sum(rate(x[5m])')).not.toEqual([]);
    expect(validatePromQL('')).toEqual(['empty expression']);
  });

  test('codemirror-promql analysis adds type and arity checks the grammar alone cannot', () => {
    expect(validatePromQL('rate(virtrigaud_queue_depth)')).toEqual([]);
    expect(validatePromQL('rate(virtrigaud_queue_depth)', FULL).join()).toMatch(/expected type matrix/);
    expect(validatePromQL('abs(1, 2)', FULL).join()).toMatch(/expected 1 argument/);
    expect(validatePromQL('histogram_quantile(sum(rate(x_bucket[5m])))', FULL).join()).toMatch(/argument/);
  });

  test('analysis sees the whole expression, however long (CodeMirror only parses ~3000 characters up front)', () => {
    const long = Array.from({ length: 60 }, (_, i) => `sum by (namespace) (rate(virtrigaud_vm_operations_total{provider="p${i}"}[5m]))`).join(' or ');
    expect(long.length).toBeGreaterThan(4000);
    expect(validatePromQL(long, FULL)).toEqual([]);
    expect(validatePromQL(`${long} or rate(virtrigaud_queue_depth)`, FULL).join()).toMatch(/expected type matrix/);
  });

  test('Grafana range macros are accepted only when asked for', () => {
    const expr = 'sum(rate(virtrigaud_errors_total[$__rate_interval]))';
    expect(validatePromQL(expr)).not.toEqual([]);
    expect(validatePromQL(expr, { grafanaMacros: true, analysis: true })).toEqual([]);
  });

  test('assertValidPromQL names what is invalid', () => {
    expect(() => assertValidPromQL('alert X', 'sum(x) by')).toThrow(PromQLError);
    expect(() => assertValidPromQL('alert X', 'sum(x) by')).toThrow(/^alert X: invalid PromQL: syntax error/);
  });
});

describe('every rendered expression parses (grammar + analysis)', () => {
  const configs = {
    default: values(),
    'recording rules off': values({ rules: { recordingRules: { enabled: false } } }),
    'SLO off, custom thresholds': values({ rules: { slo: { vmCreation: { enabled: false } }, alerts: { VirtrigaudSlowVMCreation: { threshold: 120 } } } }),
  };
  test.each(Object.entries(configs))('rules: %s', (_, v) => {
    const groups = buildRuleGroups(ctx, v.rules, { profile: 'documented', validate: FULL, providerServices: ['virtrigaud-provider-esx'] });
    const exprs = ruleExpressions(groups);
    expect(exprs.length).toBeGreaterThan(5);
    for (const { what, expr } of exprs) expect({ what, errors: validatePromQL(expr, FULL) }).toEqual({ what, errors: [] });
  });

  test('dashboard queries', () => {
    const { queries } = buildDashboard(ctx, values().dashboard, FULL, 'documented');
    expect(queries.length).toBeGreaterThan(20);
    for (const { panel, expr } of queries) expect({ panel, errors: validatePromQL(expr, { ...FULL, grafanaMacros: true }) }).toEqual({ panel, errors: [] });
  });

  test('the construct validates at construction and throws naming the alert', () => {
    const mutable = ALERTS.VirtrigaudQueueBacklog as { expression: unknown };
    const original = mutable.expression;
    mutable.expression = () => new Vector('sum(virtrigaud_queue_depth) by', { labels: [], filters: {}, min: 0, max: Infinity, metrics: [] });
    try {
      expect(() => synthMonitoring()).toThrow(/alert VirtrigaudQueueBacklog: invalid PromQL: syntax error/);
    } finally {
      mutable.expression = original;
    }
    expect(() => synthMonitoring()).not.toThrow();
  });
});
