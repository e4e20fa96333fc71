import { k8s } from 'cdk8s-plus-28';
import { z } from 'zod';
import { envVar, podValuesShape, ResourcesValues } from '../values/common';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, tmpVolume, tmpVolumeMount } from './security';

/** Pod-level values every workload shares (`podValuesShape()` after defaults). */
export type PodValues = z.output<z.ZodObject<ReturnType<typeof podValuesShape>>>;

type EnvVarValues = z.output<typeof envVar>;

/**
 * Container resources with each quantity made by `request` / `limit`, exactly as given (no hidden
 * defaults). The quantity classes differ: `k8s.Quantity` in pods, the Provider CRD's own classes.
 */
export function resourceQuantities<R, L>(resources: ResourcesValues, request: (v: string) => R, limit: (v: string) => L): { requests: Record<string, R>; limits: Record<string, L> } {
  const list = <T>(l: Record<string, string | undefined>, quantity: (v: string) => T): Record<string, T> =>
    Object.fromEntries(Object.entries(l).flatMap(([k, v]) => (v === undefined ? [] : [[k, quantity(v)]])));
  return { requests: list(resources.requests, request), limits: list(resources.limits, limit) };
}

/** Container resources in the L1 shape. */
export function resourceRequirements(resources: ResourcesValues): k8s.ResourceRequirements {
  return resourceQuantities(resources, k8s.Quantity.fromString, k8s.Quantity.fromString);
}

/** An environment variable whose `resourceFieldRef.divisor` is a quantity of type `D`. */
export type EnvVarWithDivisor<D> = Omit<EnvVarValues, 'valueFrom'> & {
  valueFrom?: Omit<NonNullable<EnvVarValues['valueFrom']>, 'resourceFieldRef'> & {
    resourceFieldRef?: Omit<NonNullable<NonNullable<EnvVarValues['valueFrom']>['resourceFieldRef']>, 'divisor'> & { divisor?: D };
  };
};

/**
 * Environment variables with each `resourceFieldRef.divisor` made by `divisor` (a typed Quantity,
 * or cdk8s drops it).
 */
export function envVarsWithDivisor<D>(env: readonly EnvVarValues[], divisor: (v: string) => D): EnvVarWithDivisor<D>[] {
  return env.map(({ valueFrom, ...rest }) => {
    if (!valueFrom) return rest;
    const { resourceFieldRef, ...source } = valueFrom;
    return {
      ...rest,
      valueFrom: {
        ...source,
        ...(resourceFieldRef
          ? { resourceFieldRef: { ...resourceFieldRef, divisor: resourceFieldRef.divisor === undefined ? undefined : divisor(resourceFieldRef.divisor) } }
          : {}),
      },
    };
  });
}

/** Environment variables in the L1 shape. */
export function envVars(env: readonly EnvVarValues[]): k8s.EnvVar[] {
  return envVarsWithDivisor(env, k8s.Quantity.fromString);
}

/** Rollouts start one new pod before stopping an old one: never fewer ready pods than replicas. */
export const SURGE_ROLLING_UPDATE: k8s.DeploymentStrategy = {
  type: 'RollingUpdate',
  rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) },
};

/** Scheduling fields of a pod spec; empty values are left out rather than rendered as `{}` or `[]`. */
export function schedulingSpec(pod: PodValues): Partial<k8s.PodSpec> {
  return {
    ...(Object.keys(pod.nodeSelector).length > 0 ? { nodeSelector: pod.nodeSelector } : {}),
    ...(pod.tolerations.length > 0 ? { tolerations: pod.tolerations } : {}),
    ...(Object.keys(pod.affinity).length > 0 ? { affinity: pod.affinity as k8s.Affinity } : {}),
    ...(pod.topologySpreadConstraints.length > 0 ? { topologySpreadConstraints: pod.topologySpreadConstraints as unknown as k8s.TopologySpreadConstraint[] } : {}),
    ...(pod.priorityClassName ? { priorityClassName: pod.priorityClassName } : {}),
  };
}

export interface RestrictedPodSpecOptions {
  readonly serviceAccountName: string;
  /** Mount the ServiceAccount token (only for pods that talk to the API server). */
  readonly automountServiceAccountToken: boolean;
  /** The one container; its security context and the `/tmp` mount are added here. */
  readonly container: k8s.Container;
  /** Volumes besides `/tmp`. */
  readonly volumes?: readonly k8s.Volume[];
  readonly imagePullSecrets?: readonly { readonly name: string }[];
  readonly pod: PodValues;
  readonly terminationGracePeriodSeconds?: number;
  /** Size limit of `/tmp`; `null`: none. @default the small manager limit */
  readonly tmpSizeLimit?: string | null;
}

/**
 * A pod spec that meets Pod Security "restricted": non-root uid 65532, read-only root filesystem with
 * an emptyDir `/tmp`, no privilege escalation, all capabilities dropped, seccomp RuntimeDefault,
 * no Service environment variables.
 */
export function restrictedPodSpec(o: RestrictedPodSpecOptions): k8s.PodSpec {
  return {
    serviceAccountName: o.serviceAccountName,
    automountServiceAccountToken: o.automountServiceAccountToken,
    enableServiceLinks: false,
    securityContext: restrictedPodSecurityContext(),
    ...(o.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: o.terminationGracePeriodSeconds } : {}),
    ...(o.imagePullSecrets && o.imagePullSecrets.length > 0 ? { imagePullSecrets: o.imagePullSecrets.map((s) => ({ name: s.name })) } : {}),
    ...schedulingSpec(o.pod),
    containers: [
      {
        ...o.container,
        securityContext: restrictedContainerSecurityContext(),
        volumeMounts: [...(o.container.volumeMounts ?? []), tmpVolumeMount()],
      },
    ],
    volumes: [...(o.volumes ?? []), tmpVolume(o.tmpSizeLimit)],
  };
}
