/**
 * The constructs in a user's cdk8s app: chart namespaces, partial props of each construct, typed
 * handles, and the validations `cdk8s synth` runs.
 */
import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import { VirtRigaud, VirtRigaudCrds, VirtRigaudManager, VirtRigaudNetworkPolicies, VirtRigaudProvider, Monitoring, ValuesError } from '../../lib';
import { validateManifest } from '../../lib/schema/schema-validation';

type Obj = { kind: string; metadata: { name: string; namespace?: string }; spec?: any };

/** Kinds the Kubernetes API serves cluster-scoped (`kubectl api-resources --namespaced=false`). */
const CLUSTER_SCOPED = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition'];

describe('a chart with a namespace', () => {
  const namespaced = new Chart(Testing.app(), 'team', { namespace: 'team-a' });
  new VirtRigaud(namespaced, 'release', { providers: [{ name: 'esx', type: 'vsphere', endpoint: 'https://vcenter.example.com/sdk', credentialsSecret: 'vc' }] });
  const objects = Testing.synth(namespaced) as Obj[];

  test('is the release namespace: the Namespace object and every namespaced object use it', () => {
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('team-a');
    const inNamespace = objects.filter((o) => !CLUSTER_SCOPED.includes(o.kind));
    expect(inNamespace.length).toBeGreaterThan(5);
    expect([...new Set(inNamespace.map((o) => o.metadata.namespace))]).toEqual(['team-a']);
  });

  test('is never stamped on cluster-scoped objects, which stay valid', () => {
    const cluster = objects.filter((o) => CLUSTER_SCOPED.includes(o.kind));
    expect(new Set(cluster.map((o) => o.kind))).toEqual(new Set(CLUSTER_SCOPED));
    expect(cluster.filter((o) => o.metadata.namespace !== undefined).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(objects.flatMap((o) => validateManifest(o).map((v) => `${o.kind}/${o.metadata.name}: ${v.path} ${v.message}`))).toEqual([]);
  });

  test('a namespace in the props wins over the chart\'s', () => {
    const c = new Chart(Testing.app(), 'team', { namespace: 'team-a' });
    new VirtRigaud(c, 'release', { namespace: 'vr' });
    const deployment = (Testing.synth(c) as Obj[]).find((o) => o.kind === 'Deployment');
    expect(deployment?.metadata.namespace).toBe('vr');
  });
});

describe('each construct on its own, with partial props', () => {
  test('the manager: its handles match what it renders', () => {
    const chart = Testing.chart();
    const manager = new VirtRigaudManager(chart, 'manager', { context: { releaseName: 'solo' }, values: { replicas: 2 } });
    const objects = Testing.synth(chart) as Obj[];
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const service = objects.find((o) => o.kind === 'Service')!;
    expect(deployment.metadata.name).toBe('solo-manager');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.selector.matchLabels).toEqual(manager.podSelector);
    expect(service.spec.selector).toEqual(manager.podSelector);
    const ports = Object.fromEntries(service.spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]));
    expect(ports).toEqual({ metrics: manager.metricsPort, health: manager.healthPort });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.args).toContain(`--metrics-bind-address=0.0.0.0:${manager.metricsPort}`);
    expect(service.metadata).toMatchObject({ labels: { 'virtrigaud.io/job': manager.jobName } });
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
  });

  test('bad partial props throw a ValuesError naming the key', () => {
    const chart = Testing.chart();
    expect(() => new VirtRigaudManager(chart, 'manager', { values: { replicas: -1 } })).toThrow(ValuesError);
    expect(() => new VirtRigaudManager(chart, 'manager2', { values: { replicas: -1 } })).toThrow(/manager\.replicas/);
  });

  test('a provider per mode, the CRDs, network policies and monitoring, each with defaults', () => {
    const chart = Testing.chart();
    const cr = new VirtRigaudProvider(chart, 'kvm', { values: { name: 'kvm', type: 'libvirt', endpoint: 'qemu+ssh://root@kvm.example.com/system', credentialsSecret: 'kvm' } });
    const dep = new VirtRigaudProvider(chart, 'pve', { values: { name: 'pve', type: 'proxmox', mode: 'deployment', endpoint: 'https://pve.example.com:8006', credentialsSecret: 'pve', podLabels: { team: 'a' } } });
    new VirtRigaudCrds(chart, 'crds');
    new VirtRigaudNetworkPolicies(chart, 'policies', { providers: [{ name: 'pve', type: 'proxmox', mode: 'deployment', endpoint: 'https://pve.example.com:8006', credentialsSecret: 'pve' }] });
    const monitoring = new Monitoring(chart, 'monitoring');
    expect(cr.customResource).toBeDefined();
    expect(dep.service).toBeDefined();
    const objects = Testing.synth(chart) as Obj[];
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === dep.name)!;
    expect(service.spec.ports.map((p: { port: number }) => p.port).sort()).toEqual([dep.grpcPort, dep.metricsPort].sort());
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(10);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['virtrigaud-manager', 'virtrigaud-provider-pve']);
    const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
    const exprs: string[] = rule.spec.groups.flatMap((g: { rules: { expr: string }[] }) => g.rules.map((r) => r.expr));
    expect(exprs.some((e) => e.includes(`job="${monitoring.managerJobName}"`))).toBe(true);
  });
});

describe('cdk8s validations', () => {
  test('cdk8s synth reports lint findings of the release (a container patched to be privileged)', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'c');
    const release = new VirtRigaud(chart, 'release');
    release.manager.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
    expect(() => app.synth()).toThrow(/Validation failed[\s\S]*virtrigaud-manager: container manager is privileged \(pod-security\)/);
  });

  test('an untouched release passes them', () => {
    const app = new App({ outdir: Testing.app().outdir });
    new VirtRigaud(new Chart(app, 'c'), 'release');
    expect(() => app.synth()).not.toThrow();
  });
});
