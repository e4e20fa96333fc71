/**
 * fast-check arbitraries for valid values: every key of the values schema, with names that are
 * legal but odd (maximum lengths, digits, hyphens, dots), quantities in their various legal
 * spellings, prefixed label keys, and every toggle. What they generate must always render.
 */
import fc from 'fast-check';
import { ALERT_NAMES, ALERTS, MAX_BURN_FACTOR, SEVERITIES } from '../../lib/alerts';
import type { ProviderInput } from '../../lib/values/provider-values';
import type { ValuesInput } from '../../lib/values/schema';

type Input = Record<string, unknown>;

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Records as YAML and JSON produce them (with Object.prototype). */
function rec<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, constraints: { requiredKeys?: (keyof T)[] } = {}): fc.Arbitrary<T> {
  return fc.record(model, { ...constraints, noNullPrototype: true } as never) as unknown as fc.Arbitrary<T>;
}

const charOf = (alphabet: string) => fc.constantFrom(...alphabet.split(''));

/** Lengths biased towards the extremes (1, the maximum) and short names. */
function lengthArb(min: number, max: number): fc.Arbitrary<number> {
  return fc.oneof(fc.constant(max), fc.constant(min), fc.integer({ min, max: Math.min(max, min + 8) }), fc.integer({ min, max }));
}

/** `first`, then `middle` characters, then an alphanumeric `last` one. */
function word(min: number, max: number, first: string, middle: string, last: string): fc.Arbitrary<string> {
  return lengthArb(min, max).chain((n) =>
    n === 1
      ? charOf(first.split('').filter((c) => last.includes(c)).join(''))
      : fc.tuple(charOf(first), fc.array(charOf(middle), { minLength: n - 2, maxLength: n - 2 }), charOf(last)).map(([a, b, c]) => a + b.join('') + c),
  );
}

/** A DNS-1123 label (`letterFirst`: DNS-1035, as Service names need). */
export function dnsLabel(max = 63, options: { min?: number; letterFirst?: boolean } = {}): fc.Arbitrary<string> {
  const alnum = LOWER + DIGITS;
  return word(options.min ?? 1, max, options.letterFirst ? LOWER : alnum, alnum + '---', alnum);
}

/** A DNS-1123 subdomain: one to three labels joined by dots. */
export function dnsSubdomain(max = 253): fc.Arbitrary<string> {
  return fc
    .array(dnsLabel(Math.min(63, max)), { minLength: 1, maxLength: 3 })
    .map((labels) => labels.join('.'))
    .filter((s) => s.length <= max);
}

const LABEL_NAME_CHARS = LOWER + UPPER + DIGITS;
/** The name part of a label key, or a label value: [A-Za-z0-9] at both ends, `-_.` inside. */
const labelName = (max = 63) => word(1, max, LABEL_NAME_CHARS, LABEL_NAME_CHARS + '-_.', LABEL_NAME_CHARS);

/** Keys the toolkit owns (selector and standard labels); generated maps never use them. */
const TOOLKIT_KEYS = /^(app\.kubernetes\.io\/|virtrigaud\.io\/)/;

/** A label key, often with a DNS prefix (`example.com/team`). */
export const labelKey: fc.Arbitrary<string> = fc
  .tuple(fc.option(dnsSubdomain(60), { nil: undefined }), labelName())
  .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name))
  .filter((k) => !TOOLKIT_KEYS.test(k));

export const labelValue: fc.Arbitrary<string> = fc.oneof(fc.constant(''), labelName());

export const labelMap = (maxKeys = 3) => fc.dictionary(labelKey, labelValue, { maxKeys, noNullPrototype: true });
export const annotationMap = (maxKeys = 3) => fc.dictionary(labelKey, fc.string({ maxLength: 40, unit: 'grapheme' }), { maxKeys, noNullPrototype: true });

/** A quantity with a known value, spelled one of the ways Kubernetes accepts. */
interface Quantity {
  readonly value: number;
  readonly spelled: string | number;
}

/** CPU in millicores: `250m`, `0.25`, `.25`, `250e-3`, `2`, 2. */
export function cpu(minMilli: number, maxMilli: number): fc.Arbitrary<Quantity> {
  return fc.integer({ min: minMilli, max: maxMilli }).chain((m) => {
    const spellings: (string | number)[] = [`${m}m`, `${m}e-3`];
    if (m % 1000 === 0) spellings.push(m / 1000, String(m / 1000));
    else if (m % 10 === 0) spellings.push(String(m / 1000), String(m / 1000).replace(/^0\./, '.'));
    return fc.constantFrom(...spellings).map((spelled) => ({ value: m / 1000, spelled }));
  });
}

/** Memory in MiB: `96Mi`, `98304Ki`, `100663296`, 100663296, `1Gi`, and decimal `200M`, `2e8`. */
export function memory(minMi: number, maxMi: number): fc.Arbitrary<Quantity> {
  const binary = fc.integer({ min: minMi, max: maxMi }).chain((mi) => {
    const bytes = mi * 2 ** 20;
    const spellings: (string | number)[] = [`${mi}Mi`, `${mi * 1024}Ki`, String(bytes), bytes];
    if (mi % 1024 === 0) spellings.push(`${mi / 1024}Gi`);
    return fc.constantFrom(...spellings).map((spelled) => ({ value: bytes, spelled }));
  });
  const decimal = fc.integer({ min: Math.ceil((minMi * 2 ** 20) / 1e6), max: Math.floor((maxMi * 2 ** 20) / 1e6) }).chain((mb) =>
    fc.constantFrom(`${mb}M`, `${mb}e6`, ...(mb % 1000 === 0 ? [`${mb / 1000}G`] : [])).map((spelled) => ({ value: mb * 1e6, spelled })),
  );
  return fc.oneof(binary, decimal);
}

/** A request and a limit at least as large (Kubernetes refuses a request above its limit). */
function requestAndLimit(q: (min: number, max: number) => fc.Arbitrary<Quantity>, min: number, max: number) {
  return q(min, max).chain((request) =>
    q(min, max)
      .filter((limit) => limit.value >= request.value)
      .map((limit) => ({ request: request.spelled, limit: limit.spelled })),
  );
}

/** Resources: absent (the defaults), only requests or only limits (the other side keeps its defaults), or both, in any legal spelling. */
export const resources: fc.Arbitrary<Input | undefined> = fc.oneof(
  fc.constant(undefined),
  // Requests at most the default limits (500m, 512Mi).
  rec({ cpu: cpu(1, 500), memory: memory(16, 512) }).map(({ cpu: c, memory: m }) => ({ requests: { cpu: c.spelled, memory: m.spelled } })),
  // Limits at least the default requests (100m, 128Mi).
  rec({ cpu: cpu(100, 8000), withCpu: fc.boolean(), memory: memory(128, 16384) }).map(({ cpu: c, withCpu, memory: m }) => ({ limits: { ...(withCpu ? { cpu: c.spelled } : {}), memory: m.spelled } })),
  rec({
    cpu: requestAndLimit(cpu, 1, 4000),
    memory: requestAndLimit(memory, 16, 8192),
    cpuLimit: fc.boolean(),
    ephemeral: fc.option(requestAndLimit(memory, 64, 4096), { nil: undefined }),
  }).map(({ cpu: c, memory: m, cpuLimit, ephemeral }) => ({
    requests: { cpu: c.request, memory: m.request, ...(ephemeral ? { 'ephemeral-storage': ephemeral.request } : {}) },
    limits: { ...(cpuLimit ? { cpu: c.limit } : {}), memory: m.limit, ...(ephemeral ? { 'ephemeral-storage': ephemeral.limit } : {}) },
  })),
);

export const toleration: fc.Arbitrary<Input> = fc.oneof(
  rec({ key: labelKey, operator: fc.constant('Exists'), effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute') }, { requiredKeys: ['key', 'operator'] }),
  rec({ key: labelKey, operator: fc.constant('Equal'), value: labelValue, effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute') }, { requiredKeys: ['key', 'value'] }),
  fc.constant({ operator: 'Exists' }),
  rec({ key: labelKey, operator: fc.constant('Exists'), effect: fc.constant('NoExecute'), tolerationSeconds: fc.integer({ min: 0, max: 86400 }) }),
);

const RESERVED_ENV = /^(PROVIDER_TYPE|PROVIDER_ENDPOINT|PROVIDER_NAMESPACE|PROVIDER_NAME|LOG_LEVEL|LOG_FORMAT|TLS_ENABLED|TLS_INSECURE_SKIP_VERIFY|VIRTRIGAUD_PROVIDER_INSECURE)$/;
const SECRET_LIKE = /(PASSWORD|PASSWD|TOKEN|SECRET|PRIVATE_?KEY|API_?KEY|CREDENTIAL)/i;
const envName = fc
  .oneof(word(1, 30, UPPER + '_', UPPER + DIGITS + '_', UPPER + DIGITS + '_'), fc.constantFrom('GOMEMLIMIT', 'HTTPS_PROXY', 'no_proxy', 'my.var-1', 'DB_PASSWORD', 'API_TOKEN'))
  .filter((n) => !RESERVED_ENV.test(n));
const envSource = fc.oneof(
  rec({ fieldRef: rec({ fieldPath: fc.oneof(fc.constantFrom('metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.podIP'), labelKey.map((k) => `metadata.labels['${k}']`)) }) }),
  rec({ secretKeyRef: rec({ name: dnsSubdomain(), key: fc.constantFrom('password', 'token', 'tls.key', 'a-b_c.d'), optional: fc.boolean() }, { requiredKeys: ['name', 'key'] }) }),
  rec({ configMapKeyRef: rec({ name: dnsSubdomain(), key: fc.constantFrom('config', 'x.yaml') }) }),
  rec({
    resourceFieldRef: fc.oneof(
      rec({ resource: fc.constantFrom('limits.memory', 'requests.memory'), divisor: fc.constantFrom('1Mi', '1', '1Gi', '1k') }, { requiredKeys: ['resource'] }),
      rec({ resource: fc.constantFrom('limits.cpu', 'requests.cpu'), divisor: fc.constantFrom('1m', '1', 1) }, { requiredKeys: ['resource'] }),
    ),
  }),
);
/** Environment variables: literal values (never for credential-looking names) or `valueFrom`. */
export const env: fc.Arbitrary<Input[]> = fc
  .uniqueArray(
    fc.oneof(
      rec({ name: envName.filter((n) => !SECRET_LIKE.test(n)), value: fc.string({ maxLength: 30, unit: 'grapheme' }) }),
      rec({ name: envName, valueFrom: envSource }),
    ),
    { selector: (e) => e.name, maxLength: 3 },
  )
  .map((list) => list as Input[]);

const labelSelector = (optional = true) =>
  rec(
    {
      matchLabels: labelMap(2).filter((m) => Object.keys(m).length > 0),
      matchExpressions: fc.array(
        fc.oneof(
          rec({ key: labelKey, operator: fc.constantFrom('In', 'NotIn'), values: fc.array(labelValue, { minLength: 1, maxLength: 2 }) }),
          rec({ key: labelKey, operator: fc.constantFrom('Exists', 'DoesNotExist') }),
        ),
        { minLength: 1, maxLength: 2 },
      ),
    },
    { requiredKeys: optional ? [] : ['matchLabels'] },
  );

export const affinity: fc.Arbitrary<Input> = fc.oneof(
  fc.constant({}),
  rec({ key: labelKey, values: fc.array(labelValue, { minLength: 1, maxLength: 2 }) }).map(({ key, values }) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: 'In', values }] }] } },
  })),
  rec({ weight: fc.integer({ min: 1, max: 100 }), labels: labelMap(2).filter((m) => Object.keys(m).length > 0) }).map(({ weight, labels }) => ({
    podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } } }] },
  })),
);

export const topologySpreadConstraints: fc.Arbitrary<Input[]> = fc.array(
  rec({
    maxSkew: fc.integer({ min: 1, max: 3 }),
    topologyKey: fc.constantFrom('topology.kubernetes.io/zone', 'kubernetes.io/hostname'),
    whenUnsatisfiable: fc.constantFrom('DoNotSchedule', 'ScheduleAnyway'),
    labelSelector: labelSelector(false),
  }),
  { maxLength: 2 },
);

const tag = fc.constantFrom('v0.3.12', 'latest', 'v1.2.3-rc.1', '0.3.11_build.7', 'X'.repeat(128));
const digest = fc.array(charOf('0123456789abcdef'), { minLength: 64, maxLength: 64 }).map((h) => `sha256:${h.join('')}`);

export function image(options: { registryPort: boolean }): fc.Arbitrary<Input> {
  const registries = ['ghcr.io', 'my-registry.example.com', 'REGISTRY.Example.com', ...(options.registryPort ? ['registry.local:5000'] : [])];
  return rec(
    {
      registry: fc.constantFrom(...registries),
      repository: fc.constantFrom('mirror/virtrigaud/manager', 'a/b-c/d_e.f', 'x'),
      tag,
      digest,
      pullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
    },
    { requiredKeys: [] },
  );
}

/** Pod-level values of a workload; `podOnly`: the keys a `custom-resource` provider may not set. */
function podValues(options: { podOnly: boolean }) {
  return rec(
    {
      nodeSelector: labelMap(2),
      tolerations: fc.array(toleration, { maxLength: 3 }),
      affinity,
      env,
      ...(options.podOnly
        ? {
            topologySpreadConstraints,
            priorityClassName: dnsSubdomain(),
            podAnnotations: annotationMap(),
            podLabels: labelMap(),
          }
        : {}),
    },
    { requiredKeys: [] },
  );
}

// (The last label of a host name is not all digits: URL parsers take that for an IPv4 address.)
const host = fc.oneof(dnsSubdomain(40).filter((h) => !/(^|\.)([0-9]+|0x[0-9a-f]*)$/.test(h)), fc.constantFrom('10.0.0.5', 'vc-01.lab', 'x'));
const endpointByType = {
  vsphere: fc.tuple(host, fc.constantFrom('', ':443', ':8443')).map(([h, p]) => `https://${h}${p}/sdk`),
  proxmox: fc.tuple(host, fc.constantFrom(':8006', ':8006/api2/json', '')).map(([h, p]) => `https://${h}${p}`),
  libvirt: fc.tuple(fc.constantFrom('qemu+ssh://root@', 'qemu+ssh://', 'qemu+tcp://', 'qemu+tls://'), host, fc.constantFrom('', ':16514', ':2222')).map(([s, h, p]) => `${s}${h}${p}/system`),
} as const;

const ipv4Cidr = fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 })).map(([o, bits]) => `${o.join('.')}/${bits}`);
export const cidr = fc.oneof(ipv4Cidr, fc.constantFrom('0.0.0.0/0', 'fd00::/64', '2001:db8::1/128', '::/0'));

/**
 * A provider: every type, both modes, names up to the longest the release allows.
 * `maxName`: what `<release>-provider-<name>` (and in custom-resource mode the manager's
 * `virtrigaud-provider-<namespace>-<name>`) leaves.
 */
export function provider(maxName: number, maxNameCustomResource: number): fc.Arbitrary<ProviderInput> {
  const modes = maxNameCustomResource >= 1 ? (['deployment', 'custom-resource'] as const) : (['deployment'] as const);
  return fc.tuple(fc.constantFrom('vsphere', 'libvirt', 'proxmox'), fc.constantFrom(...modes)).chain(([type, mode]) => {
    const cr = mode === 'custom-resource';
    return rec(
      {
        name: dnsLabel(cr ? Math.min(maxName, maxNameCustomResource) : maxName),
        endpoint: endpointByType[type],
        credentialsSecret: cr ? dnsLabel() : dnsSubdomain(),
        replicas: cr ? fc.integer({ min: 1, max: 10 }) : fc.integer({ min: 0, max: 100 }),
        image: image({ registryPort: !cr }),
        grpcPort: fc.integer({ min: 1024, max: 65535 }).filter((p) => p !== 8080),
        resources,
        tls: rec({ enabled: fc.boolean(), secretName: cr ? dnsLabel() : dnsSubdomain() }, { requiredKeys: [] }),
        logLevel: fc.constantFrom('debug', 'info', 'warn', 'error'),
        logFormat: fc.constantFrom('json', 'text'),
        endpointCidrs: fc.array(cidr, { minLength: 1, maxLength: 3 }),
        pod: podValues({ podOnly: !cr }),
        explicitMode: fc.boolean(),
      },
      { requiredKeys: ['name', 'endpoint', 'credentialsSecret', 'pod', 'explicitMode'] },
    ).map(({ pod, explicitMode, ...p }) => {
      // custom-resource is the default mode: deployment is always written.
      const out: Input = { ...p, type, ...pod, ...(!cr || explicitMode ? { mode } : {}) };
      if (out.resources === undefined) delete out.resources;
      return out as unknown as ProviderInput;
    });
  });
}

const promLabelName = word(1, 20, LOWER + UPPER + '_', LOWER + UPPER + DIGITS + '_', LOWER + UPPER + DIGITS + '_').filter((n) => n !== 'severity');
const durationArb = fc.constantFrom('1m', '5m', '90s', '1h30m', '2h', '0s', '1d');

function threshold(name: (typeof ALERT_NAMES)[number]): fc.Arbitrary<number> | undefined {
  const t = ALERTS[name].threshold;
  if (!t) return undefined;
  const min = t.above ?? t.atLeast ?? 0;
  const max = t.below ?? 1e6;
  return fc.oneof(
    fc.constant(t.default),
    fc.double({ min, max, minExcluded: t.above !== undefined, maxExcluded: t.below !== undefined, noNaN: true, noDefaultInfinity: true }),
  );
}

const alerts = rec(
  Object.fromEntries(
    ALERT_NAMES.map((name) => {
      const th = threshold(name);
      return [
        name,
        rec(
          {
            enabled: fc.boolean(),
            for: durationArb,
            severity: fc.constantFrom(...SEVERITIES),
            labels: fc.dictionary(promLabelName, fc.string({ maxLength: 20, unit: 'grapheme' }), { maxKeys: 2, noNullPrototype: true }),
            ...(th ? { threshold: th } : {}),
          },
          { requiredKeys: [] },
        ),
      ];
    }),
  ) as Record<string, fc.Arbitrary<Input>>,
  { requiredKeys: [] },
);

const tlsConfig = rec(
  {
    insecureSkipVerify: fc.boolean(),
    serverName: fc.oneof(fc.constant(''), dnsSubdomain(60)),
    ca: fc.oneof(
      fc.constant({}),
      rec({ secretName: dnsSubdomain(), key: fc.constantFrom('ca.crt', 'ca.pem') }, { requiredKeys: ['secretName'] }),
      rec({ configMapName: dnsSubdomain(), key: fc.constantFrom('ca.crt', 'service-ca.crt') }, { requiredKeys: ['configMapName'] }),
    ),
  },
  { requiredKeys: [] },
);
const authorization = fc.oneof(
  rec({ mode: fc.constantFrom('serviceAccountToken', 'none'), tokenFile: fc.constantFrom('/var/run/secrets/kubernetes.io/serviceaccount/token', '/etc/prometheus/token') }, { requiredKeys: [] }),
  rec({ mode: fc.constant('secret'), secret: rec({ name: dnsSubdomain(), key: fc.constantFrom('token', 'bearer') }, { requiredKeys: ['name'] }) }),
);

const intervals = [
  ['15s', '10s'],
  ['30s', '30s'],
  ['1m', '10s'],
  ['2m', '1m30s'],
] as const;

export const monitoring: fc.Arbitrary<Input> = rec(
  {
    enabled: fc.boolean(),
    additionalLabels: labelMap(2),
    serviceMonitors: rec(
      {
        enabled: fc.boolean(),
        timing: fc.constantFrom(...intervals),
        honorLabels: fc.boolean(),
        dropLabels: fc.subarray(['vm', 'vm_name', 'vm_id', 'vm_uuid', 'uuid', 'moref', 'pod_template_hash']),
        manager: rec({ enabled: fc.boolean(), tlsConfig, authorization }, { requiredKeys: [] }),
        providers: rec({ enabled: fc.boolean(), scheme: fc.constantFrom('http', 'https'), tlsConfig, authorization }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ).map(({ timing, ...sm }) => (timing ? { ...sm, interval: timing[0], scrapeTimeout: timing[1] } : sm)),
    rules: rec(
      {
        enabled: fc.boolean(),
        runbookUrlPattern: fc.constantFrom('https://runbooks.example.com/{alertname}', 'http://wiki/{alertname}.md?x=1'),
        recordingRules: rec({ enabled: fc.boolean() }, { requiredKeys: [] }),
        alerts,
        slo: rec(
          {
            vmCreation: rec(
              { enabled: fc.boolean(), objective: fc.double({ min: 1 - 1 / MAX_BURN_FACTOR, max: 1, minExcluded: true, maxExcluded: true, noNaN: true }) },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    dashboard: rec(
      {
        enabled: fc.boolean(),
        uid: fc.oneof(fc.constant(''), word(1, 40, LOWER + DIGITS, LOWER + UPPER + DIGITS + '_-', LOWER + DIGITS)),
        title: fc.string({ maxLength: 40, unit: 'grapheme' }),
        labels: labelMap(2),
        annotations: annotationMap(2),
        tags: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        refresh: fc.constantFrom('', '10s', '1m', '1h'),
        timeFrom: fc.constantFrom('now-1h', 'now-7d'),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

const ports = fc.uniqueArray(fc.integer({ min: 1024, max: 65535 }), { minLength: 2, maxLength: 2 });

function manager(): fc.Arbitrary<Input> {
  return rec(
    {
      replicas: fc.integer({ min: 0, max: 20 }),
      leaderElection: fc.boolean(),
      image: image({ registryPort: true }),
      resources,
      extraArgs: fc.subarray(['--enable-http2=true', '--zap-devel', '--zap-stacktrace-level=panic', '--max-concurrent-reconciles=5']),
      logLevel: fc.constantFrom('debug', 'info', 'error'),
      logFormat: fc.constantFrom('json', 'console'),
      ports,
      secure: fc.boolean(),
      scraper: rec({ name: dnsSubdomain(), namespace: dnsLabel() }, { requiredKeys: [] }),
      serviceAccount: rec({ name: dnsSubdomain(), annotations: annotationMap(2) }, { requiredKeys: [] }),
      podDisruptionBudget: rec({ enabled: fc.boolean(), minAvailable: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] }),
      terminationGracePeriodSeconds: fc.integer({ min: 0, max: 3600 }),
      pod: podValues({ podOnly: true }),
    },
    { requiredKeys: ['replicas', 'leaderElection', 'ports', 'secure', 'pod'] },
  ).map(({ leaderElection, ports: [metricsPort, healthPort], secure, scraper, pod, ...m }) => {
    const out: Input = {
      ...m,
      ...pod,
      leaderElection: { enabled: m.replicas > 1 ? true : leaderElection },
      // minAvailable below replicas (the values reject a budget that blocks every eviction)
      ...(m.podDisruptionBudget?.minAvailable !== undefined && m.replicas > 1
        ? { podDisruptionBudget: { ...m.podDisruptionBudget, minAvailable: Math.min(m.podDisruptionBudget.minAvailable, m.replicas - 1) } }
        : {}),
      metrics: { port: metricsPort, secure, ...(scraper ? { scraperServiceAccount: scraper } : {}) },
      healthPort,
    };
    if (out.resources === undefined) delete out.resources;
    return out;
  });
}

const networkPolicies = rec(
  {
    enabled: fc.boolean(),
    monitoring: rec({ namespaceSelector: labelSelector(false), podSelector: labelSelector() }, { requiredKeys: [] }),
    dns: rec({ namespaceSelector: labelSelector(false), podSelector: labelSelector(), port: fc.integer({ min: 1, max: 65535 }) }, { requiredKeys: [] }),
    apiServer: rec({ cidrs: fc.array(cidr, { minLength: 1, maxLength: 3 }), ports: fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 3 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

/** Valid values: every key optional, providers 0..`maxProviders` of every type and mode. */
export function values(options: { maxProviders?: number } = {}): fc.Arbitrary<ValuesInput> {
  return rec({
    releaseName: fc.option(dnsLabel(30, { letterFirst: true }), { nil: undefined }),
    namespace: fc.option(dnsLabel(63), { nil: undefined }),
  }).chain(({ releaseName, namespace }) => {
    const release = releaseName ?? 'virtrigaud';
    const ns = namespace ?? 'virtrigaud-system';
    const maxName = 63 - release.length - 10;
    const maxNameCr = 63 - `virtrigaud-provider-${ns}-`.length;
    return rec(
      {
        createNamespace: fc.boolean(),
        namespaceLabels: labelMap(),
        commonLabels: labelMap(),
        commonAnnotations: annotationMap(),
        imagePullSecrets: fc.uniqueArray(dnsSubdomain().map((name) => ({ name })), { selector: (s) => s.name, maxLength: 2 }),
        crds: rec({ install: fc.boolean(), annotations: annotationMap(2) }, { requiredKeys: [] }),
        manager: manager(),
        providers: fc.uniqueArray(provider(maxName, maxNameCr), { selector: (p) => p.name, maxLength: options.maxProviders ?? 4 }),
        networkPolicies,
        monitoring,
        profile: fc.option(fc.constantFrom('v0.3.11', 'documented'), { nil: undefined }),
      },
      { requiredKeys: [] },
    ).map(({ profile, ...rest }) => {
      // Deployment-mode providers exist only under the documented profile (v0.3.11 refuses them).
      const deployment = (rest.providers ?? []).some((p) => (p as { mode?: string }).mode === 'deployment');
      const chosen = deployment ? 'documented' : profile;
      return { ...(releaseName !== undefined ? { releaseName } : {}), ...(namespace !== undefined ? { namespace } : {}), ...(chosen !== undefined ? { profile: chosen } : {}), ...rest } as ValuesInput;
    });
  });
}
