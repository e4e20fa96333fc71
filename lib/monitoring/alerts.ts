/**
 * Alerting rules: the spec's four alerts (corrected), the manager-down alert and the SLO pair.
 * Annotations follow the mixin conventions: static `summary` ending in a period, templated
 * `description`, `runbook_url` from one pattern; labels carry `severity`.
 */
import { alertText, ALERTS, AlertName, AlertSpec, humanizeDuration } from '../catalog/alert-catalog';
import { absent, compare, eq, gt, maxBy, or, overTime, PromQL, Vector } from './promql';
import { recordedOrInline } from './recording-rules';
import { burnRateExpression } from './slo';
import type { AlertValues } from '../values/monitoring-values';

/** A provider instance whose Service the provider ServiceMonitor scrapes. */
export interface ProviderRef {
  readonly name: string;
  readonly type: string;
}

export interface AlertContext {
  readonly q: PromQL;
  readonly namespace: string;
  readonly managerJob: string;
  readonly providerJob: string;
  /**
   * Provider Services the release renders: each is checked for absence. `undefined`: unknown,
   * so the down alert fires when the provider job has no target at all; empty: no absence check.
   */
  readonly providerServices: readonly string[] | undefined;
  /** Whether this release's ServiceMonitors scrape the manager and the providers (absence is only an error then). */
  readonly scraped: { readonly manager: boolean; readonly providers: boolean };
  /** Alerts read recorded series (recording rules rendered). */
  readonly useRecorded: boolean;
  readonly objective: number;
}

export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** `virtrigaud_circuit_breaker_state` of a half-open breaker (upstream `CircuitBreakerHalfOpen`; 2 is open). */
export const CIRCUIT_BREAKER_HALF_OPEN = 1;
/** Window in which a breaker must never have been closed. */
export const CIRCUIT_BREAKER_WINDOW = '5m';

type ExpressionBuilder = (c: AlertContext, threshold: number | undefined) => Vector;

const requireThreshold = (name: string, t: number | undefined): number => {
  if (t === undefined) throw new Error(`${name} needs a threshold`);
  return t;
};

/** The expression of each alert. */
export const ALERT_EXPRESSIONS: Readonly<Record<AlertName, ExpressionBuilder>> = {
  // Spec: up{job="virtrigaud-provider"} == 0 — silent when the target vanishes. Here: any target
  // down, or no target at all (per provider Service when the providers are known).
  // v0.3.11: providers serve no /metrics (their `up` is 0 or absent whatever their health); the
  // manager's circuit breaker for a provider is open after repeated infrastructure failures.
  VirtrigaudProviderDown: (c) => {
    if (c.q.profile === 'v0.3.11') {
      // Not closed at any sample of the window (open, or half-open while a probe hangs): unreachable.
      const state = maxBy(['namespace', 'provider_type', 'provider'], overTime('min', c.q.metric('virtrigaud_circuit_breaker_state'), CIRCUIT_BREAKER_WINDOW));
      return compare('>=', state, CIRCUIT_BREAKER_HALF_OPEN);
    }
    const target = { job: c.providerJob, namespace: c.namespace };
    const down = eq(c.q.up(target), 0);
    const missing = !c.scraped.providers
      ? []
      : c.providerServices === undefined
        ? [absent(c.q.up(target))]
        : c.providerServices.map((service) => absent(c.q.up({ ...target, service })));
    return missing.reduce((acc, m) => or(acc, m), down);
  },
  VirtrigaudManagerDown: (c) => {
    const target = { job: c.managerJob, namespace: c.namespace };
    const down = eq(maxBy(['job', 'namespace'], c.q.up(target)), 0);
    return c.scraped.manager ? or(down, absent(c.q.up(target))) : down;
  },
  // Spec: rate(x{outcome="failure"}[5m]) / rate(x[5m]) > 0.1 — divides each series by itself.
  VirtrigaudHighErrorRate: (c, t) =>
    gt(recordedOrInline(c.q, 'namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m', {}, c.useRecorded), requireThreshold('VirtrigaudHighErrorRate', t)),
  // Spec: histogram_quantile(0.95, …) > 600 — above the largest finite bucket (300 s), never fires.
  VirtrigaudSlowVMCreation: (c, t) =>
    gt(
      recordedOrInline(c.q, 'namespace_provider_operation:virtrigaud_vm_operations_duration_seconds:p95_rate5m', { operation: 'Create' }, c.useRecorded),
      requireThreshold('VirtrigaudSlowVMCreation', t),
    ),
  // v0.3.11 never sets virtrigaud_queue_depth: controller-runtime's workqueue_depth{name} instead.
  VirtrigaudQueueBacklog: (c, t) =>
    gt(
      recordedOrInline(c.q, c.q.profile === 'v0.3.11' ? 'namespace_name:workqueue_depth:sum' : 'namespace_kind:virtrigaud_queue_depth:sum', {}, c.useRecorded),
      requireThreshold('VirtrigaudQueueBacklog', t),
    ),
  VirtrigaudVMCreationErrorBudgetFastBurn: (c) => burnRateExpression(c.q, 'VirtrigaudVMCreationErrorBudgetFastBurn', c.objective),
  VirtrigaudVMCreationErrorBudgetSlowBurn: (c) => burnRateExpression(c.q, 'VirtrigaudVMCreationErrorBudgetSlowBurn', c.objective),
};

/** `runbook_url` of an alert: `{alertname}` in the pattern replaced by its name. */
export function runbookUrl(pattern: string, alert: string): string {
  return pattern.split('{alertname}').join(alert);
}

/** One alerting rule from its spec and values. */
export function buildAlert(spec: AlertSpec, values: AlertValues, c: AlertContext, runbookUrlPattern: string): AlertingRule {
  const threshold = spec.threshold ? values.threshold ?? spec.threshold.default : undefined;
  const expr = ALERT_EXPRESSIONS[spec.name](c, threshold);
  const text = alertText(spec, c.q.profile);
  return {
    alert: spec.name,
    expr: expr.text,
    for: values.for,
    labels: { ...values.labels, severity: values.severity },
    annotations: {
      summary: text.summary,
      description: text.description({ forText: humanizeDuration(values.for), threshold, objective: c.objective }),
      runbook_url: runbookUrl(runbookUrlPattern, spec.name),
    },
  };
}

export { ALERTS };
