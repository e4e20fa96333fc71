/**
 * The upgrade contract of a release: what a live cluster holds on to. Objects' identities,
 * immutable fields (Deployment selectors, RoleBinding roleRefs, CRD scope and kind) and the
 * links between objects (Service → pods, ServiceMonitor → Service port). Comparing the contract
 * of the previous release with the new one finds changes that break `kubectl apply`.
 */

// Manifests are plain parsed YAML here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

export interface ContractObject {
  /** `group/Kind namespace/name`. */
  readonly id: string;
  /** Immutable or depended-on fields, as canonical JSON. */
  readonly fields: Readonly<Record<string, string>>;
}

export interface ReleaseContract {
  readonly objects: readonly ContractObject[];
  /** `ServiceMonitor id → Service ids it scrapes`; `NetworkPolicy`/`Service` links are in fields. */
  readonly links: Readonly<Record<string, readonly string[]>>;
}

export interface Breakage {
  readonly id: string;
  readonly message: string;
}

export function contractId(o: Obj): string {
  const apiVersion = String(o.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : 'core';
  return `${group}/${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;
}

/** JSON with sorted keys: equal values give equal strings. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Fields Kubernetes refuses to change in place, or that other objects depend on. */
function contractFields(o: Obj): Record<string, unknown> {
  switch (o.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return { 'spec.selector': o.spec?.selector };
    case 'Service':
      return {
        'spec.selector': o.spec?.selector,
        'spec.ports[].name': (o.spec?.ports ?? []).map((p: Obj) => p.name).sort(),
        ...(o.spec?.clusterIP ? { 'spec.clusterIP': o.spec.clusterIP } : {}),
      };
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return { roleRef: o.roleRef };
    case 'CustomResourceDefinition':
      return { 'spec.group': o.spec?.group, 'spec.scope': o.spec?.scope, 'spec.names.kind': o.spec?.names?.kind, 'spec.names.plural': o.spec?.names?.plural };
    case 'ServiceMonitor':
      return { jobLabel: o.spec?.jobLabel ?? null };
    default:
      return {};
  }
}

function selects(selector: Obj, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector?.matchLabels ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** The contract of a set of rendered manifests. */
export function extractContract(manifests: readonly Obj[]): ReleaseContract {
  const objects = manifests
    .map((o) => ({
      id: contractId(o),
      fields: Object.fromEntries(Object.entries(contractFields(o)).map(([k, v]) => [k, canonical(v)])),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const links: Record<string, string[]> = {};
  const services = manifests.filter((o) => o.kind === 'Service');
  for (const sm of manifests.filter((o) => o.kind === 'ServiceMonitor')) {
    const namespaces: string[] = sm.spec?.namespaceSelector?.matchNames ?? [sm.metadata?.namespace];
    const ports = (sm.spec?.endpoints ?? []).map((e: Obj) => e.port);
    links[contractId(sm)] = services
      .filter((s) => namespaces.includes(s.metadata?.namespace) && selects(sm.spec?.selector, s.metadata?.labels))
      .filter((s) => (s.spec?.ports ?? []).some((p: Obj) => ports.includes(p.name)))
      .map(contractId)
      .sort();
  }
  return { objects, links };
}

const IMMUTABLE: Readonly<Record<string, string>> = {
  'spec.selector': 'is immutable on a live Deployment: kubectl apply would fail',
  roleRef: 'is immutable: kubectl apply would fail (the binding must be deleted and recreated)',
  'spec.scope': 'of a CRD cannot change',
  'spec.group': 'of a CRD cannot change',
  'spec.names.kind': 'of a CRD cannot change without breaking every stored object',
  'spec.names.plural': 'of a CRD is its name and cannot change',
  'spec.clusterIP': 'is immutable on a live Service',
};

/** What in `current` would break an upgrade from `previous`. */
export function compareContracts(previous: ReleaseContract, current: ReleaseContract): Breakage[] {
  const breakages: Breakage[] = [];
  const now = new Map(current.objects.map((o) => [o.id, o]));
  for (const before of previous.objects) {
    const after = now.get(before.id);
    if (!after) continue;
    for (const [field, value] of Object.entries(before.fields)) {
      if (after.fields[field] === undefined || after.fields[field] === value) continue;
      const kind = before.id.split(' ')[0].split('/')[1];
      if (field === 'spec.selector' && kind === 'Service') {
        breakages.push({ id: before.id, message: `spec.selector changed from ${value} to ${after.fields[field]}: the Service would stop reaching its old pods during the rollout` });
      } else if (field === 'spec.ports[].name') {
        const lost = (JSON.parse(value) as string[]).filter((n) => !(JSON.parse(after.fields[field]) as string[]).includes(n));
        if (lost.length > 0) breakages.push({ id: before.id, message: `port names ${lost.join(', ')} disappeared: ServiceMonitors and peers address ports by name` });
      } else if (field === 'jobLabel') {
        breakages.push({ id: before.id, message: `jobLabel changed from ${value} to ${after.fields[field]}: the Prometheus job of its targets changes, alerts and dashboards lose their history` });
      } else if (IMMUTABLE[field]) {
        breakages.push({ id: before.id, message: `${field} changed from ${value} to ${after.fields[field]}: it ${IMMUTABLE[field]}` });
      }
    }
  }
  for (const [sm, services] of Object.entries(previous.links)) {
    const nowServices = current.links[sm];
    if (nowServices === undefined) continue;
    for (const service of services) {
      if (!nowServices.includes(service)) {
        breakages.push({ id: sm, message: `no longer scrapes ${service}${now.has(service) ? '' : ' (renamed or removed)'}: its targets and their alert history are lost` });
      }
    }
  }
  for (const before of previous.objects) {
    if (now.has(before.id)) continue;
    const kind = before.id.split(' ')[0].split('/')[1];
    if (['Service', 'ServiceAccount', 'CustomResourceDefinition', 'Namespace'].includes(kind)) {
      breakages.push({ id: before.id, message: `was removed or renamed: ${kind === 'CustomResourceDefinition' ? 'pruning it deletes every custom resource of its kind' : kind === 'Namespace' ? 'pruning it deletes everything in it' : 'peers address it by name'}` });
    }
  }
  return breakages;
}
