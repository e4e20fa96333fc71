/**
 * The rule groups of the PrometheusRule `<release>-alerts`:
 * - `virtrigaud.recording`: recording rules for the spec's example queries;
 * - `virtrigaud.slo`: the VM-creation SLO error ratios per window;
 * - `virtrigaud.rules` (the spec's group name): the alerts.
 * Every expression is built from the catalog and parsed with the Prometheus grammar.
 */
import { Construct } from 'constructs';
import { ReleaseContext, managerJobName, providerJobName, resourceName } from '../conventions/names';
import { objectMeta } from '../conventions/labels';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import type { MonitoringValues } from '../values/monitoring-values';
import { alertInProfile, ALERT_NAMES, ALERTS } from '../alerts';
import { DEFAULT_PROFILE, Profile } from '../catalog/catalog';
import { AlertContext, AlertingRule, buildAlert, TargetJobs } from './alerts';
import { PromQL } from '../promql';
import { assertValidPromQL, ValidateOptions } from '../promql/validate';
import { RECORDING_RULES, ruleInProfile } from '../promql/recording-rules';
import { SLO_RECORDING_RULES } from '../promql/slo';

export const RECORDING_GROUP = 'virtrigaud.recording';
export const SLO_GROUP = 'virtrigaud.slo';
export const ALERT_GROUP = 'virtrigaud.rules';

export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly Rule[];
}

export type RulesValues = MonitoringValues['rules'];

export interface RuleSetOptions {
  /** The metrics catalog the rules are built for. @default DEFAULT_PROFILE */
  readonly profile?: Profile;
  /**
   * Names of the provider Services this release renders: the down alert then fires for each one
   * whose target vanished (and, with none, never for absence). Unknown (undefined): it fires when
   * the provider job has no target at all.
   */
  readonly providerServices?: readonly string[];
  /**
   * Whether this release's ServiceMonitors scrape the manager and the providers (default: both).
   * Without a ServiceMonitor, a missing target is expected and the down alerts only report `up == 0`.
   */
  readonly scraped?: { readonly manager: boolean; readonly providers: boolean };
  /** Prometheus jobs of the release's targets. @default - the release's (lib/conventions/names.ts) */
  readonly jobs?: TargetJobs;
  /** How expressions are validated (default: the lezer grammar only). */
  readonly validate?: ValidateOptions;
}

export const isAlertingRule = (r: Rule): r is AlertingRule => 'alert' in r;

/** The rule groups (plain Prometheus rule-file data), honouring every enable flag. */
export function buildRuleGroups(ctx: ReleaseContext, values: RulesValues, options: RuleSetOptions = {}): RuleGroup[] {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const q = new PromQL({ profile, scope: { namespace: ctx.namespace } });
  const groups: RuleGroup[] = [];
  const check = (what: string, expr: string) => assertValidPromQL(what, expr, options.validate);

  const useRecorded = values.recordingRules.enabled;
  if (useRecorded) {
    const rules = RECORDING_RULES.filter((spec) => ruleInProfile(spec, profile)).map((spec) => {
      const { name, expr } = q.record(spec.name, spec.build(q));
      check(`recording rule ${name}`, expr.text);
      return { record: name, expr: expr.text };
    });
    groups.push({ name: RECORDING_GROUP, rules });
  }

  const slo = values.slo.vmCreation;
  if (slo.enabled) {
    const rules = SLO_RECORDING_RULES.map((spec) => {
      const { name, expr } = q.record(spec.name, spec.build(q));
      check(`recording rule ${name}`, expr.text);
      return { record: name, expr: expr.text };
    });
    groups.push({ name: SLO_GROUP, rules });
  }

  const c: AlertContext = {
    q,
    namespace: ctx.namespace,
    managerJob: options.jobs?.manager ?? managerJobName(ctx),
    providerJob: options.jobs?.provider ?? providerJobName(ctx),
    providerServices: options.providerServices,
    scraped: options.scraped ?? { manager: true, providers: true },
    useRecorded,
    objective: slo.objective,
  };
  const alerts: AlertingRule[] = [];
  for (const name of ALERT_NAMES) {
    const spec = ALERTS[name];
    const alertValues = values.alerts[name];
    if (!alertValues.enabled) continue;
    if (spec.origin === 'slo' && !slo.enabled) continue;
    if (!alertInProfile(spec, profile)) continue;
    const rule = buildAlert(spec, alertValues, c, values.runbookUrlPattern);
    check(`alert ${name}`, rule.expr);
    alerts.push(rule);
  }
  if (alerts.length > 0) groups.push({ name: ALERT_GROUP, rules: alerts });
  return groups;
}

export interface AlertRulesProps {
  readonly context: ReleaseContext;
  readonly groups: readonly RuleGroup[];
  readonly additionalLabels: Readonly<Record<string, string>>;
}

/** The PrometheusRule `<release>-alerts` (typed from the vendored CRD). */
export function createPrometheusRule(scope: Construct, id: string, props: AlertRulesProps): PrometheusRule {
  const { context: ctx } = props;
  return new PrometheusRule(scope, id, {
    metadata: objectMeta(ctx, resourceName(ctx, 'alerts'), 'monitoring', { labels: props.additionalLabels }),
    spec: {
      groups: props.groups.map((g) => ({
        name: g.name,
        rules: g.rules.map((r) =>
          isAlertingRule(r)
            ? { alert: r.alert, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr), for: r.for, labels: { ...r.labels }, annotations: { ...r.annotations } }
            : { record: r.record, expr: PrometheusRuleSpecGroupsRulesExpr.fromString(r.expr) },
        ),
      })),
    },
  });
}
