import { Construct } from 'constructs';
import { Monitoring } from '../monitoring/monitoring';
import { parseValues } from '../values/parse';
import { isParsedValues } from '../values/parsed';
import { Values, ValuesInput } from '../values/schema';
import { VIRTRIGAUD_VERSION } from '../version';
import { ReleaseContext } from './context';
import { VirtRigaudCrds } from './crds';
import { VirtRigaudManager } from './manager';
import { ReleaseNamespace } from './namespace';
import { VirtRigaudNetworkPolicies } from './network-policies';
import { VirtRigaudProvider } from './provider';

/** Props of {@link VirtRigaud}: the release's values, every key optional (see the values reference for defaults). */
export type VirtRigaudProps = ValuesInput;

/**
 * A complete VirtRigaud release: namespace, CRDs, manager, providers, network policies and monitoring.
 * Props are the values of the release; invalid values throw a `ValuesError` naming each bad key.
 */
export class VirtRigaud extends Construct {
  /** The values after defaults. */
  public readonly values: Values;
  public readonly context: ReleaseContext;
  public readonly manager: VirtRigaudManager;
  public readonly providers: readonly VirtRigaudProvider[];

  constructor(scope: Construct, id: string, props: VirtRigaudProps = {}) {
    super(scope, id);
    const values = (this.values = isParsedValues(props) ? props : parseValues(props));
    const ctx: ReleaseContext = (this.context = {
      releaseName: values.releaseName,
      namespace: values.namespace,
      version: VIRTRIGAUD_VERSION,
      commonLabels: values.commonLabels,
      commonAnnotations: values.commonAnnotations,
    });

    if (values.createNamespace) new ReleaseNamespace(this, 'namespace', { context: ctx, labels: values.namespaceLabels });
    if (values.crds.install) new VirtRigaudCrds(this, 'crds', { context: ctx, annotations: values.crds.annotations });

    this.manager = new VirtRigaudManager(this, 'manager', { context: ctx, values: values.manager, imagePullSecrets: values.imagePullSecrets });
    this.providers = values.providers.map(
      (provider) => new VirtRigaudProvider(this, `provider-${provider.name}`, { context: ctx, values: provider, imagePullSecrets: values.imagePullSecrets }),
    );

    if (values.networkPolicies.enabled) {
      new VirtRigaudNetworkPolicies(this, 'network-policies', {
        context: ctx,
        values: values.networkPolicies,
        manager: { metricsPort: values.manager.metrics.port, healthPort: values.manager.healthPort },
        providers: values.providers,
      });
    }

    if (values.monitoring.enabled) {
      new Monitoring(this, 'monitoring', {
        context: ctx,
        profile: values.profile,
        values: values.monitoring,
        managerMetrics: { secure: values.manager.metrics.secure },
        // Custom-resource providers run in Services the manager creates without the release's labels: not scraped.
        providers: values.providers.filter((p) => p.mode === 'deployment').map(({ name, type }) => ({ name, type })),
      });
    }
  }
}
