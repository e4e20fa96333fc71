import { z } from 'zod';
import { PROVIDER_DEFAULTS_ENV, PROVIDER_ENV, RESERVED_PROVIDER_ENV } from '../conventions/env';
import { PROVIDER_NAME_LABEL, PROVIDER_TYPE_LABEL, SELECTOR_LABEL_KEYS } from '../conventions/labels';
import { DEFAULT_PROVIDER_GRPC_PORT, PROVIDER_HEALTH_PORT } from '../conventions/ports';
import { cidr, dnsLabel, dnsSubdomain, imageSchema, lostInConversion, podValuesShape, resourcesSchema, toJsonAffinity } from './common';

export const PROVIDER_TYPES = ['vsphere', 'libvirt', 'proxmox'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Endpoint schemes each provider type accepts. */
export const ENDPOINT_SCHEMES: Readonly<Record<ProviderType, readonly string[]>> = {
  vsphere: ['https'],
  libvirt: ['qemu+ssh', 'qemu+tcp', 'qemu+tls'],
  proxmox: ['https'],
};

/** TCP port of each endpoint scheme when the URL names none. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { https: 443, 'qemu+ssh': 22, 'qemu+tcp': 16509, 'qemu+tls': 16514 };

/** Keys that would carry a credential inline; the message says how to use a Secret instead. */
export const INLINE_CREDENTIAL_KEYS = [
  'password', 'username', 'user', 'token', 'tokenId', 'token_id', 'tokenSecret', 'token_secret', 'secret',
  'credentials', 'privateKey', 'ssh-privatekey', 'sshPrivateKey', 'known_hosts', 'knownHosts', 'apiKey', 'key',
] as const;

export { PROVIDER_DEFAULTS_ENV, RESERVED_PROVIDER_ENV };

/** The provider value that sets each reserved variable, for the error message. */
const RESERVED_ENV_VALUE: Readonly<Record<string, string>> = {
  [PROVIDER_ENV.insecureSkipVerify]: 'insecureSkipVerify (or, better, caBundleKey)',
  [PROVIDER_ENV.caBundle]: 'caBundleKey',
  ...Object.fromEntries(Object.entries(PROVIDER_DEFAULTS_ENV).map(([key, env]) => [env, `defaults.${key}`])),
};

/** Provider types whose binaries read `TLS_INSECURE_SKIP_VERIFY` and trust `SSL_CERT_FILE` (Go's system roots) for the endpoint. */
export const HTTPS_PROVIDER_TYPES: readonly ProviderType[] = ['vsphere', 'proxmox'];

/** Provider types that read `defaults` (the typed props allow `defaults` only for these). */
export const DEFAULTS_PROVIDER_TYPES: readonly ProviderType[] = ['vsphere'];

/** Provider values the Provider CRD cannot express: `mode: deployment` only (the typed props refuse them otherwise). */
export const DEPLOYMENT_ONLY_PROVIDER_KEYS = ['podLabels', 'podAnnotations', 'topologySpreadConstraints', 'priorityClassName'] as const;

/** A key of a Secret (`[-._a-zA-Z0-9]+`). */
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
/** `maxLength` of each `spec.defaults` field of the Provider CRD. */
const CRD_DEFAULTS_MAX = 255;

/** Pod label keys the toolkit owns on provider pods (the selector labels and the provider labels); `podLabels` may not set them. */
export const RESERVED_PROVIDER_POD_LABELS = [...SELECTOR_LABEL_KEYS, PROVIDER_NAME_LABEL, PROVIDER_TYPE_LABEL] as const;

/**
 * `spec.endpoint` pattern of the vendored v0.3.11 Provider CRD; `custom-resource` mode must match it
 * (it requires a path for libvirt URIs and allows no user info in https URLs). These three are
 * compared with the vendored CRD by test/values/crd-patterns.test.ts.
 */
export const CRD_ENDPOINT_PATTERN =
  /^((https?:\/\/[a-zA-Z0-9.-]+(:[0-9]+)?(\/.*)?|(tcp|grpc):\/\/[a-zA-Z0-9.-]+:[0-9]+(\/.*)?)|qemu(\+ssh|\+tcp|\+tls)?:\/\/([a-zA-Z0-9@.-]+(:[0-9]+)?)?(\/.*))$/;
/** `spec.credentialSecretRef.name` pattern of the Provider CRD (a DNS label: no dots). */
export const CRD_SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** `spec.runtime.replicas` bounds of the Provider CRD. */
export const CRD_REPLICAS = { min: 1, max: 10 };

const SECRET_QUERY_KEY = /(pass|token|secret|credential|apikey|api_key)/i;

export const providerSchema = z
  .strictObject({
    name: dnsLabel('providers[].name').describe('Name of the provider instance; objects are named `<release>-provider-<name>`. Required.'),
    type: z
      .enum(PROVIDER_TYPES, { error: (iss) => `unknown provider type ${JSON.stringify(iss.input)}: use one of ${PROVIDER_TYPES.join(', ')}` })
      .describe('Hypervisor type: `vsphere`, `libvirt` or `proxmox`. Required.'),
    mode: z
      .enum(['deployment', 'custom-resource'])
      .default('custom-resource')
      .describe(
        '`custom-resource` renders a `Provider` object that the VirtRigaud manager turns into a Deployment and Service itself (the only mode the v0.3.11 manager can use: it dials only the providers it runs). `deployment` renders the provider Deployment, Service and ServiceAccount; only with `profile: documented`.',
      ),
    endpoint: z
      .string()
      .describe('Hypervisor endpoint: vSphere `https://vcenter/sdk`, Proxmox `https://pve:8006`, libvirt `qemu+ssh://user@host/system`, `qemu+tcp://host/system` or `qemu+tls://host/system`. Required.'),
    credentialsSecret: dnsSubdomain('providers[].credentialsSecret').describe(
      'Name of an existing Secret in the release namespace with the credentials (vSphere `username`/`password`; libvirt `username`/`password`/`ssh-privatekey`/`known_hosts`; Proxmox `token_id`/`token_secret`). Mounted read-only at `/etc/virtrigaud/credentials`. Required.',
    ),
    replicas: z.number().int().min(0).max(100).default(1).describe('Replicas of the provider Deployment (`custom-resource` mode: 1 to 10).'),
    image: imageSchema({ registry: 'ghcr.io' }).describe('Provider image. Default repository: `projectbeskar/virtrigaud/provider-<type>`.'),
    grpcPort: z
      .number()
      .int()
      .min(1024)
      .max(65535)
      .refine((p) => p !== PROVIDER_HEALTH_PORT, { error: `must differ from ${PROVIDER_HEALTH_PORT}, the port of the provider's /healthz and /metrics` })
      .default(DEFAULT_PROVIDER_GRPC_PORT).describe('gRPC port the provider serves to the manager (Service port `grpc`).'),
    resources: resourcesSchema({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } }).describe('Provider container resources.'),
    tls: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Serve gRPC over TLS (the manager refuses plaintext providers unless TLS is explicitly disabled).'),
        secretName: dnsSubdomain('providers[].tls.secretName').optional().describe('Secret with `tls.crt`, `tls.key` and `ca.crt`, mounted at `/etc/virtrigaud/tls`. Default: `<release>-provider-<name>-tls`.'),
      })
      .prefault({})
      .describe('gRPC TLS.'),
    insecureSkipVerify: z
      .boolean()
      .default(false)
      .describe(
        'Do not verify the certificate of the hypervisor endpoint (vSphere, Proxmox; `spec.insecureSkipVerify`, `TLS_INSECURE_SKIP_VERIFY`). Anyone on the path can then read the credentials: prefer `caBundleKey` for a private CA.',
      ),
    caBundleKey: z
      .string()
      .regex(SECRET_KEY, 'must be a Secret key ([-._a-zA-Z0-9]+)')
      .optional()
      .describe(
        'Key of the credentials Secret holding the PEM CA bundle the hypervisor endpoint\'s certificate is verified against (vSphere, Proxmox): the provider gets `SSL_CERT_FILE=/etc/virtrigaud/credentials/<key>` and trusts these CAs only. The way to use a vCenter or Proxmox with a private CA.',
      ),
    defaults: z
      .strictObject(
        Object.fromEntries(
          Object.keys(PROVIDER_DEFAULTS_ENV).map((k) => [k, z.string().min(1).max(CRD_DEFAULTS_MAX).optional().describe(`Default ${k} (\`${PROVIDER_DEFAULTS_ENV[k as keyof typeof PROVIDER_DEFAULTS_ENV]}\`).`)]),
        ) as Record<keyof typeof PROVIDER_DEFAULTS_ENV, z.ZodOptional<z.ZodString>>,
      )
      .optional()
      .describe(
        'vSphere placement defaults for VMs that name none (`spec.defaults`): `datastore`, `storagePod` (a datastore cluster; `datastore` wins when both are set), `cluster`, `folder`. The v0.3.11 manager ignores the CRD\'s `network` and `resourcePool`, so they are not offered.',
      ),
    logLevel: z.enum(['debug', 'info', 'warn', 'error']).default('info').describe('`LOG_LEVEL` of the provider.'),
    logFormat: z.enum(['json', 'text']).default('json').describe('`LOG_FORMAT` of the provider (the values the Provider CRD allows).'),
    endpointCidrs: z
      .array(cidr)
      .min(1, { error: 'must list at least one CIDR: an egress rule without addresses would allow every destination' })
      .default(['0.0.0.0/0'])
      .describe('Where the endpoint lives, for the provider egress NetworkPolicy (narrow it to the hypervisor addresses).'),
    ...podValuesShape(),
  })
  .superRefine((provider, ctx) => {
    const problem = endpointProblem(provider.type, provider.endpoint);
    if (problem) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: problem });
    provider.env.forEach((env, i) => {
      // (Credential-looking literal values are refused by the shared envVar schema.)
      if (RESERVED_PROVIDER_ENV.includes(env.name)) {
        ctx.addIssue({ code: 'custom', path: ['env', i, 'name'], message: `${env.name} is set by the toolkit; use the provider value ${RESERVED_ENV_VALUE[env.name] ?? '(type, endpoint, logLevel, logFormat, tls)'} instead` });
      }
    });
    const https = HTTPS_PROVIDER_TYPES.includes(provider.type);
    if (provider.insecureSkipVerify && !https) {
      ctx.addIssue({ code: 'custom', path: ['insecureSkipVerify'], message: `the ${provider.type} provider does not read it (only ${HTTPS_PROVIDER_TYPES.join(' and ')} do); remove it` });
    }
    if (provider.caBundleKey !== undefined && !https) {
      ctx.addIssue({ code: 'custom', path: ['caBundleKey'], message: `the ${provider.type} provider does not verify its endpoint with an HTTPS CA bundle (only ${HTTPS_PROVIDER_TYPES.join(' and ')} do); remove it` });
    }
    if (provider.caBundleKey !== undefined && provider.insecureSkipVerify) {
      ctx.addIssue({ code: 'custom', path: ['insecureSkipVerify'], message: 'set either caBundleKey (verify against that CA) or insecureSkipVerify (verify nothing), not both' });
    }
    if (provider.defaults !== undefined && !DEFAULTS_PROVIDER_TYPES.includes(provider.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaults'],
        message: `only the vSphere provider reads defaults; the ${provider.type} provider would ignore them${provider.type === 'proxmox' ? ' (its default storage is env PROVIDER_DEFAULT_STORAGE)' : ''}: remove them`,
      });
    }
    for (const key of Object.keys(provider.podLabels)) {
      if ((RESERVED_PROVIDER_POD_LABELS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['podLabels', key], message: `${key} is a selector or provider label set by the toolkit; podLabels may not override it` });
      }
    }
    if (provider.mode === 'custom-resource') customResourceProblems(provider, problem === undefined, ctx);
  });

/** What the v0.3.11 Provider CRD cannot express: reported instead of silently dropped. */
function customResourceProblems(provider: z.output<typeof providerSchema>, endpointOk: boolean, ctx: z.core.$RefinementCtx) {
  const fail = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (endpointOk && !CRD_ENDPOINT_PATTERN.test(provider.endpoint)) {
    fail(['endpoint'], `the Provider CRD (spec.endpoint) does not accept ${JSON.stringify(provider.endpoint)}: no user info in https URLs, a path such as /system in libvirt URIs, host names of [a-zA-Z0-9.-]`);
  }
  if (!CRD_SECRET_NAME.test(provider.credentialsSecret)) {
    fail(['credentialsSecret'], `the Provider CRD (spec.credentialSecretRef.name) accepts only a DNS label (no dots); got ${JSON.stringify(provider.credentialsSecret)}`);
  }
  if (provider.replicas < CRD_REPLICAS.min || provider.replicas > CRD_REPLICAS.max) {
    fail(['replicas'], `the Provider CRD (spec.runtime.replicas) accepts ${CRD_REPLICAS.min} to ${CRD_REPLICAS.max}; got ${provider.replicas}`);
  }
  if (/:\d+$/.test(provider.image.registry)) {
    fail(['image', 'registry'], `the Provider CRD (spec.runtime.image) does not accept a registry with a port; got ${JSON.stringify(provider.image.registry)}: mirror the image to a registry on the default port or use mode: deployment`);
  }
  for (const key of DEPLOYMENT_ONLY_PROVIDER_KEYS) {
    const value: unknown = provider[key];
    const set = value !== undefined && (typeof value !== 'object' || Object.keys(value as object).length > 0);
    if (set) fail([key], `not supported with mode: custom-resource (the Provider CRD has no field for it and the manager builds the pods): remove it or use mode: deployment`);
  }
  // (What a Kubernetes Affinity cannot hold is reported by the affinity schema already.)
  if (Object.keys(provider.affinity).length > 0 && lostInConversion(provider.affinity, toJsonAffinity).length === 0) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { toJson_ProviderSpecRuntimeAffinity } = require('../../imports/infra.virtrigaud.io') as typeof import('../../imports/infra.virtrigaud.io');
    for (const path of lostInConversion(provider.affinity, (a) => toJson_ProviderSpecRuntimeAffinity(a as never))) {
      fail(['affinity', ...path], 'not a field of the Provider CRD\'s spec.runtime.affinity (mode: custom-resource); it would be dropped from the output');
    }
  }
}

/** Why an endpoint does not suit a provider type, or undefined when it does. */
export function endpointProblem(type: ProviderType, endpoint: string): string | undefined {
  const schemes = ENDPOINT_SCHEMES[type];
  const example = type === 'libvirt' ? 'qemu+ssh://user@host/system' : type === 'proxmox' ? 'https://pve.example.com:8006' : 'https://vcenter.example.com/sdk';
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `${JSON.stringify(endpoint)} is not a URL; a ${type} endpoint looks like ${example}`;
  }
  // Credentials first, so that no message below echoes them.
  if (url.password) {
    return 'the endpoint carries a password: remove it from the URL and put it into the Secret named by credentialsSecret';
  }
  const secretQuery = [...url.searchParams.keys()].find((k) => SECRET_QUERY_KEY.test(k));
  if (secretQuery) {
    return `the endpoint carries ${secretQuery} in its query: remove it from the URL and put it into the Secret named by credentialsSecret`;
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme)) {
    return `a ${type} endpoint must start with ${schemes.map((s) => `${s}://`).join(', ')} (e.g. ${example}); got ${JSON.stringify(endpoint)}`;
  }
  if (!url.hostname) return `the endpoint ${JSON.stringify(endpoint)} has no host; a ${type} endpoint looks like ${example}`;
  if (type === 'libvirt' && (url.pathname === '' || url.pathname === '/')) {
    return `a libvirt endpoint names the libvirt instance in its path (e.g. ${example}); got ${JSON.stringify(endpoint)}`;
  }
  return undefined;
}

/** The TCP port the provider connects to (explicit, or the scheme's default). */
export function endpointPort(endpoint: string): number {
  const url = new URL(endpoint);
  if (url.port) return Number(url.port);
  return DEFAULT_PORTS[url.protocol.replace(/:$/, '')] ?? 443;
}

/** The provider list; entries are also screened for credentials carried inline. */
export const providersSchema = z
  .array(
    z.preprocess((entry, ctx) => {
      if (entry && typeof entry === 'object' && !Array.isArray(entry)) {
        for (const key of Object.keys(entry)) {
          if ((INLINE_CREDENTIAL_KEYS as readonly string[]).includes(key)) {
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `credentials must not be written into values: create a Secret (kubectl create secret generic <name> --from-literal=${key}=…) in the release namespace and set credentialsSecret: <name> instead of ${key}`,
              input: entry,
            });
          }
        }
      }
      return entry;
    }, providerSchema),
  )
  // Runs even when an entry has errors of its own, so that a duplicate is reported in the same run.
  .superRefine(
    (providers, ctx) => {
      const seen = new Map<string, number>();
      providers.forEach((provider: unknown, i) => {
        const name = (provider as { name?: unknown } | null)?.name;
        if (typeof name !== 'string') return;
        const first = seen.get(name);
        if (first === undefined) seen.set(name, i);
        else ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate provider name ${JSON.stringify(name)} (also providers[${first}].name)` });
      });
    },
    { when: (payload) => Array.isArray(payload.value) },
  )
  .default([])
  .describe('Provider instances. Each renders a Deployment, Service and ServiceAccount `<release>-provider-<name>` (or a `Provider` object in `custom-resource` mode). Default: none.');

/** A provider as users write it. */
export type ProviderInput = z.input<typeof providerSchema>;
/** A provider after defaults: what constructs receive. */
export type ProviderValues = z.output<typeof providerSchema>;
