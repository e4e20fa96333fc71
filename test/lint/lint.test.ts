/**
 * `virtrigaud lint <folder>` and `lintFolder`: a fresh render passes; output edited by hand in a
 * way that breaks a check fails with exit code 1 and a report naming the check and the object.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { runCli } from '../../lib/cli/cli';
import { formatLintReport, LintError, lintFolder } from '../../lib/lint/lint';
import { packagePath } from '../../lib/paths';

type Obj = any;

const root = mkdtempSync(join(tmpdir(), 'lint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** The finding lines of a report (without the summary line). */
const findings = (stdout: string) => stdout.split('\n').filter((l) => l !== '' && !/ objects in \d+ files: /.test(l));

// The documented profile with vcenter in deployment mode, so that provider Deployments and Services are rendered too.
const ALL = ['-f', packagePath('examples/all-providers.yaml'), '--set', 'manager.metrics.secure=true,manager.replicas=2,profile=documented,providers[0].mode=deployment'];
const single = join(root, 'single');
const perResource = join(root, 'per-resource');
/** What the hand edits start from: the per-resource render without the ten large CRDs (their YAML dominates lint time). */
const editable = join(root, 'editable');

beforeAll(() => {
  expect(run('synth', ...ALL, '--output', single).code).toBe(0);
  expect(run('synth', ...ALL, '--layout', 'per-resource', '--output', perResource).code).toBe(0);
  expect(run('synth', ...ALL, '--set', 'crds.install=false', '--layout', 'per-resource', '--output', editable).code).toBe(0);
});

describe('lint of fresh renders', () => {
  test.each([
    ['the default release', [] as string[]],
    ['every provider, secured metrics, HA, one file', null],
    ['every provider, per-resource files with a kustomization.yaml', null],
    ['no monitoring, no NetworkPolicies, no CRDs', ['--set', 'monitoring.enabled=false,networkPolicies.enabled=false,crds.install=false']],
  ])('%s: exit 0, no problems', (name, args) => {
    let folder = name.includes('one file') ? single : perResource;
    if (args !== null) {
      folder = join(root, name.replace(/\W+/g, '-'));
      expect(run('synth', ...args, '--output', folder).code).toBe(0);
    }
    const r = run('lint', folder);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\d+ objects in \d+ files: no problems\n$/);
    expect(r.code).toBe(0);
  });

  test('lintFolder returns the report; formatLintReport prints it', () => {
    const report = lintFolder(perResource);
    expect(report.findings).toEqual([]);
    expect(report.files).toBe(readdirSync(perResource).filter((f) => f.endsWith('.yaml')).length);
    expect(report.objects).toBe(report.files - 1);
    expect(formatLintReport(report)).toBe(`${report.objects} objects in ${report.files} files: no problems\n`);
  });

  test('--output names the folder when no positional is given', () => {
    expect(run('lint', '--output', single).code).toBe(0);
  });
});

describe('output edited by hand', () => {
  let n = 0;
  /** A copy of the editable render with `edit` applied to one file's object (or files added). */
  function edited(edit: (folder: string) => void): string {
    const folder = join(root, `edit-${++n}`);
    cpSync(editable, folder, { recursive: true });
    edit(folder);
    return folder;
  }
  const editObject = (file: string, fn: (o: Obj) => void) => (folder: string) => {
    const path = join(folder, file);
    const o = parse(readFileSync(path, 'utf8'));
    fn(o);
    writeFileSync(path, stringify(o));
  };
  const addFile = (file: string, content: unknown) => (folder: string) => writeFileSync(join(folder, file), typeof content === 'string' ? content : stringify(content));
  const manager = (o: Obj) => o.spec.template.spec.containers[0];

  const cases: [string, (folder: string) => void, RegExp[]][] = [
    [
      'a Deployment selector that no longer matches its pods',
      editObject('deployment-virtrigaud-manager.yaml', (o) => (o.spec.selector.matchLabels['app.kubernetes.io/component'] = 'controller')),
      [/^workload-selector: Deployment\/virtrigaud-system\/virtrigaud-manager: selector does not match its pod template labels$/],
    ],
    [
      'a renamed Service target port',
      editObject('service-virtrigaud-provider-vcenter.yaml', (o) => (o.spec.ports[0].targetPort = 'grpc-tls')),
      [/^service-target-port: Service\/virtrigaud-system\/virtrigaud-provider-vcenter: port grpc: target port "grpc-tls" is not a container port of Deployment\/virtrigaud-system\/virtrigaud-provider-vcenter$/],
    ],
    [
      'a renamed container port that the Service targets',
      editObject('deployment-virtrigaud-manager.yaml', (o) => (manager(o).ports[0].name = 'http-metrics')),
      [/^service-target-port: Service\/virtrigaud-system\/virtrigaud-manager: port metrics: target port "metrics" is not a container port of Deployment\/virtrigaud-system\/virtrigaud-manager$/],
    ],
    [
      'a wildcard RBAC rule',
      editObject('clusterrole-virtrigaud-manager.yaml', (o) => o.rules.push({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] })),
      [/^rbac-wildcard: ClusterRole\/virtrigaud-manager: rules\[\d+\]\.apiGroups has a wildcard$/, /^rbac-wildcard: ClusterRole\/virtrigaud-manager: rules\[\d+\]\.resources has a wildcard$/, /^rbac-wildcard: ClusterRole\/virtrigaud-manager: rules\[\d+\]\.verbs has a wildcard$/],
    ],
    [
      'a wildcard in the metrics reader',
      editObject('clusterrole-virtrigaud-metrics-reader.yaml', (o) => (o.rules[0].nonResourceURLs = ['/metrics*'])),
      [/^rbac-wildcard: ClusterRole\/virtrigaud-metrics-reader: rules\[0\]\.nonResourceURLs has a wildcard$/],
    ],
    [
      'a privileged container',
      editObject('deployment-virtrigaud-manager.yaml', (o) => (manager(o).securityContext.privileged = true)),
      [/^pod-security: Deployment\/virtrigaud-system\/virtrigaud-manager: container manager is privileged$/],
    ],
    [
      'a container that may escalate privileges and runs as root',
      editObject('deployment-virtrigaud-provider-vcenter.yaml', (o) => {
        const c = o.spec.template.spec.containers[0];
        delete c.securityContext.allowPrivilegeEscalation;
        c.securityContext.runAsUser = 0;
        c.securityContext.runAsNonRoot = false;
        o.spec.template.spec.securityContext.runAsNonRoot = false;
      }),
      [
        /^pod-security: Deployment\/virtrigaud-system\/virtrigaud-provider-vcenter: container provider does not set allowPrivilegeEscalation: false$/,
        /^pod-security: Deployment\/virtrigaud-system\/virtrigaud-provider-vcenter: container provider does not run as non-root$/,
        /^pod-security: Deployment\/virtrigaud-system\/virtrigaud-provider-vcenter: container provider runs as uid 0$/,
      ],
    ],
    [
      'a hostPath volume and host networking',
      editObject('deployment-virtrigaud-manager.yaml', (o) => {
        o.spec.template.spec.hostNetwork = true;
        o.spec.template.spec.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } });
      }),
      [/^pod-security: Deployment\/virtrigaud-system\/virtrigaud-manager: uses host namespaces$/, /^pod-security: Deployment\/virtrigaud-system\/virtrigaud-manager: volume docker has a disallowed type hostPath$/],
    ],
    [
      'a Secret with data',
      addFile('secret-vsphere-credentials.yaml', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vsphere-credentials', namespace: 'virtrigaud-system' }, stringData: { password: 'hunter2' } }),
      [/^no-secrets: Secret\/virtrigaud-system\/vsphere-credentials: carries Secret data in plain YAML$/],
    ],
    [
      'a credential as a literal environment value',
      editObject('deployment-virtrigaud-manager.yaml', (o) => (manager(o).env = [{ name: 'VSPHERE_PASSWORD', value: 'hunter2' }])),
      [/^no-secrets: Deployment\/virtrigaud-system\/virtrigaud-manager: container manager sets VSPHERE_PASSWORD to a literal value$/],
    ],
    [
      'an unknown field',
      editObject('deployment-virtrigaud-manager.yaml', (o) => (o.spec.replica = 3)),
      [/^schema: Deployment\/virtrigaud-system\/virtrigaud-manager: spec.*replica/],
    ],
    [
      'a field of the wrong type in a custom resource',
      editObject('provider-lab.yaml', (o) => (o.spec.runtime.replicas = 'two')),
      [/^schema: Provider\/virtrigaud-system\/lab: spec\.runtime\.replicas/],
    ],
    [
      'a broken PromQL expression',
      editObject('prometheusrule-virtrigaud-alerts.yaml', (o) => {
        const rule = o.spec.groups.flatMap((g: Obj) => g.rules).find((x: Obj) => x.alert === 'VirtrigaudManagerDown');
        rule.expr = 'max by (job (up{job="virtrigaud-manager"}) == 0';
      }),
      [/^promql: PrometheusRule\/virtrigaud-system\/virtrigaud-alerts: [\w.]+\/VirtrigaudManagerDown: /],
    ],
    [
      'the Service a ServiceMonitor selects removed',
      (folder) => rmSync(join(folder, 'service-virtrigaud-manager.yaml')),
      [/^servicemonitor-selector: ServiceMonitor\/virtrigaud-system\/virtrigaud-manager: selects no rendered Service$/],
    ],
    [
      'a ServiceMonitor endpoint on a port no Service has',
      editObject('servicemonitor-virtrigaud-providers.yaml', (o) => (o.spec.endpoints[0].port = 'http-metrics')),
      [/^servicemonitor-port: ServiceMonitor\/virtrigaud-system\/virtrigaud-providers: no selected Service has a port named "http-metrics"$/],
    ],
    [
      'an object copied twice',
      (folder) => cpSync(join(folder, 'service-virtrigaud-manager.yaml'), join(folder, 'service-virtrigaud-manager-copy.yaml')),
      [/^unique: Service\/virtrigaud-system\/virtrigaud-manager: appears more than once$/],
    ],
    [
      'a file that is not valid YAML',
      addFile('broken.yaml', 'kind: ConfigMap\nmetadata: [\n'),
      [/^yaml: broken\.yaml: /],
    ],
    [
      'an alias bomb',
      addFile('bomb.yaml', ['kind: ConfigMap', 'a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefg'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefg'[i]}`).join(', ')}]`)].join('\n') + '\n'),
      [/^yaml: bomb\.yaml: .*alias/i],
    ],
    [
      'an alias inside its own anchor',
      addFile('cycle.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: &m\n  name: loop\n  labels:\n    self: *m\n'),
      [/^yaml: cycle\.yaml: an alias refers to a node that contains it \(a cycle\)$/],
    ],
    [
      'lists where maps belong and maps where lists belong',
      editObject('clusterrole-virtrigaud-manager.yaml', (o) => {
        o.rules[0].verbs = 'get';
        o.rules[1] = null;
      }),
      [/^schema: ClusterRole\/virtrigaud-manager: rules\[0\]\.verbs/, /^schema: ClusterRole\/virtrigaud-manager: rules\[1\]/],
    ],
    [
      'a PodDisruptionBudget that blocks every eviction',
      editObject('poddisruptionbudget-virtrigaud-manager.yaml', (o) => (o.spec.minAvailable = 2)),
      [/^disruption-budget: PodDisruptionBudget\/virtrigaud-system\/virtrigaud-manager: minAvailable 2 with 2 replicas of Deployment\/virtrigaud-system\/virtrigaud-manager: no pod can be evicted/],
    ],
    [
      'a PodDisruptionBudget with maxUnavailable 0%',
      editObject('poddisruptionbudget-virtrigaud-manager.yaml', (o) => {
        delete o.spec.minAvailable;
        o.spec.maxUnavailable = '0%';
      }),
      [/^disruption-budget: PodDisruptionBudget\/virtrigaud-system\/virtrigaud-manager: maxUnavailable "0%" with 2 replicas/],
    ],
    [
      'a NetworkPolicy peer with an empty namespace selector',
      editObject('networkpolicy-virtrigaud-manager.yaml', (o) => (o.spec.ingress[0].from[0].namespaceSelector = {})),
      [/^network-policy: NetworkPolicy\/virtrigaud-system\/virtrigaud-manager: ingress\[0\]\.from\[0\]\.namespaceSelector is empty: it admits every namespace$/],
    ],
    [
      'a NetworkPolicy rule without peers',
      editObject('networkpolicy-virtrigaud-manager.yaml', (o) => delete o.spec.egress[0].to),
      [/^network-policy: NetworkPolicy\/virtrigaud-system\/virtrigaud-manager: egress\[0\] has no to: it admits every destination$/],
    ],
    [
      'a document that is not a Kubernetes object',
      addFile('notes.yaml', '- just\n- a list\n'),
      [/^yaml: notes\.yaml: a document is not a Kubernetes object$/],
    ],
  ];

  test.each(cases)('%s: exit 1, the report names the check and the object', (_name, edit, expected) => {
    const folder = edited(edit);
    const r = run('lint', folder);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const lines = findings(r.stdout);
    // Exactly the expected findings: an edit breaks what it breaks, nothing else is reported.
    expect(lines).toHaveLength(expected.length);
    for (const re of expected) expect(lines).toContainEqual(expect.stringMatching(re));
    expect(r.stdout).toMatch(new RegExp(`objects in \\d+ files: ${expected.length} problems\\n$`));
    // The library function reports the same.
    expect(lintFolder(folder).findings).toHaveLength(expected.length);
  });

  test('several edits at once are all reported', () => {
    const folder = edited((f) => {
      editObject('deployment-virtrigaud-manager.yaml', (o) => (manager(o).securityContext.privileged = true))(f);
      editObject('clusterrole-virtrigaud-manager.yaml', (o) => (o.rules[0].verbs = ['*']))(f);
    });
    const r = run('lint', folder);
    expect(r.code).toBe(1);
    expect(findings(r.stdout).map((l) => l.split(':')[0]).sort()).toEqual(['pod-security', 'rbac-wildcard']);
  });
});

describe('lint errors', () => {
  test('a missing folder or one without YAML: exit 2 with one message', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'README.md'), '# nothing to lint\n');
    for (const folder of [join(root, 'missing'), empty]) {
      const r = run('lint', folder);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`error: no YAML files in ${folder}\n`);
      expect(() => lintFolder(folder)).toThrow(LintError);
    }
  });

  test('a file instead of a folder: exit 2', () => {
    const r = run('lint', join(single, 'virtrigaud.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*virtrigaud\.yaml is not a folder\n$/);
  });

  test('more than one folder: a usage error', () => {
    const r = run('lint', single, perResource);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unexpected argument/);
  });
});
