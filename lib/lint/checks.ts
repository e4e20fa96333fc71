/**
 * Checks over rendered manifests, shared by render-time tests, property tests and the `lint` command.
 * Each returns findings; an empty list means the check passed.
 */
export interface Finding {
  /** Check that failed, e.g. `pod-security`. */
  readonly check: string;
  /** `Kind/namespace/name` of the object. */
  readonly object: string;
  readonly message: string;
}

// Manifests are untyped here: they may come from any YAML file.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

/**
 * Hand-edited YAML may hold anything where a list or a map is expected (the schema check reports
 * it); these keep the other checks from tripping over it.
 */
function list(x: unknown): Obj[] {
  return Array.isArray(x) ? x.filter((v) => typeof v === 'object' && v !== null) : [];
}
function strings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : [];
}
function map(x: unknown): Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Record<string, unknown>) : {};
}

export function objectLabel(o: Obj): string {
  return `${o?.kind ?? '?'}/${o?.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o?.metadata?.name ?? '?'}`;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** The pod template of a workload (or the pod itself), with its path. */
export function podTemplateOf(o: Obj): { metadata: Obj; spec: Obj } | undefined {
  const t = WORKLOAD_KINDS.has(o?.kind) ? o.spec?.template : o?.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o?.kind === 'Pod' ? o : undefined;
  if (typeof t !== 'object' || t === null) return undefined;
  return { metadata: map(t.metadata), spec: map(t.spec) };
}

/** Whether labels satisfy a LabelSelector (matchLabels and matchExpressions). */
export function selectorMatches(selector: Obj, labels: Record<string, string> | undefined): boolean {
  const l = map(labels) as Record<string, string>;
  for (const [k, v] of Object.entries(map(selector?.matchLabels))) if (l[k] !== v) return false;
  for (const e of list(selector?.matchExpressions)) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    const values = strings(e.values);
    if (e.operator === 'In' && !(has && values.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A Service's plain `spec.selector` map as a LabelSelector. */
function serviceSelects(service: Obj, labels: Record<string, string> | undefined): boolean {
  const selector = map(service.spec?.selector);
  if (Object.keys(selector).length === 0) return false;
  return selectorMatches({ matchLabels: selector }, labels);
}

/** A LabelSelector without requirements (or none at all): it selects everything, or nothing. */
function selectorIsEmpty(selector: unknown): boolean {
  const s = map(selector);
  return Object.keys(map(s.matchLabels)).length === 0 && list(s.matchExpressions).length === 0;
}

/** Deployment-like selectors must select their own pod template. */
export function checkWorkloadSelectors(objects: readonly Obj[]): Finding[] {
  const findings: Finding[] = [];
  for (const o of objects) {
    if (!WORKLOAD_KINDS.has(o.kind) || o.kind === 'Job') continue;
    const selector = o.spec?.selector;
    if (selectorIsEmpty(selector)) {
      findings.push({ check: 'workload-selector', object: objectLabel(o), message: 'has an empty selector' });
    } else if (!selectorMatches(selector, o.spec?.template?.metadata?.labels)) {
      findings.push({ check: 'workload-selector', object: objectLabel(o), message: 'selector does not match its pod template labels' });
    }
  }
  return findings;
}

/** Every Service selects at least one pod template in its namespace, and its named target ports exist on each selected pod. */
export function checkServices(objects: readonly Obj[]): Finding[] {
  const findings: Finding[] = [];
  const pods = objects.flatMap((o) => {
    const t = podTemplateOf(o);
    return t ? [{ owner: o, namespace: o.metadata?.namespace, template: t }] : [];
  });
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    if (service.spec?.type === 'ExternalName' || !service.spec?.selector) continue;
    const selected = pods.filter((p) => p.namespace === service.metadata?.namespace && serviceSelects(service, p.template.metadata?.labels));
    if (selected.length === 0) {
      findings.push({ check: 'service-selector', object: objectLabel(service), message: 'selects no pods of the rendered workloads' });
      continue;
    }
    if (selected.length > 1) {
      findings.push({ check: 'service-selector', object: objectLabel(service), message: `selects the pods of several workloads: ${selected.map((p) => objectLabel(p.owner)).join(', ')}` });
    }
    for (const port of list(service.spec?.ports)) {
      const target = port.targetPort ?? port.port;
      for (const p of selected) {
        const containerPorts = list(p.template.spec?.containers).flatMap((c: Obj) => list(c.ports));
        const ok = typeof target === 'string' ? containerPorts.some((cp: Obj) => cp.name === target) : containerPorts.some((cp: Obj) => cp.containerPort === target);
        if (!ok) findings.push({ check: 'service-target-port', object: objectLabel(service), message: `port ${port.name ?? port.port}: target port ${JSON.stringify(target)} is not a container port of ${objectLabel(p.owner)}` });
      }
    }
  }
  return findings;
}

/** Every ServiceMonitor selects at least one Service that has each endpoint's port name, in a namespace it watches. */
export function checkServiceMonitors(objects: readonly Obj[]): Finding[] {
  const findings: Finding[] = [];
  const services = objects.filter((o) => o.kind === 'Service');
  for (const sm of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const ns = sm.spec?.namespaceSelector;
    const namespaces: string[] | 'any' = ns?.any ? 'any' : Array.isArray(ns?.matchNames) ? strings(ns.matchNames) : [sm.metadata?.namespace];
    const selected = services.filter(
      (s) => (namespaces === 'any' || namespaces.includes(s.metadata?.namespace)) && selectorMatches(sm.spec?.selector ?? {}, s.metadata?.labels),
    );
    if (selected.length === 0) {
      findings.push({ check: 'servicemonitor-selector', object: objectLabel(sm), message: 'selects no rendered Service' });
      continue;
    }
    for (const endpoint of list(sm.spec?.endpoints)) {
      if (endpoint.port && !selected.some((s) => list(s.spec?.ports).some((p: Obj) => p.name === endpoint.port))) {
        findings.push({ check: 'servicemonitor-port', object: objectLabel(sm), message: `no selected Service has a port named ${JSON.stringify(endpoint.port)}` });
      }
    }
    if (typeof sm.spec?.jobLabel === 'string' && selected.some((s) => map(s.metadata?.labels)[sm.spec.jobLabel] === undefined)) {
      findings.push({ check: 'servicemonitor-job-label', object: objectLabel(sm), message: `a selected Service lacks the jobLabel ${sm.spec.jobLabel}` });
    }
  }
  return findings;
}

const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

/** Pod Security Standard "restricted" (v1.28), plus a read-only root filesystem and explicit resources. */
export function checkPodSecurity(objects: readonly Obj[]): Finding[] {
  const findings: Finding[] = [];
  for (const o of objects) {
    const template = podTemplateOf(o);
    if (!template) continue;
    const spec = template.spec;
    const psc = map(spec.securityContext);
    const add = (message: string) => findings.push({ check: 'pod-security', object: objectLabel(o), message });
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) add('uses host namespaces');
    for (const v of list(spec.volumes)) {
      const type = Object.keys(v).find((k) => k !== 'name');
      if (!type || !ALLOWED_VOLUME_TYPES.has(type)) add(`volume ${v.name} has a disallowed type ${type}`);
    }
    if (psc.runAsUser === 0) add('pod runs as uid 0');
    for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
      const sc = map(c.securityContext) as Obj;
      const where = `container ${c.name}`;
      if (sc.privileged) add(`${where} is privileged`);
      if (sc.allowPrivilegeEscalation !== false) add(`${where} does not set allowPrivilegeEscalation: false`);
      if (!(sc.runAsNonRoot ?? psc.runAsNonRoot)) add(`${where} does not run as non-root`);
      if (sc.runAsUser === 0) add(`${where} runs as uid 0`);
      const seccomp = (sc.seccompProfile ?? (psc as Obj).seccompProfile)?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') add(`${where} has no RuntimeDefault seccomp profile`);
      if (!strings(sc.capabilities?.drop).includes('ALL')) add(`${where} does not drop ALL capabilities`);
      for (const cap of strings(sc.capabilities?.add)) if (cap !== 'NET_BIND_SERVICE') add(`${where} adds capability ${cap}`);
      if (sc.readOnlyRootFilesystem !== true) add(`${where} has a writable root filesystem`);
      for (const p of list(c.ports)) if (p.hostPort) add(`${where} uses hostPort ${p.hostPort}`);
      const r = map(c.resources) as Obj;
      if (!r.requests?.cpu || !r.requests?.memory || !r.limits?.memory) add(`${where} lacks explicit cpu/memory requests or a memory limit`);
    }
  }
  return findings;
}

/** No RBAC rule grants a wildcard. */
export function checkRbac(objects: readonly Obj[]): Finding[] {
  const findings: Finding[] = [];
  for (const o of objects.filter((x) => x.kind === 'Role' || x.kind === 'ClusterRole')) {
    (Array.isArray(o.rules) ? o.rules : []).forEach((rule: Obj, i: number) => {
      for (const field of ['apiGroups', 'resources', 'verbs', 'nonResourceURLs', 'resourceNames']) {
        if (strings(rule?.[field]).some((v) => v.includes('*'))) {
          findings.push({ check: 'rbac-wildcard', object: objectLabel(o), message: `rules[${i}].${field} has a wildcard` });
        }
      }
    });
    if (o.aggregationRule) findings.push({ check: 'rbac-wildcard', object: objectLabel(o), message: 'uses an aggregationRule (grants are not visible here)' });
  }
  return findings;
}

const SECRET_NAME = /(PASSWORD|PASSWD|TOKEN|SECRET|PRIVATE_?KEY|API_?KEY|CREDENTIAL)/i;

/** No Secret data, no credential-looking literal environment values. */
export function checkNoSecrets(objects: readonly Obj[]): Finding[] {
  const findings: Finding[] = [];
  for (const o of objects) {
    if (o.kind === 'Secret' && (Object.keys(map(o.data)).length > 0 || Object.keys(map(o.stringData)).length > 0)) {
      findings.push({ check: 'no-secrets', object: objectLabel(o), message: 'carries Secret data in plain YAML' });
    }
    const template = podTemplateOf(o);
    for (const c of [...list(template?.spec?.initContainers), ...list(template?.spec?.containers)]) {
      for (const e of list(c.env)) {
        if (e.value !== undefined && SECRET_NAME.test(String(e.name))) {
          findings.push({ check: 'no-secrets', object: objectLabel(o), message: `container ${c.name} sets ${e.name} to a literal value` });
        }
      }
    }
  }
  return findings;
}

/** Each object appears once (same kind, namespace and name twice means one silently overwrites the other). */
export function checkUnique(objects: readonly Obj[]): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const o of objects) {
    const id = `${String(o.apiVersion).split('/').slice(0, -1).join('/')}|${objectLabel(o)}`;
    if (seen.has(id)) findings.push({ check: 'unique', object: objectLabel(o), message: 'appears more than once' });
    seen.add(id);
  }
  return findings;
}


/** NetworkPolicy rules that admit everything: no peers at all, or a peer with an empty namespace selector. */
export function checkNetworkPolicies(objects: readonly Obj[]): Finding[] {
  const findings: Finding[] = [];
  for (const o of objects.filter((x) => x.kind === 'NetworkPolicy')) {
    for (const [direction, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
      list(o.spec?.[direction]).forEach((rule, i) => {
        const peers = list(rule[peersKey]);
        if (peers.length === 0) {
          findings.push({ check: 'network-policy', object: objectLabel(o), message: `${direction}[${i}] has no ${peersKey}: it admits every ${direction === 'ingress' ? 'source' : 'destination'}` });
        }
        peers.forEach((peer, j) => {
          if (peer.namespaceSelector !== undefined && selectorIsEmpty(peer.namespaceSelector)) {
            findings.push({ check: 'network-policy', object: objectLabel(o), message: `${direction}[${i}].${peersKey}[${j}].namespaceSelector is empty: it admits every namespace` });
          }
        });
      });
    }
  }
  return findings;
}

/** The number a PodDisruptionBudget field asks for out of `replicas` pods (a percentage rounds up, as Kubernetes does). */
function budgetCount(value: unknown, replicas: number): number | undefined {
  if (typeof value === 'number') return value;
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return percent ? Math.ceil((Number(percent[1]) * replicas) / 100) : undefined;
}

/** A PodDisruptionBudget must let at least one pod of each workload it covers be evicted, or node drains hang. */
export function checkDisruptionBudgets(objects: readonly Obj[]): Finding[] {
  const findings: Finding[] = [];
  const workloads = objects.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet' || x.kind === 'ReplicaSet');
  for (const pdb of objects.filter((x) => x.kind === 'PodDisruptionBudget')) {
    if (selectorIsEmpty(pdb.spec?.selector)) continue; // an empty selector covers no pods (policy/v1)
    for (const w of workloads) {
      if ((w.metadata?.namespace ?? '') !== (pdb.metadata?.namespace ?? '')) continue;
      if (!selectorMatches(pdb.spec.selector, podTemplateOf(w)?.metadata?.labels)) continue;
      const replicas = typeof w.spec?.replicas === 'number' ? w.spec.replicas : 1;
      if (replicas === 0) continue;
      const minAvailable = budgetCount(pdb.spec?.minAvailable, replicas);
      const maxUnavailable = budgetCount(pdb.spec?.maxUnavailable, replicas);
      if ((minAvailable !== undefined && minAvailable >= replicas) || maxUnavailable === 0) {
        const field = minAvailable !== undefined ? `minAvailable ${JSON.stringify(pdb.spec.minAvailable)}` : `maxUnavailable ${JSON.stringify(pdb.spec.maxUnavailable)}`;
        findings.push({ check: 'disruption-budget', object: objectLabel(pdb), message: `${field} with ${replicas} replicas of ${objectLabel(w)}: no pod can be evicted, node drains would hang` });
      }
    }
  }
  return findings;
}
