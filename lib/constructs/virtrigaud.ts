import { Construct } from 'constructs';
import { Monitoring, ParsedMonitoringProps } from '../monitoring/monitoring';
import { parseValues } from '../values/parse';
import { ParsedValues } from '../values/parsed';
import type { VirtRigaudProps } from '../props';
import { Values } from '../values/schema';
import { VIRTRIGAUD_VERSION } from '../version';
import { ReleaseContext } from './context';
import { ParsedCrdsProps, VirtRigaudCrds } from './crds';
import { ParsedManagerProps, VirtRigaudManager } from './manager';
import { ParsedNamespaceProps, ReleaseNamespace } from './namespace';
import { ParsedNetworkPoliciesProps, VirtRigaudNetworkPolicies } from './network-policies';
import { ParsedProviderProps, VirtRigaudProvider } from './provider';
import { lintFindings } from '../parts/validation';
import { chartNamespace } from '../parts/parse-part';
import { ReleasePart } from '../parts/release-part';

export type { VirtRigaudProps };

/**
 * A complete VirtRigaud release: namespace, CRDs, manager, providers, network policies and monitoring.
 * Props are the values of the release; invalid values throw a `ValuesError` naming each bad key.
 */
export class VirtRigaud extends Construct {
  /**
   * The values after defaults.
   * @internal
   */
  public readonly values: Values;
  public readonly context: ReleaseContext;
  /** The Namespace (when `createNamespace`). */
  public readonly namespace?: ReleaseNamespace;
  /** The CRDs (when `crds.install`). */
  public readonly crds?: VirtRigaudCrds;
  public readonly manager: VirtRigaudManager;
  public readonly providers: readonly VirtRigaudProvider[];
  /** The NetworkPolicies (when `networkPolicies.enabled`). */
  public readonly networkPolicies?: VirtRigaudNetworkPolicies;
  /** ServiceMonitors, rules and dashboard (when `monitoring.enabled`). */
  public readonly monitoring?: Monitoring;

  /** `props`: the values (checked and defaulted here), or values the renderer has parsed already (`ParsedValues`). */
  constructor(scope: Construct, id: string, props: VirtRigaudProps | ParsedValues = {}) {
    super(scope, id);
    const parsedByRenderer = props instanceof ParsedValues;
    // A chart's namespace is the release namespace unless the props name one.
    const chartNs = chartNamespace(this);
    const values = (this.values = props instanceof ParsedValues
      ? props.values
      : parseValues(chartNs !== undefined && props.namespace === undefined ? { ...props, namespace: chartNs } : props));
    // In a user's app, `cdk8s synth` reports what the CLI would (the renderer runs the same checks itself).
    if (!parsedByRenderer) this.node.addValidation({ validate: () => lintFindings(this) });
    // The parts get their values as parsed here (`ReleasePart`): no second parse, no checks of their own.
    const ctx: ReleaseContext = (this.context = {
      releaseName: values.releaseName,
      namespace: values.namespace,
      version: VIRTRIGAUD_VERSION,
      commonLabels: values.commonLabels,
      commonAnnotations: values.commonAnnotations,
    });

    if (values.createNamespace) this.namespace = new ReleaseNamespace(this, 'namespace', ReleasePart.of<ParsedNamespaceProps>({ context: ctx, labels: values.namespaceLabels }));
    if (values.crds.install) this.crds = new VirtRigaudCrds(this, 'crds', ReleasePart.of<ParsedCrdsProps>({ context: ctx, annotations: values.crds.annotations }));

    this.manager = new VirtRigaudManager(this, 'manager', ReleasePart.of<ParsedManagerProps>({ context: ctx, values: values.manager, imagePullSecrets: values.imagePullSecrets }));
    this.providers = values.providers.map(
      (provider) => new VirtRigaudProvider(this, `provider-${provider.name}`, ReleasePart.of<ParsedProviderProps>({ context: ctx, profile: values.profile, values: provider, imagePullSecrets: values.imagePullSecrets })),
    );

    if (values.networkPolicies.enabled) {
      this.networkPolicies = new VirtRigaudNetworkPolicies(
        this,
        'network-policies',
        ReleasePart.of<ParsedNetworkPoliciesProps>({
          context: ctx,
          values: values.networkPolicies,
          manager: { metricsPort: values.manager.metrics.port, healthPort: values.manager.healthPort },
          providers: values.providers,
        }),
      );
    }

    if (values.monitoring.enabled) {
      this.monitoring = new Monitoring(
        this,
        'monitoring',
        ReleasePart.of<ParsedMonitoringProps>({
          context: ctx,
          profile: values.profile,
          values: values.monitoring,
          managerMetrics: { secure: values.manager.metrics.secure },
          manager: { serviceName: this.manager.service.name, jobName: this.manager.jobName },
          // Custom-resource providers run in Services the manager creates without the release's labels: not scraped.
          providers: this.providers.flatMap((p) => (p.service ? [{ serviceName: p.service.name }] : [])),
        }),
      );
    }
  }
}
