import { isIPv4, isIPv6 } from 'net';
import { z } from 'zod';
import { DNS1123_LABEL, DNS1123_SUBDOMAIN, QUALIFIED_NAME, QUANTITY } from '../conventions/patterns';

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
  return name.length > 0 && name.length <= 63 && QUALIFIED_NAME.test(name);
}

export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && QUALIFIED_NAME.test(value));
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

const QUANTITY_SUFFIX: Readonly<Record<string, number>> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** The value of a Kubernetes quantity (`500m` → 0.5, `1Gi` → 1073741824, `1e3` → 1000), for comparisons. */
export function quantityValue(q: string): number {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:[eE]([+-]?\d+)|([A-Za-z]*))$/.exec(q);
  if (!m) return NaN;
  if (m[2] !== undefined) return Number(m[1]) * 10 ** Number(m[2]);
  const factor = QUANTITY_SUFFIX[m[3] ?? ''];
  return factor === undefined ? NaN : Number(m[1]) * factor;
}

/** Container resources with explicit defaults (never cdk8s-plus' silent ones). */
export function resourcesSchema(defaults: { requests: { cpu: string; memory: string }; limits: { cpu?: string; memory: string } }) {
  return z
    .strictObject({
      requests: resourceList.default(defaults.requests).describe('Resource requests.'),
      limits: resourceList.default(defaults.limits).describe('Resource limits.'),
    })
    .superRefine((r, ctx) => {
      // Explicit requests and a memory limit on every container (what `lint` checks): a partial map replaces the defaults.
      const required: [keyof typeof r, 'cpu' | 'memory', string | undefined][] = [
        ['requests', 'cpu', defaults.requests.cpu],
        ['requests', 'memory', defaults.requests.memory],
        ['limits', 'memory', defaults.limits.memory],
      ];
      for (const [kind, name, fallback] of required) {
        if (r[kind][name] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [kind, name],
            message: `required: every container gets explicit CPU and memory requests and a memory limit; set ${kind}.${name} too (the default is ${fallback}), or leave ${kind} out for the defaults`,
          });
        }
      }
      // What the API server refuses (ValidateResourceRequirements): negative amounts, a request above its limit.
      for (const kind of ['requests', 'limits'] as const) {
        for (const [name, q] of Object.entries(r[kind])) {
          if (q !== undefined && quantityValue(q) < 0) ctx.addIssue({ code: 'custom', path: [kind, name], message: `must not be negative; got ${JSON.stringify(q)}` });
        }
      }
      for (const [name, request] of Object.entries(r.requests) as [keyof typeof r.requests, string | undefined][]) {
        const limit = r.limits[name];
        if (request !== undefined && limit !== undefined && quantityValue(request) > quantityValue(limit)) {
          ctx.addIssue({ code: 'custom', path: ['requests', name], message: `${request} is more than the limit ${limit} (limits.${name}); Kubernetes refuses a request above its limit: raise the limit too` });
        }
      }
    })
    .prefault({});
}
export type ResourcesValues = z.output<ReturnType<typeof resourcesSchema>>;

/** A toleration, with the API server's rules (ValidateTolerations) checked here rather than at apply time. */
export const toleration = z
  .strictObject({
    key: z.string().optional(),
    operator: z.enum(['Exists', 'Equal']).optional(),
    value: z.string().optional(),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional(),
    tolerationSeconds: z.number().int().optional(),
  })
  .superRefine((t, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (t.key !== undefined && t.key !== '' && !isValidLabelKey(t.key)) fail('key', `invalid toleration key ${JSON.stringify(t.key)}: a label key (optional DNS subdomain prefix and '/', then at most 63 characters [A-Za-z0-9-_.])`);
    if ((t.key === undefined || t.key === '') && t.operator !== 'Exists') fail('operator', 'must be Exists when key is empty (a toleration of every taint)');
    if (t.operator === 'Exists' && t.value !== undefined && t.value !== '') fail('value', 'must be empty when operator is Exists');
    if (t.operator !== 'Exists' && t.value !== undefined && !isValidLabelValue(t.value)) fail('value', `invalid toleration value ${JSON.stringify(t.value)}: at most 63 characters [A-Za-z0-9-_.], starting and ending alphanumeric`);
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') fail('tolerationSeconds', 'may only be set with effect NoExecute');
  });

/** Keys of a ConfigMap or Secret (IsConfigMapKey). */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;
const keyRef = z.strictObject({
  name: dnsSubdomain('name'),
  key: z.string().refine((k) => k.length <= 253 && CONFIG_MAP_KEY.test(k) && k !== '.' && k !== '..', { error: (iss) => `must be a ConfigMap or Secret key ([-._a-zA-Z0-9], at most 253 characters); got ${JSON.stringify(iss.input)}` }),
  optional: z.boolean().optional(),
});
/** Downward API fields a container's environment may read (Kubernetes 1.28, default feature gates). */
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.podIP', 'status.podIPs'];
const ENV_FIELD_SUBSCRIPT = /^metadata\.(labels|annotations)\['(.+)'\]$/;
const ENV_RESOURCES = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'];
const CPU_DIVISORS = ['1m', '1'];
const MEMORY_DIVISORS = ['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei'];

const envVarSource = z
  .strictObject({
    configMapKeyRef: keyRef.optional(),
    secretKeyRef: keyRef.optional(),
    fieldRef: z
      .strictObject({
        fieldPath: z.string().refine((p) => ENV_FIELD_PATHS.includes(p) || (ENV_FIELD_SUBSCRIPT.exec(p) !== null && isValidLabelKey(ENV_FIELD_SUBSCRIPT.exec(p)![2])), {
          error: (iss) => `unsupported field ${JSON.stringify(iss.input)}: use one of ${ENV_FIELD_PATHS.join(', ')}, metadata.labels['<key>'] or metadata.annotations['<key>']`,
        }),
        apiVersion: z.literal('v1', { error: 'must be v1' }).optional(),
      })
      .optional(),
    resourceFieldRef: z
      .strictObject({
        resource: z.string().refine((r) => ENV_RESOURCES.includes(r) || /^(limits|requests)\.hugepages-.+$/.test(r), {
          error: (iss) => `unsupported resource ${JSON.stringify(iss.input)}: use one of ${ENV_RESOURCES.join(', ')}`,
        }),
        containerName: z.string().optional(),
        divisor: quantity.optional(),
      })
      .superRefine((r, ctx) => {
        if (r.divisor === undefined) return;
        const allowed = r.resource.endsWith('.cpu') ? CPU_DIVISORS : MEMORY_DIVISORS;
        if (!allowed.includes(r.divisor)) ctx.addIssue({ code: 'custom', path: ['divisor'], message: `must be one of ${allowed.join(', ')} for ${r.resource}; got ${JSON.stringify(r.divisor)}` });
      })
      .optional(),
  })
  .superRefine((source, ctx) => {
    const set = Object.values(source).filter((v) => v !== undefined).length;
    if (set !== 1) ctx.addIssue({ code: 'custom', path: [], message: `must have exactly one of configMapKeyRef, secretKeyRef, fieldRef, resourceFieldRef; has ${set}` });
  });

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** Environment variable names that look like they hold a credential. */
export const SECRET_ENV_NAME = /(PASSWORD|PASSWD|TOKEN|SECRET|PRIVATE_?KEY|API_?KEY|CREDENTIAL)/i;
export const envVar = z
  .strictObject({
    name: z.string().regex(ENV_NAME, 'must be a C identifier-like environment variable name'),
    value: z.string().optional(),
    valueFrom: envVarSource.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.value !== undefined && env.valueFrom !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['valueFrom'], message: 'set either value or valueFrom, not both' });
    } else if (env.value !== undefined && SECRET_ENV_NAME.test(env.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: `${env.name} looks like a credential: do not write it into values; use valueFrom.secretKeyRef (name: <secret>, key: <key>) or put it into the Secret named by credentialsSecret`,
      });
    }
  });

/** Anything the Kubernetes schema types as an object we pass through (affinity, topology spread); checked against the Kubernetes schema at render time. */
export const kubernetesObject = z.record(z.string(), z.unknown());

/**
 * Where cdk8s' typed conversion (`toJson_<Type>`) loses or changes part of `input`: unknown fields
 * and values of the wrong shape, which would otherwise vanish from the output without a word.
 */
export function lostInConversion(input: unknown, convert: (x: unknown) => unknown): PropertyKey[][] {
  let output: unknown;
  try {
    output = convert(input);
  } catch {
    return [[]];
  }
  const lost: PropertyKey[][] = [];
  const compare = (a: unknown, b: unknown, path: PropertyKey[]) => {
    if (Array.isArray(a)) {
      if (!Array.isArray(b) || a.length !== b.length) lost.push(path);
      else a.forEach((item, i) => compare(item, b[i], [...path, i]));
    } else if (typeof a === 'object' && a !== null) {
      if (typeof b !== 'object' || b === null || Array.isArray(b)) lost.push(path);
      else for (const [k, v] of Object.entries(a)) compare(v, (b as Record<string, unknown>)[k], [...path, k]);
    } else if (a !== b) {
      lost.push(path);
    }
  };
  compare(input, output, []);
  return lost;
}

/** A pass-through Kubernetes object that must survive cdk8s' conversion whole (`what`: the Kubernetes type, for messages). */
export function convertibleObject<T extends z.ZodType>(schema: T, what: string, convert: () => (x: unknown) => unknown) {
  return schema.superRefine((value, ctx) => {
    for (const path of lostInConversion(value, convert())) {
      ctx.addIssue({ code: 'custom', path, message: `not a field of a Kubernetes ${what} here (an unknown field, a misspelling or a value of the wrong type); it would be dropped from the output` });
    }
  });
}

/** cdk8s-plus-28's Kubernetes L1 module, loaded on first use (values without affinities never need it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const k8sJson = () => (require('cdk8s-plus-28') as typeof import('cdk8s-plus-28')).k8s;
/** cdk8s' conversion of a Kubernetes `Affinity`. */
export const toJsonAffinity = (a: unknown): unknown => k8sJson().toJson_Affinity(a as never);

export const duration = z.string().regex(/^(?!$)((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/, 'must be a Prometheus duration such as 30s, 5m or 1h');

/** Scheduling and pod-level knobs every workload of the release shares. */
export function podValuesShape() {
  return {
    nodeSelector: labelMap.default({}).describe('Node labels the pods must match.'),
    tolerations: z.array(toleration).default([]).describe('Pod tolerations.'),
    affinity: convertibleObject(kubernetesObject, 'Affinity', () => toJsonAffinity).default({}).describe('Pod affinity (Kubernetes `Affinity`).'),
    topologySpreadConstraints: z
      .array(convertibleObject(kubernetesObject, 'TopologySpreadConstraint', () => (c) => k8sJson().toJson_TopologySpreadConstraint(c as never)))
      .default([])
      .describe('Pod topology spread constraints.'),
    priorityClassName: dnsSubdomain('priorityClassName').optional().describe('Priority class of the pods.'),
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
      z
        .strictObject({
          key: z.string(),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
          values: z.array(z.string()).optional(),
        })
        .superRefine((e, ctx) => {
          if (!isValidLabelKey(e.key)) ctx.addIssue({ code: 'custom', path: ['key'], message: `invalid label key ${JSON.stringify(e.key)}` });
          const values = e.values ?? [];
          if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `must not be empty with operator ${e.operator}` });
          if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) ctx.addIssue({ code: 'custom', path: ['values'], message: `must be empty with operator ${e.operator}` });
          values.forEach((v, i) => {
            if (!isValidLabelValue(v)) ctx.addIssue({ code: 'custom', path: ['values', i], message: `invalid label value ${JSON.stringify(v)}` });
          });
        }),
    )
    .optional()
    .describe('Set-based requirements.'),
});

/** An IPv4 or IPv6 CIDR such as 10.0.0.0/16 (what NetworkPolicy `ipBlock.cidr` accepts). */
export function isCidr(s: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
  if (!m) return false;
  const bits = Number(m[2]);
  return (isIPv4(m[1]) && bits <= 32) || (isIPv6(m[1]) && bits <= 128);
}

export const cidr = z.string().refine(isCidr, { error: (iss) => `must be a CIDR such as 10.0.0.0/16 or fd00::/64; got ${JSON.stringify(iss.input)}` });
