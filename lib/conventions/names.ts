/** How the objects of a release are named (no imports: values, constructs and monitoring share it). */

/** Facts about one release that every construct needs: who it is, where it lives, how it is labelled. */
export interface ReleaseContext {
  /** Release name: the `app.kubernetes.io/instance` label and the prefix of every resource name. */
  readonly releaseName: string;
  /** Namespace of every namespaced object of the release. */
  readonly namespace: string;
  /** VirtRigaud version deployed: the `app.kubernetes.io/version` label and the default image tag. */
  readonly version: string;
  /** Labels added to every object. */
  readonly commonLabels: Readonly<Record<string, string>>;
  /** Annotations added to every object. */
  readonly commonAnnotations: Readonly<Record<string, string>>;
}

/** `<release>-<suffix>`: the one naming rule of the release (`virtrigaud-manager`, `virtrigaud-provider-esx`). */
export function resourceName(ctx: Pick<ReleaseContext, 'releaseName'>, suffix: string): string {
  return `${ctx.releaseName}-${suffix}`;
}

/** `<release>-manager`: Deployment, Service and ServiceAccount of the manager. */
export function managerName(ctx: Pick<ReleaseContext, 'releaseName'>): string {
  return resourceName(ctx, 'manager');
}

/** Prometheus `job` of the manager targets (carried by the Service label {@link JOB_LABEL}). */
export function managerJobName(ctx: Pick<ReleaseContext, 'releaseName'>): string {
  return resourceName(ctx, 'manager');
}

/** Prometheus `job` of every provider target: one job for all providers, as the spec's alert expects. */
export function providerJobName(ctx: Pick<ReleaseContext, 'releaseName'>): string {
  return resourceName(ctx, 'provider');
}

/** Kubernetes' limit on Service names (RFC 1035 labels). */
export const MAX_SERVICE_NAME_LENGTH = 63;

/** `<release>-provider-<name>`: Deployment, Service and ServiceAccount of a provider in `deployment` mode. */
export function providerResourceName(ctx: Pick<ReleaseContext, 'releaseName'>, name: string): string {
  return resourceName(ctx, `provider-${name}`);
}

/**
 * Name of the Deployment and Service the VirtRigaud v0.3.11 manager creates for a `Provider` object
 * (`virtrigaud-provider-<namespace>-<Provider name>`, upstream `getDeploymentName`/`getServiceName`):
 * the release name plays no part.
 */
export function managedProviderServiceName(ctx: Pick<ReleaseContext, 'namespace'>, name: string): string {
  return `virtrigaud-provider-${ctx.namespace}-${name}`;
}
