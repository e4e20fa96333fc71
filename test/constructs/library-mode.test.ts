/**
 * The constructs in a user's cdk8s app: chart namespaces, partial props of each construct, typed
 * handles, and the validations `cdk8s synth` runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, JsonPatch, Testing } from 'cdk8s';
import { VirtRigaud, VirtRigaudCrds, VirtRigaudManager, VirtRigaudNetworkPolicies, VirtRigaudProvider, Monitoring, ReleaseNamespace, ValuesError } from '../../lib';
import { PrometheusRuleSpecGroupsRulesExpr } from '../../imports/monitoring.coreos.com';
import { runCli } from '../../lib/cli/cli';
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

  test('a provider per mode, the CRDs, the namespace, network policies and monitoring, each with defaults', () => {
    const chart = Testing.chart();
    const cr = new VirtRigaudProvider(chart, 'kvm', { values: { name: 'kvm', type: 'libvirt', endpoint: 'qemu+ssh://root@kvm.example.com/system', credentialsSecret: 'kvm' } });
    const dep = new VirtRigaudProvider(chart, 'pve', { profile: 'documented', values: { name: 'pve', type: 'proxmox', mode: 'deployment', endpoint: 'https://pve.example.com:8006', credentialsSecret: 'pve', podLabels: { team: 'a' } } });
    const crds = new VirtRigaudCrds(chart, 'crds');
    const namespace = new ReleaseNamespace(chart, 'namespace', { context: { namespace: 'vr' } });
    new VirtRigaudNetworkPolicies(chart, 'policies', { providers: [{ name: 'pve', type: 'proxmox', mode: 'deployment', endpoint: 'https://pve.example.com:8006', credentialsSecret: 'pve' }] });
    const monitoring = new Monitoring(chart, 'monitoring');
    expect(cr.customResource).toBeDefined();
    expect(dep.service).toBeDefined();
    const objects = Testing.synth(chart) as Obj[];
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === dep.name)!;
    expect(service.spec.ports.map((p: { port: number }) => p.port).sort()).toEqual([dep.grpcPort, dep.metricsPort].sort());
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name)).toEqual(crds.crds.map((c) => c.name));
    expect(crds.crds).toHaveLength(10);
    expect(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([namespace.name]);
    expect(namespace.namespace.name).toBe(namespace.name);
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

/**
 * Each exported construct used on its own, with one bad input: what `cdk8s synth` of a user's app
 * reports (an error at construction, or a cdk8s validation) is what the CLI says of the same values.
 */
describe('a construct on its own reports what the CLI reports for its part of the values', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'library-mode-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** The CLI's messages for `values` (`error: ` and the file position taken off). */
  function cliMessages(values: object): string[] {
    const file = join(tmp, 'values.yaml');
    writeFileSync(file, JSON.stringify(values));
    let stderr = '';
    const code = runCli(['synth', '-o', '-', '-f', file], { stdout: () => undefined, stderr: (t) => (stderr += t) });
    expect(code).toBe(2);
    return stderr.trimEnd().split('\n').map((line) => line.replace(/^error: /, '').replace(` (${file}:1:`, '\0').replace(/\0\d+\)$/, ''));
  }

  /** What `app.synth()` of a user's app with `build`'s constructs reports, one message per line. */
  function cdk8sMessages(build: (chart: Chart) => void): string[] {
    const app = new App({ outdir: join(tmp, 'dist') });
    try {
      build(new Chart(app, 'user'));
      app.synth();
    } catch (e) {
      const text = (e as Error).message;
      // A validation: "Validation failed with the following errors:\n  [path] message"; else the error itself.
      return text.startsWith('Validation failed') ? text.split('\n').slice(1).map((l) => l.replace(/^\s*\[[^\]]*\] /, '')) : text.split('\n');
    }
    throw new Error('cdk8s synth reported nothing');
  }

  const deploymentProvider = { name: 'pve', type: 'proxmox', mode: 'deployment', endpoint: 'https://pve.example.com:8006', credentialsSecret: 'pve' } as const;
  const cases: [string, (chart: Chart) => void, object][] = [
    ['VirtRigaud', (c) => new VirtRigaud(c, 'release', { manager: { replicas: 2, leaderElection: { enabled: false } } }), { manager: { replicas: 2, leaderElection: { enabled: false } } }],
    ['VirtRigaudManager (a release rule, as a validation)', (c) => new VirtRigaudManager(c, 'manager', { values: { replicas: 2, leaderElection: { enabled: false } } }), { manager: { replicas: 2, leaderElection: { enabled: false } } }],
    ['VirtRigaudManager (a flag the toolkit sets)', (c) => new VirtRigaudManager(c, 'manager', { values: { extraArgs: ['--leader-elect=false'] } }), { manager: { extraArgs: ['--leader-elect=false'] } }],
    ['VirtRigaudProvider (deployment mode under profile v0.3.11)', (c) => new VirtRigaudProvider(c, 'pve', { values: deploymentProvider }), { providers: [deploymentProvider] }],
    [
      'VirtRigaudProvider (a name too long for the release)',
      (c) => new VirtRigaudProvider(c, 'pve', { context: { releaseName: 'a-rather-long-release-name' }, profile: 'documented', values: { ...deploymentProvider, name: 'p'.repeat(40) } }),
      { releaseName: 'a-rather-long-release-name', profile: 'documented', providers: [{ ...deploymentProvider, name: 'p'.repeat(40) }] },
    ],
    ['VirtRigaudCrds', (c) => new VirtRigaudCrds(c, 'crds', { annotations: { 'not a key': 'x' } }), { crds: { annotations: { 'not a key': 'x' } } }],
    ['VirtRigaudNetworkPolicies', (c) => new VirtRigaudNetworkPolicies(c, 'policies', { values: { apiServer: { cidrs: [] } } }), { networkPolicies: { apiServer: { cidrs: [] } } }],
    ['ReleaseNamespace', (c) => new ReleaseNamespace(c, 'ns', { labels: { 'pod-security.kubernetes.io/enforce': 'not a level!' } }), { namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'not a level!' } }],
    ['Monitoring (its release context)', (c) => new Monitoring(c, 'monitoring', { context: { releaseName: '9lives' } }), { releaseName: '9lives' }],
    ['Monitoring (its values)', (c) => new Monitoring(c, 'monitoring', { values: { rules: { runbookUrlPattern: 'not a url' } } }), { monitoring: { rules: { runbookUrlPattern: 'not a url' } } }],
  ];

  test.each(cases)('%s', (_name, build, values) => {
    const expected = cliMessages(values);
    expect(expected).toHaveLength(1);
    expect(cdk8sMessages(build)).toEqual(expected);
  });

  test('a part patched after construction: lint\'s finding, as for the whole release', () => {
    const messages = cdk8sMessages((c) => {
      const manager = new VirtRigaudManager(c, 'manager');
      manager.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
    });
    expect(messages).toEqual(['Deployment/virtrigaud-system/virtrigaud-manager: container manager is privileged (pod-security)']);
  });

  test('monitoring patched after construction: lint\'s PromQL finding, as for the whole release', () => {
    const patched = (c: Chart) => {
      const monitoring = new Monitoring(c, 'monitoring');
      monitoring.prometheusRule!.addJsonPatch(JsonPatch.add('/spec/groups/0/rules/-', { record: 'x:y', expr: PrometheusRuleSpecGroupsRulesExpr.fromString('sum(rate(x[5m])') }));
    };
    const messages = cdk8sMessages(patched);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^PrometheusRule\/virtrigaud-system\/virtrigaud-alerts: .*\(promql\)$/);
    const app = new App({ outdir: join(tmp, 'dist') });
    new Monitoring(new Chart(app, 'user'), 'monitoring');
    expect(() => app.synth()).not.toThrow(); // untouched, its objects pass (its Services are not among them)
  });

  test('parts of a release are checked once, by the release', () => {
    const messages = cdk8sMessages((c) => {
      const release = new VirtRigaud(c, 'release', { profile: 'documented', providers: [deploymentProvider] });
      release.manager.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/privileged', true));
    });
    expect(messages).toEqual(['Deployment/virtrigaud-system/virtrigaud-manager: container manager is privileged (pod-security)']);
  });

  test('a part a user adds inside a release is checked as any part used on its own', () => {
    const bad = { replicas: 2, leaderElection: { enabled: false } };
    const messages = cdk8sMessages((c) => {
      const release = new VirtRigaud(c, 'release');
      new VirtRigaudManager(release, 'second-manager', { context: { releaseName: 'second' }, values: bad });
    });
    expect(messages).toEqual(cliMessages({ manager: bad }));
  });
});
