import { VIRTRIGAUD_VERSION } from '../version';

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
export function resourceName(ctx: ReleaseContext, suffix: string): string {
  return `${ctx.releaseName}-${suffix}`;
}

/** Prometheus `job` of the manager targets (carried by the Service label {@link JOB_LABEL}). */
export function managerJobName(ctx: ReleaseContext): string {
  return resourceName(ctx, 'manager');
}

/** Prometheus `job` of every provider target: one job for all providers, as the spec's alert expects. */
export function providerJobName(ctx: ReleaseContext): string {
  return resourceName(ctx, 'provider');
}

/** The facts of a release as props: every key optional. */
export interface ReleaseContextProps {
  /** @default "virtrigaud" */
  readonly releaseName?: string;
  /** @default - the namespace of the chart, else "virtrigaud-system" */
  readonly namespace?: string;
  /** @default - the VirtRigaud version of this toolkit (`VIRTRIGAUD_VERSION`) */
  readonly version?: string;
  /** @default {} */
  readonly commonLabels?: Readonly<Record<string, string>>;
  /** @default {} */
  readonly commonAnnotations?: Readonly<Record<string, string>>;
}

/** A full context from partial props, with the defaults of the values (`chartNamespace`: the namespace of the enclosing chart). */
export function releaseContext(props: ReleaseContextProps = {}, chartNamespace?: string): ReleaseContext {
  return {
    releaseName: props.releaseName ?? 'virtrigaud',
    namespace: props.namespace ?? chartNamespace ?? 'virtrigaud-system',
    version: props.version ?? VIRTRIGAUD_VERSION,
    commonLabels: props.commonLabels ?? {},
    commonAnnotations: props.commonAnnotations ?? {},
  };
}
