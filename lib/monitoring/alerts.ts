/**
 * Alerting rules from the alert definitions (lib/alerts/). Annotations follow the mixin
 * conventions: static `summary` ending in a period, templated `description`, `runbook_url` from
 * one pattern; labels carry `severity`.
 */
import { AlertContext, AlertDefinition, AlertName, alertText, humanizeDuration } from '../alerts';
import type { AlertValues } from '../values/monitoring-values';

export type { AlertContext };

/** Prometheus jobs of the release's targets (the Service label `virtrigaud.io/job` the constructs set). */
export interface TargetJobs {
  readonly manager: string;
  readonly provider: string;
}

export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** `runbook_url` of an alert: `{alertname}` in the pattern replaced by its name. */
export function runbookUrl(pattern: string, alert: string): string {
  return pattern.split('{alertname}').join(alert);
}

/** One alerting rule from its definition and values. */
export function buildAlert(spec: AlertDefinition<AlertName>, values: AlertValues, c: AlertContext, runbookUrlPattern: string): AlertingRule {
  const threshold = spec.threshold ? values.threshold ?? spec.threshold.default : undefined;
  const expr = spec.expression(c, threshold);
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
