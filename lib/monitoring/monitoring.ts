import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import { PrometheusRule, ServiceMonitor } from '../../imports/monitoring.coreos.com';
import { managerJobName, managerName, providerJobName, ReleaseContext } from '../conventions/names';
import { releaseContext, ReleaseContextProps } from '../parts/release-context';
import { chartNamespace, parsePart } from '../parts/parse-part';
import { addPartValidation } from '../parts/validation';
import { ParsedProps, partProps, ReleasePart } from '../parts/release-part';
import type { MonitoringOptions } from '../props';
import { monitoringValuesSchema, MonitoringValues } from '../values/monitoring-values';
import { DEFAULT_PROFILE, Profile } from '../catalog/catalog';
import { buildDashboard, createDashboardConfigMap, DashboardBuild } from './dashboard';
import type { ValidateOptions } from '../promql/validate';
import { buildRuleGroups, createPrometheusRule, RuleGroup } from './rules';
import { createServiceMonitors } from './service-monitors';

/** A Service of the release that monitoring selects (its construct's `service.name`). */
export interface MonitoredService {
  readonly serviceName: string;
}

export interface MonitoringProps {
  /** The release. @default - the defaults of the values, in the chart's namespace if it has one */
  readonly context?: ReleaseContextProps;
  /**
   * The metrics catalog rules and panels are built from. With `v0.3.11` the providers serve no
   * `/metrics`, so no providers ServiceMonitor is rendered. @default DEFAULT_PROFILE
   */
  readonly profile?: Profile;
  /** The `monitoring` values. @default - every key at its default (see `MonitoringOptions`) */
  readonly values?: MonitoringOptions;
  /**
   * How the manager serves `/metrics`; `secure`: HTTPS with Kubernetes authn/authz (`--metrics-secure`).
   * @default - plain HTTP
   */
  readonly managerMetrics?: { readonly secure?: boolean };
  /**
   * The manager's Service and Prometheus job (`VirtRigaudManager.service`, `.jobName`): a
   * CA-verified secure scrape expects the Service's DNS name by default.
   * @default - the manager Service and job of the release (`<release>-manager`)
   */
  readonly manager?: MonitoredService & { readonly jobName: string };
  /**
   * The provider Services this release renders (`VirtRigaudProvider.service`, `deployment` mode).
   * When given, the provider-down alert fires for each Service whose target vanished, even while
   * others are up, and never for absence when the list is empty. When omitted, it fires when the
   * provider job has no target at all (which a release without providers always is).
   */
  readonly providers?: readonly MonitoredService[];
  /**
   * Validation of every expression at construction.
   * @default - syntax checked with the Prometheus lezer grammar
   */
  readonly validate?: ValidateOptions;
}

/** `MonitoringProps` as `VirtRigaud` hands them over. @internal */
export type ParsedMonitoringProps = ParsedProps<MonitoringProps, { readonly values: MonitoringValues }>;

/**
 * Monitoring of a release: ServiceMonitors for the manager and the providers, the PrometheusRule
 * `<release>-alerts` (recording rules, alerts, SLO) and the Grafana dashboard ConfigMap, each
 * behind its enable flag. Every expression is built from the metrics catalog and parsed with
 * the Prometheus grammar here; an invalid one throws naming the alert, rule or panel.
 */
export class Monitoring extends Construct {
  public readonly managerServiceMonitor?: ServiceMonitor;
  public readonly providersServiceMonitor?: ServiceMonitor;
  public readonly prometheusRule?: PrometheusRule;
  public readonly dashboardConfigMap?: k8s.KubeConfigMap;
  /** The release this monitoring belongs to (after defaults). */
  public readonly context: ReleaseContext;
  /** Prometheus `job` of the manager targets (what the alerts select). */
  public readonly managerJobName: string;
  /** Prometheus `job` of the provider targets (what the alerts select). */
  public readonly providerJobName: string;
  /**
   * The rule groups as a plain Prometheus rule file (empty when rules are disabled).
   * @internal
   */
  public readonly ruleGroups: readonly RuleGroup[];
  /**
   * The dashboard (undefined when disabled).
   * @internal
   */
  public readonly dashboard?: DashboardBuild;

  constructor(scope: Construct, id: string, parts: MonitoringProps | ReleasePart = {}) {
    super(scope, id);
    const props = partProps<MonitoringProps, ParsedMonitoringProps>(
      parts,
      (raw) => ({ ...raw, context: releaseContext(raw.context, chartNamespace(this)), values: parsePart(monitoringValuesSchema, raw.values ?? {}, ['monitoring']) }),
      // Used on its own: lint's findings of its objects (the Services its ServiceMonitors select are not among them).
      () => addPartValidation(this, { skipLint: ['servicemonitor-selector'] }),
    );
    const { context: ctx, values } = props;
    this.context = ctx;
    this.managerJobName = props.manager?.jobName ?? managerJobName(ctx);
    this.providerJobName = providerJobName(ctx);
    this.ruleGroups = [];
    if (!values.enabled) return;
    const jobs = { manager: this.managerJobName, provider: this.providerJobName };
    const additionalLabels = values.additionalLabels;

    const profile = props.profile ?? DEFAULT_PROFILE;
    // A ServiceMonitor that selects no Service scrapes nothing: without provider Services, none for the
    // providers; v0.3.11 providers serve no /metrics (a scrape would get 404): none either.
    const providersScrapable = profile !== 'v0.3.11' && (props.providers === undefined || props.providers.length > 0);
    const serviceMonitors = providersScrapable ? values.serviceMonitors : { ...values.serviceMonitors, providers: { ...values.serviceMonitors.providers, enabled: false } };
    const monitors = createServiceMonitors(this, {
      context: ctx,
      values: serviceMonitors,
      additionalLabels,
      managerSecure: props.managerMetrics?.secure ?? false,
      managerServiceName: props.manager?.serviceName ?? managerName(ctx),
    });
    this.managerServiceMonitor = monitors.manager;
    this.providersServiceMonitor = monitors.providers;

    if (values.rules.enabled) {
      const sm = serviceMonitors;
      this.ruleGroups = buildRuleGroups(ctx, values.rules, {
        profile,
        providerServices: props.providers?.map((p) => p.serviceName),
        jobs,
        validate: props.validate,
        scraped: { manager: sm.enabled && sm.manager.enabled, providers: sm.enabled && sm.providers.enabled },
      });
      if (this.ruleGroups.length > 0) {
        this.prometheusRule = createPrometheusRule(this, 'alerts', { context: ctx, groups: this.ruleGroups, additionalLabels });
      }
    }

    if (values.dashboard.enabled) {
      this.dashboard = buildDashboard(ctx, values.dashboard, props.validate, profile, jobs);
      this.dashboardConfigMap = createDashboardConfigMap(this, 'dashboard', { context: ctx, values: values.dashboard, additionalLabels, build: this.dashboard });
    }
  }
}
