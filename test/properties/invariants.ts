/**
 * The rendering invariants, written out here independently of lib/lint so that a bug in lint
 * cannot hide a bug in rendering. Each returns a list of violations (empty: holds).
 */
type Obj = any;

const id = (o: Obj) => `${o.kind}/${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;

function subsetOf(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

function podTemplates(objects: readonly Obj[]): { owner: Obj; template: Obj }[] {
  return objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind)).map((owner) => ({ owner, template: owner.spec.template }));
}

/** Each Deployment's selector: matchLabels only (what the toolkit renders), non-empty, a subset of its pod labels. */
export function deploymentSelectors(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const sel = d.spec?.selector;
    if (!sel?.matchLabels || Object.keys(sel.matchLabels).length === 0) out.push(`${id(d)}: empty selector`);
    if (sel?.matchExpressions) out.push(`${id(d)}: unexpected matchExpressions`);
    if (!subsetOf(sel?.matchLabels, d.spec?.template?.metadata?.labels)) out.push(`${id(d)}: selector does not match its pod template`);
  }
  // No two Deployments' selectors overlap (each would adopt the other's pods).
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  for (const a of deployments) {
    for (const b of deployments) {
      if (a !== b && a.metadata.namespace === b.metadata.namespace && subsetOf(a.spec.selector.matchLabels, b.spec.template.metadata.labels)) {
        out.push(`${id(a)}: selector also matches the pods of ${id(b)}`);
      }
    }
  }
  return out;
}

/** Each Service selects the pods of exactly one workload, and each target port exists by name on its container. */
export function servicesSelectTheirPods(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  const pods = podTemplates(objects);
  for (const s of objects.filter((o) => o.kind === 'Service')) {
    const selector = s.spec?.selector ?? {};
    if (Object.keys(selector).length === 0) {
      out.push(`${id(s)}: no selector`);
      continue;
    }
    const selected = pods.filter((p) => p.owner.metadata.namespace === s.metadata.namespace && subsetOf(selector, p.template.metadata?.labels));
    if (selected.length !== 1) {
      out.push(`${id(s)}: selects ${selected.length} workloads (${selected.map((p) => id(p.owner)).join(', ')})`);
      continue;
    }
    const containerPorts = selected[0].template.spec.containers.flatMap((c: Obj) => c.ports ?? []);
    const names = new Set<string>();
    for (const port of s.spec.ports ?? []) {
      if (names.has(port.name)) out.push(`${id(s)}: port name ${port.name} twice`);
      names.add(port.name);
      if (typeof port.targetPort !== 'string') {
        out.push(`${id(s)}: port ${port.name} targets ${JSON.stringify(port.targetPort)}, not a named port`);
      } else if (!containerPorts.some((cp: Obj) => cp.name === port.targetPort)) {
        out.push(`${id(s)}: target port ${port.targetPort} is not a container port of ${id(selected[0].owner)}`);
      }
    }
    const numbers = (s.spec.ports ?? []).map((p: Obj) => `${p.port}/${p.protocol ?? 'TCP'}`);
    if (new Set(numbers).size !== numbers.length) out.push(`${id(s)}: duplicate port numbers ${numbers.join(', ')}`);
  }
  return out;
}

/** Container ports have unique names and numbers; probes address ports that exist. */
export function containerPorts(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const { owner, template } of podTemplates(objects)) {
    for (const c of template.spec.containers) {
      const ports = c.ports ?? [];
      const names = ports.map((p: Obj) => p.name);
      const numbers = ports.map((p: Obj) => p.containerPort);
      if (new Set(names).size !== names.length) out.push(`${id(owner)}: container ${c.name} repeats a port name`);
      if (new Set(numbers).size !== numbers.length) out.push(`${id(owner)}: container ${c.name} repeats a port number`);
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe].filter(Boolean)) {
        const port = probe.httpGet?.port;
        const ok = typeof port === 'string' ? names.includes(port) : numbers.includes(port);
        if (!ok) out.push(`${id(owner)}: container ${c.name} probes port ${JSON.stringify(port)}, which it does not declare`);
      }
    }
  }
  return out;
}

/** Each ServiceMonitor selects at least one Service in its namespaces that has its endpoints' port names. */
export function serviceMonitorsSelectServices(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  const services = objects.filter((o) => o.kind === 'Service');
  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const namespaces: string[] = sm.spec.namespaceSelector?.matchNames ?? [sm.metadata.namespace];
    if (sm.spec.namespaceSelector?.any) out.push(`${id(sm)}: watches every namespace`);
    if (sm.spec.selector?.matchExpressions) out.push(`${id(sm)}: unexpected matchExpressions`);
    const selected = services.filter((s) => namespaces.includes(s.metadata.namespace) && subsetOf(sm.spec.selector?.matchLabels, s.metadata.labels));
    if (selected.length === 0) out.push(`${id(sm)}: selects no Service`);
    for (const ep of sm.spec.endpoints ?? []) {
      for (const s of selected) {
        if (!(s.spec.ports ?? []).some((p: Obj) => p.name === ep.port)) out.push(`${id(sm)}: selected ${id(s)} has no port named ${ep.port}`);
      }
      if (ep.scheme === 'https' && !ep.tlsConfig) out.push(`${id(sm)}: https without tlsConfig`);
      if (ep.scheme !== 'https' && ep.tlsConfig) out.push(`${id(sm)}: tlsConfig on a plain HTTP endpoint`);
    }
    if (sm.spec.jobLabel && selected.some((s) => !s.metadata.labels?.[sm.spec.jobLabel])) out.push(`${id(sm)}: a selected Service lacks the job label`);
  }
  return out;
}

const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

function containerSecurityProblems(where: string, sc: Obj, psc: Obj): string[] {
  const out: string[] = [];
  if (sc?.privileged === true) out.push(`${where}: privileged`);
  if (sc?.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
  if ((sc?.runAsNonRoot ?? psc?.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot is not true`);
  if ((sc?.runAsUser ?? psc?.runAsUser) === 0) out.push(`${where}: runs as uid 0`);
  const seccomp = (sc?.seccompProfile ?? psc?.seccompProfile)?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push(`${where}: seccomp ${seccomp}`);
  const drop: string[] = sc?.capabilities?.drop ?? [];
  if (!drop.includes('ALL')) out.push(`${where}: does not drop ALL capabilities`);
  for (const cap of sc?.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`${where}: adds ${cap}`);
  return out;
}

/** Pod Security Standard "restricted" (v1.28) for every pod template, and for the Provider custom resources' runtime. */
export function podSecurityRestricted(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const { owner, template } of podTemplates(objects)) {
    const spec = template.spec;
    for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f]) out.push(`${id(owner)}: ${f}`);
    if (spec.securityContext?.sysctls?.length) out.push(`${id(owner)}: sysctls`);
    for (const v of spec.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== 'name');
      if (!type || !RESTRICTED_VOLUMES.has(type)) out.push(`${id(owner)}: volume ${v.name} of type ${type}`);
    }
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      out.push(...containerSecurityProblems(`${id(owner)} container ${c.name}`, c.securityContext, spec.securityContext));
      if (c.securityContext?.readOnlyRootFilesystem !== true) out.push(`${id(owner)} container ${c.name}: writable root filesystem`);
      for (const p of c.ports ?? []) if (p.hostPort) out.push(`${id(owner)} container ${c.name}: hostPort`);
    }
  }
  for (const p of objects.filter((o) => o.kind === 'Provider')) {
    out.push(...containerSecurityProblems(`${id(p)} runtime`, p.spec.runtime?.securityContext, undefined));
  }
  return out;
}

/** No RBAC rule holds a wildcard, and no ClusterRole aggregates others. */
export function rbacWithoutWildcards(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const r of objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')) {
    if (r.aggregationRule) out.push(`${id(r)}: aggregationRule`);
    (r.rules ?? []).forEach((rule: Obj, i: number) => {
      for (const [field, list] of Object.entries(rule)) {
        if (Array.isArray(list) && list.some((v) => String(v).includes('*'))) out.push(`${id(r)}: rules[${i}].${field} has a wildcard`);
      }
    });
  }
  return out;
}

/** No Secret objects, no Secret data, no literal values of credential-looking variables. */
export function noSecrets(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  for (const o of objects) {
    if (o.kind === 'Secret') out.push(`${id(o)}: a Secret`);
    if (o.data !== undefined && o.kind !== 'ConfigMap') out.push(`${id(o)}: has data`);
  }
  for (const { owner, template } of podTemplates(objects)) {
    for (const c of template.spec.containers) {
      for (const e of c.env ?? []) if (e.value !== undefined && /(PASSWORD|PASSWD|TOKEN|SECRET|PRIVATE_?KEY|API_?KEY|CREDENTIAL)/i.test(e.name)) out.push(`${id(owner)}: ${e.name} literal`);
    }
  }
  return out;
}

/** Each object (group, kind, namespace, name) appears once. */
export function unique(objects: readonly Obj[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const o of objects) {
    const key = `${String(o.apiVersion).split('/')[0]}|${id(o)}`;
    if (seen.has(key)) out.push(`${id(o)} twice`);
    seen.add(key);
  }
  return out;
}

export const INVARIANTS = {
  deploymentSelectors,
  servicesSelectTheirPods,
  containerPorts,
  serviceMonitorsSelectServices,
  podSecurityRestricted,
  rbacWithoutWildcards,
  noSecrets,
  unique,
} as const;
