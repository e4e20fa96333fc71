/**
 * Property-based tests of rendering: random valid values (arbitraries.ts) always render output
 * that passes the schemas, every lint check and the invariants written out in invariants.ts, is
 * byte-for-byte deterministic and complete; random invalid mutations always fail with a
 * ValuesError naming the mutated key path.
 *
 * Seeded and reproducible (fc-settings.ts): a fixed seed by default, `FC_SEED=random` explores,
 * `FC_SEED=<n>` replays a run, `FC_RUNS=<n>` scales the number of runs.
 */
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { lintManifests } from '../../lib/lint/lint';
import { renderRelease } from '../../lib/rendering/render';
import type { OutputLayout } from '../../lib/rendering/layout';
import { isCidr, quantityValue } from '../../lib/values/common';
import { formatPath, ValuesError } from '../../lib/values/errors';
import { parseValues } from '../../lib/values/parse';
import { Values, ValuesInput, valuesSchema } from '../../lib/values/schema';
import * as arb from './arbitraries';
import { check } from './fc-settings';
import { INVARIANTS } from './invariants';

type Obj = any;

function render(values: ValuesInput, layout: OutputLayout) {
  return renderRelease({ base: values as Record<string, unknown>, layout });
}

const isCrd = (o: Obj) => o.kind === 'CustomResourceDefinition';

/**
 * The objects of the rendered files, as `kubectl apply` and `lint` read them. The ten vendored
 * CRDs are static and large (parsing them would take most of the test's time): they are taken
 * from the manifests instead, every other object from its YAML.
 */
function parseFiles(files: readonly { path: string; content: string }[], manifests: readonly Obj[]): Obj[] {
  const parsed = files
    .filter((f) => !f.path.endsWith('kustomization.yaml'))
    .flatMap((f) => f.content.split(/^---\n/m))
    .filter((doc) => !/^kind: CustomResourceDefinition$/m.test(doc))
    .flatMap((doc) =>
      parseAllDocuments(doc).map((d) => {
        expect(d.errors).toEqual([]);
        return d.toJS();
      }),
    )
    .filter((o) => o !== null);
  // What is written is what was built: the YAML round-trips to the same objects.
  expect(parsed).toEqual(JSON.parse(JSON.stringify(manifests.filter((m) => !isCrd(m)))));
  return [...JSON.parse(JSON.stringify(manifests.filter(isCrd))), ...parsed];
}

const find = (objects: readonly Obj[], kind: string, name: string, namespace?: string) =>
  objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));

/** JSON with sorted keys: equality that ignores key order. */
function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

function quantityString(q: string | number | undefined) {
  return q === undefined ? undefined : String(q);
}

/** Every piece of the values shows up in the output: no silently dropped object or setting. */
function completeness(v: Values, objects: readonly Obj[]): string[] {
  const out: string[] = [];
  const expect1 = (kind: string, name: string, present: boolean, namespace?: string) => {
    const n = find(objects, kind, name, namespace).length;
    if (n !== (present ? 1 : 0)) out.push(`${kind}/${name}: ${n} rendered, expected ${present ? 1 : 0}`);
  };
  const r = (s: string) => `${v.releaseName}-${s}`;
  const ns = v.namespace;
  const deploymentProviders = v.providers.filter((p) => p.mode === 'deployment');
  const crProviders = v.providers.filter((p) => p.mode === 'custom-resource');
  const mon = v.monitoring;
  const sm = mon.serviceMonitors;

  expect1('Namespace', ns, v.createNamespace);
  if (objects.filter((o) => o.kind === 'CustomResourceDefinition').length !== (v.crds.install ? 10 : 0)) out.push('CRD count');
  expect1('ServiceAccount', v.manager.serviceAccount.name ?? r('manager'), true, ns);
  expect1('Deployment', r('manager'), true, ns);
  expect1('Service', r('manager'), true, ns);
  expect1('ClusterRole', r('manager'), true);
  expect1('ClusterRoleBinding', r('manager'), true);
  expect1('Role', r('leader-election'), v.manager.leaderElection.enabled, ns);
  expect1('RoleBinding', r('leader-election'), v.manager.leaderElection.enabled, ns);
  expect1('PodDisruptionBudget', r('manager'), v.manager.replicas > 1 && v.manager.podDisruptionBudget.enabled, ns);
  expect1('ClusterRole', r('metrics-reader'), v.manager.metrics.secure);
  expect1('ClusterRoleBinding', r('metrics-reader'), v.manager.metrics.secure);
  expect1('NetworkPolicy', r('manager'), v.networkPolicies.enabled, ns);
  for (const p of deploymentProviders) {
    for (const kind of ['Deployment', 'Service', 'ServiceAccount']) expect1(kind, r(`provider-${p.name}`), true, ns);
  }
  for (const p of v.providers) expect1('NetworkPolicy', r(`provider-${p.name}`), v.networkPolicies.enabled, ns);
  for (const p of crProviders) expect1('Provider', p.name, true, ns);
  expect1('ServiceMonitor', r('manager'), mon.enabled && sm.enabled && sm.manager.enabled, ns);
  expect1('ServiceMonitor', r('providers'), mon.enabled && sm.enabled && sm.providers.enabled && deploymentProviders.length > 0, ns);
  expect1('ConfigMap', r('dashboard'), mon.enabled && mon.dashboard.enabled, ns);
  if (!(mon.enabled && mon.rules.enabled)) expect1('PrometheusRule', r('alerts'), false, ns);

  const expectedCount =
    (v.createNamespace ? 1 : 0) + (v.crds.install ? 10 : 0) + 5 + (v.manager.leaderElection.enabled ? 2 : 0) +
    (v.manager.replicas > 1 && v.manager.podDisruptionBudget.enabled ? 1 : 0) + (v.manager.metrics.secure ? 2 : 0) +
    (v.networkPolicies.enabled ? 1 + v.providers.length : 0) + 3 * deploymentProviders.length + crProviders.length +
    (mon.enabled && sm.enabled && sm.manager.enabled ? 1 : 0) + (mon.enabled && sm.enabled && sm.providers.enabled && deploymentProviders.length > 0 ? 1 : 0) +
    (mon.enabled && mon.dashboard.enabled ? 1 : 0) + find(objects, 'PrometheusRule', r('alerts'), ns).length;
  if (objects.length !== expectedCount) out.push(`${objects.length} objects rendered, expected ${expectedCount}: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);

  // Common labels and annotations on every object (an object's own annotations of the same key win).
  const ownAnnotations = (o: Obj): Record<string, string> =>
    o.kind === 'ServiceAccount' && o.metadata.name === (v.manager.serviceAccount.name ?? r('manager'))
      ? v.manager.serviceAccount.annotations
      : o.kind === 'CustomResourceDefinition'
        ? v.crds.annotations
        : o.kind === 'ConfigMap' && o.metadata.name === r('dashboard')
          ? mon.dashboard.annotations
          : {};
  const monitoringObject = (o: Obj) => ['ServiceMonitor', 'PrometheusRule'].includes(o.kind) || (o.kind === 'ConfigMap' && o.metadata.name === r('dashboard'));
  const ownLabels = (o: Obj): Record<string, string> =>
    o.kind === 'Namespace'
      ? v.namespaceLabels
      : monitoringObject(o)
        ? { ...mon.additionalLabels, ...(o.kind === 'ConfigMap' ? mon.dashboard.labels : {}) }
        : {};
  for (const o of objects) {
    for (const [k, val] of Object.entries({ ...v.commonLabels, ...ownLabels(o) })) {
      if (o.metadata.labels?.[k] !== val) out.push(`${o.kind}/${o.metadata.name}: label ${k} is ${JSON.stringify(o.metadata.labels?.[k])}, expected ${JSON.stringify(val)}`);
    }
    for (const [k, val] of Object.entries({ ...v.commonAnnotations, ...ownAnnotations(o) })) {
      if (o.metadata.annotations?.[k] !== val) out.push(`${o.kind}/${o.metadata.name}: annotation ${k} is ${JSON.stringify(o.metadata.annotations?.[k])}, expected ${JSON.stringify(val)}`);
    }
  }

  // Pod settings of the manager and the deployment-mode providers.
  const podSettings = (what: string, deployment: Obj, pod: Values['manager'] | Values['providers'][number], container: string) => {
    if (!deployment) return;
    const spec = deployment.spec.template.spec;
    const c = spec.containers.find((x: Obj) => x.name === container);
    const eq = (field: string, actual: unknown, expected: unknown) => {
      if (canonical(actual) !== canonical(expected)) out.push(`${what}: ${field} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    };
    eq('nodeSelector', spec.nodeSelector ?? {}, pod.nodeSelector);
    eq('tolerations', spec.tolerations ?? [], pod.tolerations);
    eq('affinity', spec.affinity ?? {}, pod.affinity);
    eq('topologySpreadConstraints', spec.topologySpreadConstraints ?? [], pod.topologySpreadConstraints);
    eq('priorityClassName', spec.priorityClassName, pod.priorityClassName);
    eq('imagePullSecrets', spec.imagePullSecrets ?? [], v.imagePullSecrets);
    for (const [k, val] of Object.entries(pod.podLabels)) if (deployment.spec.template.metadata.labels[k] !== val) out.push(`${what}: pod label ${k} missing`);
    for (const [k, val] of Object.entries(pod.podAnnotations)) if (deployment.spec.template.metadata.annotations?.[k] !== val) out.push(`${what}: pod annotation ${k} missing`);
    for (const e of pod.env) {
      const rendered = (c.env ?? []).find((x: Obj) => x.name === e.name);
      eq(`env ${e.name}`, rendered, JSON.parse(JSON.stringify(e)));
    }
    for (const kind of ['requests', 'limits'] as const) {
      for (const [res, q] of Object.entries(pod.resources[kind])) eq(`resources.${kind}.${res}`, quantityString(c.resources?.[kind]?.[res]), quantityString(q));
    }
    const tag = pod.image.tag ?? 'v0.3.11';
    if (!c.image.includes(`:${tag}`) || (pod.image.digest && !c.image.endsWith(`@${pod.image.digest}`)) || !c.image.startsWith(`${pod.image.registry}/`)) out.push(`${what}: image ${c.image}`);
    eq('imagePullPolicy', c.imagePullPolicy, pod.image.pullPolicy);
  };
  podSettings('manager', find(objects, 'Deployment', r('manager'), ns)[0], v.manager, 'manager');
  const managerDeployment = find(objects, 'Deployment', r('manager'), ns)[0];
  if (managerDeployment) {
    const spec = managerDeployment.spec;
    if (spec.replicas !== v.manager.replicas) out.push('manager replicas');
    if (spec.template.spec.serviceAccountName !== (v.manager.serviceAccount.name ?? r('manager'))) out.push('manager serviceAccountName');
    const args: string[] = spec.template.spec.containers[0].args;
    for (const a of v.manager.extraArgs) if (!args.includes(a)) out.push(`manager arg ${a} missing`);
    if (args.includes('--metrics-secure') !== v.manager.metrics.secure) out.push('--metrics-secure does not follow manager.metrics.secure');
    if (args.includes('--leader-elect') !== v.manager.leaderElection.enabled) out.push('--leader-elect does not follow leaderElection.enabled');
  }
  for (const p of deploymentProviders) {
    const d = find(objects, 'Deployment', r(`provider-${p.name}`), ns)[0];
    podSettings(`provider ${p.name}`, d, p, 'provider');
    if (d && d.spec.replicas !== p.replicas) out.push(`provider ${p.name}: replicas`);
    const envs = d?.spec.template.spec.containers[0].env ?? [];
    if (!envs.some((e: Obj) => e.name === 'PROVIDER_ENDPOINT' && e.value === p.endpoint)) out.push(`provider ${p.name}: endpoint`);
  }
  for (const p of crProviders) {
    const cr = find(objects, 'Provider', p.name, ns)[0];
    if (!cr) continue;
    const rt = cr.spec.runtime;
    const eq = (field: string, actual: unknown, expected: unknown) => {
      if (canonical(actual) !== canonical(expected)) out.push(`Provider ${p.name}: ${field} is ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
    };
    eq('endpoint', cr.spec.endpoint, p.endpoint);
    eq('credentialSecretRef', cr.spec.credentialSecretRef, { name: p.credentialsSecret });
    eq('replicas', rt.replicas, p.replicas);
    eq('nodeSelector', rt.nodeSelector ?? {}, p.nodeSelector);
    eq('tolerations', rt.tolerations ?? [], p.tolerations);
    eq('affinity', rt.affinity ?? {}, p.affinity);
    eq('env', rt.env ?? [], JSON.parse(JSON.stringify(p.env)));
    // The v0.3.11 manager ignores runtime.imagePullSecrets: never rendered.
    eq('imagePullSecrets', rt.imagePullSecrets, undefined);
    eq('service.port', rt.service.port, p.grpcPort);
    for (const kind of ['requests', 'limits'] as const) {
      for (const [res, q] of Object.entries(p.resources[kind])) eq(`resources.${kind}.${res}`, quantityString(rt.resources?.[kind]?.[res]), quantityString(q));
    }
  }
  return out;
}

/** Secured metrics: the flag, the RBAC it needs (and no more), and a ServiceMonitor that can scrape it. */
function securedMetrics(v: Values, objects: readonly Obj[]): string[] {
  const out: string[] = [];
  const r = (s: string) => `${v.releaseName}-${s}`;
  const role = find(objects, 'ClusterRole', r('manager'))[0];
  const grants = (group: string, resource: string) => role.rules.some((x: Obj) => x.apiGroups.includes(group) && x.resources.includes(resource) && JSON.stringify(x.verbs) === '["create"]');
  const secure = v.manager.metrics.secure;
  if (grants('authentication.k8s.io', 'tokenreviews') !== secure) out.push('tokenreviews grant does not follow secure');
  if (grants('authorization.k8s.io', 'subjectaccessreviews') !== secure) out.push('subjectaccessreviews grant does not follow secure');
  if (secure) {
    const reader = find(objects, 'ClusterRole', r('metrics-reader'))[0];
    if (JSON.stringify(reader?.rules) !== JSON.stringify([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }])) out.push(`metrics-reader rules ${JSON.stringify(reader?.rules)}`);
    const binding = find(objects, 'ClusterRoleBinding', r('metrics-reader'))[0];
    const sa = v.manager.metrics.scraperServiceAccount;
    if (JSON.stringify(binding?.subjects) !== JSON.stringify([{ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace }])) out.push('metrics-reader subjects');
    if (binding?.roleRef?.name !== r('metrics-reader') || binding?.roleRef?.kind !== 'ClusterRole') out.push('metrics-reader roleRef');
  }
  const sm = find(objects, 'ServiceMonitor', r('manager'))[0];
  if (sm) {
    const ep = sm.spec.endpoints[0];
    const auth = v.monitoring.serviceMonitors.manager.authorization;
    if (ep.port !== 'metrics' || ep.path !== '/metrics') out.push('manager ServiceMonitor port/path');
    if (ep.scheme !== (secure ? 'https' : 'http')) out.push(`manager ServiceMonitor scheme ${ep.scheme} with secure ${secure}`);
    if (secure) {
      if (!ep.tlsConfig) out.push('no tlsConfig');
      if (auth.mode === 'serviceAccountToken' && ep.bearerTokenFile !== auth.tokenFile) out.push('no bearerTokenFile');
      if (auth.mode === 'secret' && ep.authorization?.credentials?.name !== auth.secret.name) out.push('no authorization secret');
      if (auth.mode === 'none' && (ep.bearerTokenFile || ep.authorization)) out.push('credentials with mode none');
    } else if (ep.tlsConfig || ep.bearerTokenFile || ep.authorization) {
      out.push('TLS or credentials on the plain HTTP manager endpoint');
    }
  }
  // The NetworkPolicy lets the scrapers reach the metrics port, whatever the scheme.
  const np = find(objects, 'NetworkPolicy', r('manager'))[0];
  if (np) {
    const ports = np.spec.ingress.flatMap((i: Obj) => i.ports.map((p: Obj) => p.port));
    if (!ports.includes(v.manager.metrics.port) || !ports.includes(v.manager.healthPort)) out.push(`manager NetworkPolicy ingress ports ${ports}`);
  }
  return out;
}

describe('rendering random valid values', () => {
  test('passes the schemas, lint and every invariant; is deterministic and complete', () => {
    check(
      fc.property(arb.values(), fc.constantFrom<OutputLayout>('single', 'per-resource'), (values, layout) => {
        const result = render(values, layout);
        const objects = parseFiles(result.files, result.manifests);
        expect(lintManifests(objects)).toEqual([]);
        for (const [name, invariant] of Object.entries(INVARIANTS)) expect({ [name]: invariant(objects) }).toEqual({ [name]: [] });
        expect(completeness(result.values, objects)).toEqual([]);
        expect(securedMetrics(result.values, objects)).toEqual([]);
      }),
      100,
    );
  });

  test('rendering twice gives byte-identical files', () => {
    check(
      fc.property(arb.values({ maxProviders: 3 }), fc.constantFrom<OutputLayout>('single', 'per-resource'), (values, layout) => {
        const a = render(structuredClone(values), layout).files;
        const b = render(structuredClone(values), layout).files;
        expect(b).toEqual(a);
      }),
      30,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Invalid mutations: a wrong type anywhere, an unknown key in any strict mapping.

type Path = (string | number)[];
type Def = { type?: string; innerType?: unknown; in?: { def?: Def }; out?: unknown; shape?: Record<string, unknown>; element?: unknown; valueType?: unknown; catchall?: unknown };

/** The zod schema at a key path of the values (through defaults, optionals and pipes). */
function schemaAt(path: Path): { def?: Def } | undefined {
  let s = valuesSchema as unknown as { def?: Def } | undefined;
  const unwrap = () => {
    for (let i = 0; i < 20 && s?.def; i++) {
      const d = s.def;
      if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(d.type ?? '')) s = d.innerType as typeof s;
      else if (d.type === 'pipe') s = (d.in?.def?.type === 'transform' ? d.out : d.in) as typeof s;
      else break;
    }
  };
  unwrap();
  for (const part of path) {
    const d = s?.def;
    if (d?.type === 'object' && typeof part === 'string') s = d.shape?.[part] as typeof s;
    else if (d?.type === 'array' && typeof part === 'number') s = d.element as typeof s;
    else if (d?.type === 'record') s = d.valueType as typeof s;
    else return undefined;
    unwrap();
  }
  return s;
}

/** Every path in the values, with its value. */
function paths(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  const here = { path, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((v, i) => paths(v, [...path, i]))];
  if (value !== null && typeof value === 'object') return [here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...path, k]))];
  return [here];
}

/** Subtrees passed through to Kubernetes as they are (checked by the cdk8s round trip and the render-time schema). */
const PASS_THROUGH = new Set(['affinity', 'topologySpreadConstraints']);
const passThrough = (path: Path) => path.some((p) => typeof p === 'string' && PASS_THROUGH.has(p));

function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) node = node[part] as Record<string | number, unknown>;
  node[path[path.length - 1]] = value;
}

function expectNamed(values: unknown, path: Path) {
  let error: unknown;
  try {
    parseValues(values);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValuesError);
  const lines = (error as ValuesError).message.split('\n');
  const named = formatPath(path);
  expect({ lines, named, ok: lines.some((l) => l.startsWith(`${named === '' ? '(root)' : named}: `)) }).toMatchObject({ ok: true });
}

describe('random invalid mutations of valid values', () => {
  test('a wrong type at any path fails with a ValuesError naming that path', () => {
    check(
      fc.property(arb.values({ maxProviders: 2 }), fc.nat(), fc.constantFrom<unknown>(12345, true, 'a string', [1, 2], { bogus: 1 }), (values, pick, wrong) => {
        // Paths whose schema refuses `wrong`'s type: containers get a scalar, scalars a mapping, strings a number...
        const candidates = paths(values).filter(({ path, value }) => {
          if (path.length === 0 || passThrough(path)) return false;
          const t = Array.isArray(value) ? 'array' : typeof value;
          const w = Array.isArray(wrong) ? 'array' : typeof wrong;
          if (t === w) return false;
          const schema = schemaAt(path);
          // Quantities and divisors take strings and numbers alike.
          if (schema?.def?.type === 'union' && (t === 'string' || t === 'number') && (w === 'string' || w === 'number')) return false;
          return schema !== undefined;
        });
        fc.pre(candidates.length > 0);
        const { path } = candidates[pick % candidates.length];
        const mutated = structuredClone(values) as Record<string, unknown>;
        setAt(mutated, path, structuredClone(wrong));
        expectNamed(mutated, path);
      }),
      250,
    );
  });

  test('an unknown key in any mapping of the schema fails with a ValuesError naming it', () => {
    check(
      fc.property(arb.values({ maxProviders: 2 }), fc.nat(), fc.constantFrom('bogus', 'replica', 'enable', 'Name', 'x-extra', 'password2'), (values, pick, key) => {
        const candidates = paths(values).filter(({ path, value }) => {
          if (passThrough(path) || value === null || typeof value !== 'object' || Array.isArray(value)) return false;
          return schemaAt(path)?.def?.type === 'object';
        });
        const { path } = candidates[pick % candidates.length];
        const mutated = structuredClone(values) as Record<string, unknown>;
        if (path.length === 0) mutated[key] = 1;
        else setAt(mutated, path, { ...(structuredClone(paths(values).find((p) => formatPath(p.path) === formatPath(path))!.value) as object), [key]: 1 });
        expectNamed(mutated, [...path, key]);
      }),
      250,
    );
  });
});

describe('secure defaults survive partial values', () => {
  test('labels added to the Namespace never drop its Pod Security "restricted" enforcement', () => {
    check(
      fc.property(arb.labelMap(4), fc.boolean(), (labels, explicit) => {
        const input = explicit ? { ...labels, 'pod-security.kubernetes.io/enforce': 'baseline' } : labels;
        const ns = render({ namespaceLabels: input, crds: { install: false }, monitoring: { enabled: false } }, 'single').manifests.find((m) => m.kind === 'Namespace') as Obj;
        expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe(explicit ? 'baseline' : 'restricted');
        for (const [k, val] of Object.entries(labels)) expect(ns.metadata.labels[k]).toBe(val);
      }),
      30,
    );
  });
});

describe('the building blocks of the values checks', () => {
  test('every legal spelling of a quantity has its value (requests are compared with limits by it)', () => {
    check(
      fc.property(fc.oneof(arb.cpu(1, 64_000), arb.memory(1, 1 << 20)), ({ value, spelled }) => {
        expect(Math.abs(quantityValue(String(spelled)) - value)).toBeLessThanOrEqual(value * 1e-12);
      }),
      300,
    );
  });

  test('every generated CIDR is one, and a CIDR with an octet or prefix out of range is not', () => {
    check(
      fc.property(arb.cidr, fc.integer({ min: 256, max: 999 }), fc.integer({ min: 33, max: 99 }), (c, octet, bits) => {
        expect(isCidr(c)).toBe(true);
        expect(isCidr(c.replace(/^\d+/, String(octet)))).toBe(c.includes(':'));
        expect(isCidr(c.replace(/\/\d+$/, `/${bits}`))).toBe(c.includes(':') && bits <= 128);
      }),
      300,
    );
  });
});
