import { z } from 'zod';

/** RFC 1123 label: what Kubernetes requires of namespace, Service and label-like names. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: what Kubernetes requires of most object names. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kubernetes resource quantity (`100m`, `128Mi`, `1.5`, `2e3`). */
export const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\d+))?$/;
/** Label key: optional DNS subdomain prefix (max 253) and a name of at most 63 characters. */
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function dnsLabel(what: string) {
  return z.string().refine((s) => s.length <= 63 && DNS1123_LABEL.test(s), {
    error: (iss) => `${what} must be a lowercase RFC 1123 label (a-z, 0-9, '-', at most 63 characters, start and end alphanumeric); got ${JSON.stringify(iss.input)}`,
  });
}

export function dnsSubdomain(what: string) {
  return z.string().refine((s) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s), {
    error: (iss) => `${what} must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.', at most 253 characters); got ${JSON.stringify(iss.input)}`,
  });
}

export const quantity = z
  .union([z.string(), z.number()])
  .transform((q) => String(q))
  .refine((s) => QUANTITY.test(s), {
    error: (iss) => `must be a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi; got ${JSON.stringify(iss.input)}`,
  });

export function isValidLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

/** A map of Kubernetes labels: keys and values checked by the Kubernetes rules. */
export const labelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    if (!isValidLabelKey(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `invalid label key ${JSON.stringify(key)}: an optional DNS subdomain prefix and '/', then at most 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric` });
    } else if (!isValidLabelValue(value)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `invalid label value ${JSON.stringify(value)}: at most 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric` });
    }
  }
});

/** A map of annotations: keys checked like label keys, values any string. */
export const annotationMap = z.record(z.string(), z.string()).superRefine((annotations, ctx) => {
  for (const key of Object.keys(annotations)) {
    if (!isValidLabelKey(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `invalid annotation key ${JSON.stringify(key)}` });
    }
  }
});

export const pullPolicy = z.enum(['Always', 'IfNotPresent', 'Never']);

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const REGISTRY = /^[A-Za-z0-9.-]+(:[0-9]+)?$/;

/** Container image reference in parts, as Helm charts spell it. */
export function imageSchema(defaults: { registry: string; repository?: string }) {
  return z
    .strictObject({
      registry: z.string().regex(REGISTRY, 'must be a registry host such as ghcr.io or registry.local:5000').default(defaults.registry).describe('Image registry host.'),
      repository: (defaults.repository === undefined
        ? z.string().regex(REPOSITORY, 'must be a lowercase image repository path').optional()
        : z.string().regex(REPOSITORY, 'must be a lowercase image repository path').default(defaults.repository)
      ).describe('Image repository within the registry.'),
      tag: z.string().regex(TAG, 'must be a valid image tag').optional().describe('Image tag. Default: the VirtRigaud version of this release (`v0.3.11`).'),
      digest: z.string().regex(DIGEST, 'must be sha256:<64 hex characters>').optional().describe('Image digest (`sha256:…`); when set it pins the image and the tag is informational.'),
      pullPolicy: pullPolicy.default('IfNotPresent').describe('Image pull policy.'),
    })
    .prefault({});
}
export type ImageValues = z.output<ReturnType<typeof imageSchema>>;

/** `registry/repository:tag@digest`. */
export function imageReference(image: ImageValues, defaults: { repository: string; tag: string }): string {
  const tag = image.tag ?? defaults.tag;
  return `${image.registry}/${image.repository ?? defaults.repository}:${tag}${image.digest ? `@${image.digest}` : ''}`;
}

const resourceList = z.strictObject({
  cpu: quantity.optional().describe('CPU (e.g. `100m`).'),
  memory: quantity.optional().describe('Memory (e.g. `128Mi`).'),
  'ephemeral-storage': quantity.optional().describe('Ephemeral storage (e.g. `1Gi`).'),
});

/** Container resources with explicit defaults (never cdk8s-plus' silent ones). */
export function resourcesSchema(defaults: { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } }) {
  return z
    .strictObject({
      requests: resourceList.default(defaults.requests).describe('Resource requests.'),
      limits: resourceList.default(defaults.limits).describe('Resource limits.'),
    })
    .prefault({});
}
export type ResourcesValues = z.output<ReturnType<typeof resourcesSchema>>;

export const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(['Exists', 'Equal']).optional(),
  value: z.string().optional(),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
  tolerationSeconds: z.number().int().optional(),
});

const envVarSource = z.strictObject({
  configMapKeyRef: z.strictObject({ name: z.string(), key: z.string(), optional: z.boolean().optional() }).optional(),
  secretKeyRef: z.strictObject({ name: z.string(), key: z.string(), optional: z.boolean().optional() }).optional(),
  fieldRef: z.strictObject({ fieldPath: z.string(), apiVersion: z.string().optional() }).optional(),
  resourceFieldRef: z.strictObject({ resource: z.string(), containerName: z.string().optional(), divisor: quantity.optional() }).optional(),
});

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
export const envVar = z.strictObject({
  name: z.string().regex(ENV_NAME, 'must be a C identifier-like environment variable name'),
  value: z.string().optional(),
  valueFrom: envVarSource.optional(),
});

/** Anything the Kubernetes schema types as an object we pass through (affinity, topology spread); checked against the Kubernetes schema at render time. */
export const kubernetesObject = z.record(z.string(), z.unknown());

export const duration = z.string().regex(/^(?!$)((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/, 'must be a Prometheus duration such as 30s, 5m or 1h');

/** Scheduling and pod-level knobs every workload of the release shares. */
export function podValuesShape() {
  return {
    nodeSelector: z.record(z.string(), z.string()).default({}).describe('Node labels the pods must match.'),
    tolerations: z.array(toleration).default([]).describe('Pod tolerations.'),
    affinity: kubernetesObject.default({}).describe('Pod affinity (Kubernetes `Affinity`).'),
    topologySpreadConstraints: z.array(kubernetesObject).default([]).describe('Pod topology spread constraints.'),
    priorityClassName: z.string().optional().describe('Priority class of the pods.'),
    podAnnotations: annotationMap.default({}).describe('Annotations added to the pods.'),
    podLabels: labelMap.default({}).describe('Labels added to the pods (never to selectors).'),
    env: z.array(envVar).default([]).describe('Extra environment variables of the container.'),
  };
}

export const port = z.number().int().min(1).max(65535);

export const labelSelector = z.strictObject({
  matchLabels: labelMap.optional().describe('Labels to match.'),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional()
    .describe('Set-based requirements.'),
});
