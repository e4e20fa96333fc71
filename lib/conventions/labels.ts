import type { ReleaseContext } from './names';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
export const VERSION_LABEL = 'app.kubernetes.io/version';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** Name of the provider instance a provider object belongs to. */
export const PROVIDER_NAME_LABEL = 'virtrigaud.io/provider';
/** Type (`vsphere`, `libvirt`, `proxmox`) of the provider a provider object belongs to. */
export const PROVIDER_TYPE_LABEL = 'virtrigaud.io/provider-type';
/** Service label whose value Prometheus uses as the `job` of the targets (ServiceMonitor `jobLabel`). */
export const JOB_LABEL = 'virtrigaud.io/job';

/** The keys of {@link selectorLabels}: pod labels may not override them. */
export const SELECTOR_LABEL_KEYS = [NAME_LABEL, INSTANCE_LABEL, COMPONENT_LABEL] as const;

export const APP_NAME = 'virtrigaud';
export const MANAGED_BY = 'virtrigaud-cdk8s';

export type Component = 'manager' | 'provider' | 'crds' | 'monitoring' | 'namespace';

/**
 * Labels that select the pods of a component. They never change between versions
 * (no version, no chart revision): a live Deployment's selector is immutable.
 */
export function selectorLabels(
  ctx: ReleaseContext,
  component: Component,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    [NAME_LABEL]: APP_NAME,
    [INSTANCE_LABEL]: ctx.releaseName,
    [COMPONENT_LABEL]: component,
    ...extra,
  };
}

/** Every label an object of a component carries: common labels, selector labels and the descriptive ones. */
export function standardLabels(
  ctx: ReleaseContext,
  component: Component,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    ...ctx.commonLabels,
    ...selectorLabels(ctx, component),
    [VERSION_LABEL]: ctx.version,
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [PART_OF_LABEL]: APP_NAME,
    ...extra,
  };
}

/** Object metadata with standard labels and common annotations; `namespace` omitted for cluster-scoped objects. */
export function objectMeta(
  ctx: ReleaseContext,
  name: string,
  component: Component,
  options: { namespaced?: boolean; labels?: Readonly<Record<string, string>>; annotations?: Readonly<Record<string, string>> } = {},
) {
  const annotations = { ...ctx.commonAnnotations, ...(options.annotations ?? {}) };
  return {
    name,
    ...(options.namespaced === false ? {} : { namespace: ctx.namespace }),
    labels: standardLabels(ctx, component, options.labels),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}
