import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  SchemaValidator,
  SchemaViolation,
  assertManifestsValid,
  createSchemaValidator,
  formatObjectRef,
  isNamespaced,
  knownKinds,
  objectRef,
  validateManifest,
} from '../../lib/schema/schema-validation';
import { vendoredCrdDocuments } from '../../lib/schema/crds';
import { CLUSTER_SCOPED_KINDS, KUBERNETES_RESOURCE_KINDS, loadKubernetesSchemas } from '../../lib/schema/kubernetes';
import { CORE_KINDS, compactStandaloneCode, generateValidators } from '../../lib/schema/precompile';

type Obj = Record<string, any>;

const NS = 'virtrigaud-system';
const LABELS = { 'app.kubernetes.io/name': 'virtrigaud', 'app.kubernetes.io/instance': 'vr' };

function deployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'vr-manager', namespace: NS, labels: LABELS },
    spec: {
      replicas: 1,
      selector: { matchLabels: LABELS },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: LABELS },
        spec: {
          serviceAccountName: 'vr-manager',
          securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'manager',
              image: 'ghcr.io/projectbeskar/virtrigaud/manager:v0.3.11',
              imagePullPolicy: 'IfNotPresent',
              args: ['--leader-elect'],
              ports: [
                { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
                { name: 'health', containerPort: 8081 },
              ],
              livenessProbe: { httpGet: { path: '/healthz', port: 'health' } },
              readinessProbe: { httpGet: { path: '/readyz', port: 8081 } },
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

const service = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'vr-manager', namespace: NS, labels: LABELS },
  spec: { selector: LABELS, ports: [{ name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' }] },
});
const configMap = (): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'vr-dashboard', namespace: NS, labels: { grafana_dashboard: '1' } },
  data: { 'virtrigaud.json': '{"panels":[]}' },
});
const networkPolicy = (): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'vr-manager', namespace: NS },
  spec: {
    podSelector: { matchLabels: LABELS },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ port: 8080, protocol: 'TCP' }, { port: 'health' }] }],
  },
});
const pdb = (): Obj => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'vr-manager', namespace: NS },
  spec: { minAvailable: 1, selector: { matchLabels: LABELS } },
});
const clusterRole = (): Obj => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'vr-manager', labels: LABELS },
  rules: [
    { apiGroups: ['infra.virtrigaud.io'], resources: ['virtualmachines', 'virtualmachines/status'], verbs: ['get', 'list', 'watch'] },
    { nonResourceURLs: ['/metrics'], verbs: ['get'] },
  ],
});
const serviceMonitor = (): Obj => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'virtrigaud-manager', namespace: NS, labels: { release: 'kube-prometheus-stack' } },
  spec: {
    jobLabel: 'virtrigaud.io/job',
    selector: { matchLabels: LABELS },
    namespaceSelector: { matchNames: [NS] },
    endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }],
  },
});
const prometheusRule = (): Obj => ({
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'virtrigaud-alerts', namespace: NS },
  spec: {
    groups: [
      {
        name: 'virtrigaud',
        rules: [
          { record: 'provider:virtrigaud_vm_operations:rate5m', expr: 'sum by (provider) (rate(virtrigaud_vm_operations_total[5m]))' },
          { alert: 'VirtRigaudManagerDown', expr: 'absent(up{job="virtrigaud-manager"} == 1)', for: '5m', labels: { severity: 'critical' }, annotations: { summary: 'The manager is down.' } },
        ],
      },
    ],
  },
});
const provider = (): Obj => ({
  apiVersion: 'infra.virtrigaud.io/v1beta1',
  kind: 'Provider',
  metadata: { name: 'vsphere-prod', namespace: NS },
  spec: {
    type: 'vsphere',
    endpoint: 'https://vcenter.example.com/sdk',
    credentialSecretRef: { name: 'vsphere-credentials' },
    runtime: {
      image: 'ghcr.io/projectbeskar/virtrigaud/provider-vsphere:v0.3.11',
      replicas: 2,
      service: { port: 9443, tls: { enabled: true } },
      resources: { requests: { cpu: '100m', memory: '128Mi' } },
    },
    healthCheck: { enabled: true, interval: '30s' },
  },
});

const virtrigaudCrds = (): Obj[] =>
  (vendoredCrdDocuments() as Obj[]).filter((c) => c.spec.group === 'infra.virtrigaud.io');

const paths = (vs: readonly SchemaViolation[]): string[] => vs.map((v) => v.path);
const find = (vs: readonly SchemaViolation[], path: string): SchemaViolation | undefined => vs.find((v) => v.path === path);

// The generated validators of the precompiled path, built once into a temporary folder.
let generatedDir: string;
beforeAll(() => {
  generatedDir = mkdtempSync(join(tmpdir(), 'virtrigaud-validators-'));
  generateValidators({ outDir: generatedDir, coreKinds: [...CORE_KINDS, 'infra.virtrigaud.io/v1beta1 Provider'], otherCustomKinds: false });
});
afterAll(() => {
  if (generatedDir) rmSync(generatedDir, { recursive: true, force: true });
});

const paths_: Array<[string, () => SchemaValidator]> = [
  ['run-time compilation', () => createSchemaValidator({ precompiledDir: false })],
  ['precompiled validators', () => createSchemaValidator({ precompiledDir: generatedDir })],
];

describe.each(paths_)('validation through %s', (label, make) => {
  let v: SchemaValidator;
  beforeAll(() => {
    v = make();
  });

  test('uses the expected path', () => {
    const expected = label === 'precompiled validators' ? 'precompiled' : 'runtime';
    expect(v.usesPrecompiled).toBe(expected === 'precompiled');
    for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], ['monitoring.coreos.com/v1', 'ServiceMonitor'], ['infra.virtrigaud.io/v1beta1', 'Provider']]) {
      expect(v.validatorOrigin(apiVersion, kind)).toBe(expected);
    }
  });

  test('valid built-in objects pass', () => {
    for (const obj of [deployment(), service(), configMap(), networkPolicy(), pdb(), clusterRole()]) {
      expect({ kind: obj.kind, violations: v.validate(obj) }).toEqual({ kind: obj.kind, violations: [] });
    }
  });

  test('unknown fields are rejected with their path, at every depth', () => {
    const d = deployment();
    d.bogus = true;
    d.spec.replica = 2;
    d.spec.template.spec.containers[0].securityContext.runAsUsr = 1000;
    d.metadata.label = {};
    const vs = v.validate(d);
    expect(vs).toEqual(
      expect.arrayContaining([
        { path: 'bogus', message: 'unknown field "bogus"' },
        { path: 'spec.replica', message: 'unknown field "replica"' },
        { path: 'spec.template.spec.containers[0].securityContext.runAsUsr', message: 'unknown field "runAsUsr"' },
        { path: 'metadata.label', message: 'unknown field "label"' },
      ]),
    );
    expect(vs).toHaveLength(4);
  });

  test('maps stay maps: any label key and selector key is allowed', () => {
    const d = deployment();
    d.spec.template.metadata.labels['example.com/anything'] = 'x';
    d.spec.template.spec.nodeSelector = { 'kubernetes.io/os': 'linux' };
    expect(v.validate(d)).toEqual([]);
  });

  test('wrong types are rejected', () => {
    const d = deployment();
    d.spec.replicas = '2';
    d.spec.template.spec.containers[0].securityContext.runAsUser = '1000';
    d.spec.template.spec.containers[0].args = '--leader-elect';
    d.spec.template.spec.securityContext.runAsNonRoot = 'true';
    const vs = v.validate(d);
    expect(find(vs, 'spec.replicas')?.message).toBe('must be integer (got string "2")');
    expect(find(vs, 'spec.template.spec.containers[0].securityContext.runAsUser')?.message).toBe('must be integer (got string "1000")');
    expect(find(vs, 'spec.template.spec.containers[0].args')?.message).toMatch(/^must be array/);
    expect(find(vs, 'spec.template.spec.securityContext.runAsNonRoot')?.message).toMatch(/^must be boolean/);
    expect(vs).toHaveLength(4);
  });

  test('int32 bounds, enums and required fields', () => {
    const d = deployment();
    d.spec.template.spec.containers[0].ports[0].containerPort = 2 ** 31;
    d.spec.template.spec.containers[0].ports[1].protocol = 'HTTP';
    delete d.spec.template.spec.containers[0].name;
    delete d.spec.selector;
    const vs = v.validate(d);
    expect(find(vs, 'spec.template.spec.containers[0].ports[0].containerPort')?.message).toMatch(/^must be <= 2147483647/);
    expect(find(vs, 'spec.template.spec.containers[0].ports[1].protocol')?.message).toBe('must be one of "TCP", "UDP", "SCTP" (got string "HTTP")');
    expect(find(vs, 'spec.template.spec.containers[0].name')?.message).toBe('required field is missing');
    expect(find(vs, 'spec.selector')?.message).toBe('required field is missing');
  });

  test('quantities: 100m, 128Mi, 1.5, 2e3 and numbers pass; malformed strings fail', () => {
    for (const q of ['100m', '128Mi', '1.5', '2e3', '1Gi', 2, 0.5]) {
      const d = deployment();
      d.spec.template.spec.containers[0].resources.limits.memory = q;
      expect({ q, vs: v.validate(d) }).toEqual({ q, vs: [] });
    }
    for (const q of ['12 MB', '1Mb', '', 'lots', '128MiB']) {
      const d = deployment();
      d.spec.template.spec.containers[0].resources.limits.memory = q;
      expect(v.validate(d)).toEqual([
        {
          path: 'spec.template.spec.containers[0].resources.limits.memory',
          message: `must be a Kubernetes quantity such as "100m", "128Mi" or "1.5" (got string ${JSON.stringify(q)})`,
        },
      ]);
    }
    const d = deployment();
    d.spec.template.spec.containers[0].resources.requests.cpu = true;
    expect(v.validate(d)).toEqual([
      { path: 'spec.template.spec.containers[0].resources.requests.cpu', message: 'must be string or number (got boolean true)' },
    ]);
  });

  test('IntOrString accepts an integer and a string, nothing else', () => {
    const s = service();
    s.spec.ports[0].targetPort = 8080;
    expect(v.validate(s)).toEqual([]);
    s.spec.ports[0].targetPort = 'metrics';
    expect(v.validate(s)).toEqual([]);
    const p = pdb();
    p.spec.minAvailable = '50%';
    expect(v.validate(p)).toEqual([]);
    p.spec.minAvailable = 1.5;
    expect(v.validate(p)).toEqual([{ path: 'spec.minAvailable', message: 'must be integer or string (got number 1.5)' }]);
    s.spec.ports[0].targetPort = { port: 1 };
    expect(paths(v.validate(s))).toEqual(['spec.ports[0].targetPort']);
  });

  test('metav1.Time, base64 data and null fields', () => {
    const cm = configMap();
    cm.metadata.creationTimestamp = '2024-01-31T12:00:00Z';
    expect(v.validate(cm)).toEqual([]);
    cm.metadata.creationTimestamp = null; // as kubectl writes it: treated as absent
    expect(v.validate(cm)).toEqual([]);
    cm.metadata.creationTimestamp = 'yesterday';
    expect(find(v.validate(cm), 'metadata.creationTimestamp')?.message).toMatch(/^must be an RFC 3339 date-time/);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: NS }, data: { 'tls.crt': 'aGVsbG8=' } };
    expect(v.validate(secret)).toEqual([]);
    (secret.data as Record<string, string>)['tls.key'] = 'not base64!';
    expect(v.validate(secret)).toEqual([{ path: 'data["tls.key"]', message: 'must be base64-encoded data (got string "not base64!")' }]);
  });

  test('names: DNS-1123 subdomains, DNS-1035 for Services, path segments for RBAC', () => {
    const cm = configMap();
    delete cm.metadata.name;
    expect(v.validate(cm)).toEqual([{ path: 'metadata.name', message: 'required field is missing' }]);
    cm.metadata.name = 'Bad_Name';
    expect(find(v.validate(cm), 'metadata.name')?.message).toMatch(/^must be a DNS-1123 subdomain/);
    cm.metadata.name = 'a'.repeat(254);
    expect(find(v.validate(cm), 'metadata.name')?.message).toMatch(/no more than 253 characters/);
    cm.metadata.name = 'grafana.dashboards-1';
    expect(v.validate(cm)).toEqual([]);
    const s = service();
    s.metadata.name = 'vr.manager';
    expect(find(v.validate(s), 'metadata.name')?.message).toMatch(/^must be a DNS-1035 label/);
    const cr = clusterRole();
    cr.metadata.name = 'system:virtrigaud:metrics-reader';
    expect(v.validate(cr)).toEqual([]);
    cr.metadata.name = 'a/b';
    expect(find(v.validate(cr), 'metadata.name')?.message).toMatch(/may not contain/);
  });

  test('namespace: rejected on cluster-scoped kinds, optional on namespaced ones', () => {
    const cr = clusterRole();
    cr.metadata.namespace = NS;
    expect(v.validate(cr)).toEqual([{ path: 'metadata.namespace', message: `must be absent: ClusterRole is cluster-scoped (got "${NS}")` }]);
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, namespace: NS } };
    expect(paths(v.validate(ns))).toEqual(['metadata.namespace']);
    const crd = { ...virtrigaudCrds()[0], metadata: { ...virtrigaudCrds()[0].metadata, namespace: NS } };
    expect(paths(v.validate(crd))).toEqual(['metadata.namespace']);
    const d = deployment();
    delete d.metadata.namespace;
    expect(v.validate(d)).toEqual([]);
    d.metadata.namespace = 'Not_A_Label';
    expect(paths(v.validate(d))).toEqual(['metadata.namespace']);
  });

  test('label keys and values are checked', () => {
    const cm = configMap();
    cm.metadata.labels = { 'app.kubernetes.io/version': 'ghcr.io/x:v1', 'bad key!': 'x', ok: '' };
    const vs = v.validate(cm);
    expect(find(vs, 'metadata.labels["app.kubernetes.io/version"]')?.message).toMatch(/^label value must be empty or consist/);
    expect(find(vs, 'metadata.labels["bad key!"]')?.message).toMatch(/^invalid label key name part/);
    expect(vs).toHaveLength(2);
  });

  test('all 10 vendored VirtRigaud CRDs (and the Prometheus Operator ones) pass as CustomResourceDefinition', () => {
    const crds = virtrigaudCrds();
    expect(crds).toHaveLength(10);
    for (const crd of vendoredCrdDocuments() as Obj[]) {
      expect({ crd: crd.metadata.name, vs: v.validate(crd) }).toEqual({ crd: crd.metadata.name, vs: [] });
    }
  });

  test('a broken CRD is rejected where it is broken', () => {
    const crd = JSON.parse(JSON.stringify(virtrigaudCrds()[0])) as Obj;
    const specSchema = crd.spec.versions[0].schema.openAPIV3Schema.properties.spec;
    specSchema['x-kubernetes-preserve-unknown-field'] = true; // typo of a real marker
    specSchema.properties.endpoint.maxLength = 'long';
    crd.spec.scope = 'Global';
    crd.metadata.name = 'providers.example.com';
    const vs = v.validate(crd);
    const base = 'spec.versions[0].schema.openAPIV3Schema.properties.spec';
    expect(vs).toEqual(
      expect.arrayContaining([
        { path: `${base}.x-kubernetes-preserve-unknown-field`, message: 'unknown field "x-kubernetes-preserve-unknown-field"' },
        { path: `${base}.properties.endpoint.maxLength`, message: 'must be integer (got string "long")' },
        { path: 'spec.scope', message: 'must be one of "Cluster", "Namespaced" (got string "Global")' },
        { path: 'metadata.name', message: 'must be "<spec.names.plural>.<spec.group>" = "providers.infra.virtrigaud.io" (got "providers.example.com")' },
      ]),
    );
    expect(vs).toHaveLength(4);
  });

  test('ServiceMonitor: valid passes, unknown field and wrong type fail', () => {
    expect(v.validate(serviceMonitor())).toEqual([]);
    const sm = serviceMonitor();
    sm.spec.endpoints[0].intervall = '5s';
    sm.spec.endpoints[0].port = 8080;
    sm.metadata.labels.release = 1;
    expect(v.validate(sm)).toEqual(
      expect.arrayContaining([
        { path: 'spec.endpoints[0].intervall', message: 'unknown field "intervall"' },
        { path: 'spec.endpoints[0].port', message: 'must be string (got integer 8080)' },
        { path: 'metadata.labels.release', message: 'must be string (got integer 1)' },
      ]),
    );
    expect(v.validate(sm)).toHaveLength(3);
  });

  test('PrometheusRule: valid passes; Go (?i) patterns work; errors are precise', () => {
    expect(v.validate(prometheusRule())).toEqual([]);
    const pr = prometheusRule();
    pr.spec.groups[0].partial_response_strategy = 'ABORT'; // pattern ^(?i)(abort|warn)?$
    expect(v.validate(pr)).toEqual([]);
    pr.spec.groups[0].partial_response_strategy = 'nope';
    pr.spec.groups[0].rules[1].for = 5;
    pr.spec.groups[0].alerts = [];
    expect(v.validate(pr)).toEqual(
      expect.arrayContaining([
        { path: 'spec.groups[0].partial_response_strategy', message: 'must match the pattern ^(?i)(abort|warn)?$ (got string "nope")' },
        { path: 'spec.groups[0].rules[1].for', message: 'must be string (got integer 5)' },
        { path: 'spec.groups[0].alerts', message: 'unknown field "alerts"' },
      ]),
    );
    delete pr.spec.groups[0].rules[0].expr;
    expect(find(v.validate(pr), 'spec.groups[0].rules[0].expr')?.message).toBe('required field is missing');
  });

  test('VirtRigaud Provider: valid passes, invalid fails', () => {
    expect(v.validate(provider())).toEqual([]);
    const p = provider();
    p.spec.type = 'hyperv';
    p.spec.runtime.replicas = 11;
    p.spec.endpoint = 'ftp://vcenter';
    delete p.spec.credentialSecretRef;
    p.spec.runtime.sidecars = [];
    const vs = v.validate(p);
    expect(find(vs, 'spec.type')?.message).toMatch(/^must be one of "vsphere", "libvirt"/);
    expect(find(vs, 'spec.runtime.replicas')?.message).toBe('must be <= 10 (got integer 11)');
    expect(find(vs, 'spec.endpoint')?.message).toMatch(/^must match the pattern/);
    expect(find(vs, 'spec.credentialSecretRef')?.message).toBe('required field is missing');
    expect(find(vs, 'spec.runtime.sidecars')?.message).toBe('unknown field "sidecars"');
    expect(vs).toHaveLength(5);
  });

  test('unknown apiVersion or kind gives one violation', () => {
    const vs = v.validate({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } });
    expect(vs).toHaveLength(1);
    expect(vs[0].message).toMatch(/^no schema is known for apiVersion "apps\/v1" kind "Deploymnet" \(known kinds of apps\/v1: .*Deployment/);
    const vs2 = v.validate({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'x' } });
    expect(vs2).toHaveLength(1);
    expect(vs2[0].message).toContain('Deployment is known in apiVersion apps/v1');
    expect(v.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } })).toHaveLength(1);
    expect(v.validate({ kind: 'ConfigMap' })).toEqual([{ path: 'apiVersion', message: 'required: a non-empty string' }]);
    expect(v.validate('not an object')).toHaveLength(1);
  });

  test('custom resource definitions registered at run time: structural semantics', () => {
    const widgetCrd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets' },
        scope: 'Cluster',
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    'x-kubernetes-validations': [{ rule: 'self.size >= 0' }],
                    properties: {
                      size: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                      mode: { type: 'string', pattern: '(?i)^(fast|slow)$' },
                      extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                      template: { type: 'object', properties: { metadata: { type: 'object' } } },
                      note: { type: 'string', nullable: true },
                    },
                  },
                },
              },
            },
          },
          { name: 'v0', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      },
    };
    expect(v.validate(widgetCrd)).toEqual([]);
    const own = make();
    expect(own.registerCustomResourceDefinition(widgetCrd)).toEqual(['example.com/v1 Widget', 'example.com/v0 Widget']);
    expect(own.isNamespaced('example.com/v1', 'Widget')).toBe(false);
    const w = (spec: Obj, namespace?: string): Obj => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', ...(namespace ? { namespace } : {}) }, spec });
    expect(own.validate(w({ size: 3, mode: 'FAST', extra: { anything: { goes: 1 } }, note: null }))).toEqual([]);
    expect(own.validate(w({ size: '3Gi', mode: 'slow' }))).toEqual([]);
    expect(own.validate(w({ size: 1.5 }))).toEqual([{ path: 'spec.size', message: 'must be integer or string (got number 1.5)' }]);
    expect(own.validate(w({ mode: 'medium' }))[0].path).toBe('spec.mode');
    // a bare `type: object` keeps no fields in a structural schema (the API server prunes them)
    expect(own.validate(w({ template: { metadata: { labels: { a: 'b' } } } }))).toEqual([
      { path: 'spec.template.metadata.labels', message: 'unknown field "labels"' },
    ]);
    expect(own.validate(w({}, 'default'))).toEqual([{ path: 'metadata.namespace', message: 'must be absent: Widget is cluster-scoped (got "default")' }]);
    expect(own.validate({ apiVersion: 'example.com/v0', kind: 'Widget', metadata: { name: 'w' } })[0].message).toMatch(/not served/);
    expect(v.validate(w({}))).toHaveLength(1); // other validators do not know the kind
  });

  test('a registered CRD whose schema cannot be compiled yields a violation, not a crash', () => {
    const own = make();
    own.registerCustomResourceDefinition({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Gadget', plural: 'gadgets' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'strin' } } } } }],
      },
    });
    const vs = own.validate({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: 'x' });
    expect(vs).toHaveLength(1);
    expect(vs[0].message).toMatch(/^the schema of example.com\/v1 Gadget cannot be compiled: /);
  });

  test('scope and known kinds', () => {
    expect(v.isNamespaced('apps/v1', 'Deployment')).toBe(true);
    expect(v.isNamespaced('rbac.authorization.k8s.io/v1', 'ClusterRole')).toBe(false);
    expect(v.isNamespaced('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).toBe(false);
    expect(v.isNamespaced('monitoring.coreos.com/v1', 'PrometheusRule')).toBe(true);
    expect(v.isNamespaced('infra.virtrigaud.io/v1beta1', 'VirtualMachine')).toBe(true);
    expect(v.isNamespaced('example.com/v1', 'Nothing')).toBeUndefined();
    const kinds = v.knownKinds();
    expect(kinds).toEqual(expect.arrayContaining(['apps/v1 Deployment', 'v1 Namespace', 'infra.virtrigaud.io/v1beta1 Provider', 'monitoring.coreos.com/v1 ServiceMonitor']));
    expect(kinds.filter((k) => k.startsWith('infra.virtrigaud.io/'))).toHaveLength(10);
  });
});

describe('precompiled validators', () => {
  test('the folder holds a bundled core module with a V8 code cache that V8 accepts', () => {
    const files = readdirSync(generatedDir).sort();
    expect(files).toEqual(['core.js', 'core.js.v8cache', 'index.js']);
    const code = readFileSync(join(generatedDir, 'core.js'), 'latin1');
    expect(code.startsWith('"use strict";')).toBe(true);
    expect(/[^\x00-\x7f]/.test(code)).toBe(false); // eslint-disable-line no-control-regex -- any non-ASCII character
    expect(code).not.toContain('require(');
    const v = createSchemaValidator({ precompiledDir: generatedDir });
    expect(v.validate(deployment())).toEqual([]);
    expect(v.codeCacheRejections).toBe(0);
  });

  test('kinds that were not precompiled are compiled at run time', () => {
    const v = createSchemaValidator({ precompiledDir: generatedDir });
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's', namespace: NS }, spec: { selector: { matchLabels: LABELS }, serviceName: 's', template: deployment().spec.template, replica: 1 } };
    expect(v.validate(sts)).toEqual([{ path: 'spec.replica', message: 'unknown field "replica"' }]);
    expect(v.validatorOrigin('apps/v1', 'StatefulSet')).toBe('runtime');
    expect(v.validatorOrigin('apps/v1', 'Deployment')).toBe('precompiled');
  });

  test('a missing or stale folder falls back to run-time compilation', () => {
    expect(createSchemaValidator({ precompiledDir: join(generatedDir, 'absent') }).usesPrecompiled).toBe(false);
    const stale = mkdtempSync(join(tmpdir(), 'virtrigaud-validators-stale-'));
    try {
      writeFileSync(join(stale, 'index.js'), 'module.exports = { formatVersion: -1, customKinds: [], modules: {} };');
      const v = createSchemaValidator({ precompiledDir: stale });
      expect(v.usesPrecompiled).toBe(false);
      expect(v.validate(configMap())).toEqual([]);
    } finally {
      rmSync(stale, { recursive: true, force: true });
    }
  });

  test('compaction keeps the generated code equivalent', () => {
    const input =
      '"use strict";function validate0(data){let vErrors = null;let errors = 0;const err0 = {instancePath,schemaPath:"#/a\\"b",keyword:"type",params:{}};' +
      'if(vErrors === null){vErrors = [err0];}else {vErrors.push(err0);}errors++;const s = "é";}';
    const out = compactStandaloneCode(input);
    expect(out).toContain('vErrors = pushError(vErrors, err0);errors++;');
    expect(out).not.toContain('schemaPath');
    expect(out).toContain('"\\u00e9"');
    expect(out.startsWith('"use strict";function pushError(')).toBe(true);
  });
});

describe('module API (shared validator)', () => {
  test('validateManifest and assertManifestsValid', () => {
    expect(validateManifest(deployment())).toEqual([]);
    expect(() => assertManifestsValid([deployment(), service(), clusterRole(), serviceMonitor()])).not.toThrow();
    const d = deployment();
    d.spec.replica = 2;
    const cr = clusterRole();
    cr.metadata.namespace = NS;
    expect(() => assertManifestsValid([d, service(), cr])).toThrow(
      [
        '2 schema violations in 2 objects:',
        `  Deployment/${NS}/vr-manager: spec.replica: unknown field "replica"`,
        `  ClusterRole/${NS}/vr-manager: metadata.namespace: must be absent: ClusterRole is cluster-scoped (got "${NS}")`,
      ].join('\n'),
    );
  });

  test('object references', () => {
    expect(formatObjectRef(objectRef(deployment()))).toBe(`Deployment/${NS}/vr-manager`);
    expect(formatObjectRef(objectRef(clusterRole()))).toBe('ClusterRole/-/vr-manager');
    expect(formatObjectRef(objectRef(42))).toBe('?/-/?');
  });

  test('isNamespaced and knownKinds', () => {
    expect(isNamespaced('v1', 'Namespace')).toBe(false);
    expect(isNamespaced('v1', 'ConfigMap')).toBe(true);
    expect(isNamespaced('monitoring.coreos.com/v1', 'ServiceMonitor')).toBe(true);
    expect(isNamespaced('v1', 'Nothing')).toBeUndefined();
    expect(knownKinds()).toContain('policy/v1 PodDisruptionBudget');
  });
});

describe('built-in kind tables', () => {
  test('KUBERNETES_RESOURCE_KINDS lists exactly the resource kinds of the vendored definitions', () => {
    expect([...KUBERNETES_RESOURCE_KINDS].sort()).toEqual(loadKubernetesSchemas().resourceKinds);
  });

  test('every cluster-scoped kind is a known resource kind', () => {
    for (const k of CLUSTER_SCOPED_KINDS) expect(KUBERNETES_RESOURCE_KINDS).toContain(k);
  });
});
