import { Testing } from 'cdk8s';
import { ReleaseContext } from '../../lib/constructs/context';
import { VirtRigaudManager } from '../../lib/constructs/manager';
import { managerSchema } from '../../lib/values/manager-values';
import { parseValues } from '../../lib/values/parse';

const ctx: ReleaseContext = { releaseName: 'virtrigaud', namespace: 'virtrigaud-system', version: 'v0.3.11', commonLabels: { team: 'infra' }, commonAnnotations: {} };

function synthManager(values: unknown = {}, imagePullSecrets: { name: string }[] = []) {
  const chart = Testing.chart();
  new VirtRigaudManager(chart, 'manager', { context: ctx, values: managerSchema.parse(values), imagePullSecrets });
  const objects = Testing.synth(chart);
  const find = (kind: string, name = 'virtrigaud-manager') => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    expect(found).toHaveLength(1);
    return found[0];
  };
  return { objects, find };
}

describe('manager', () => {
  test('renders exactly the expected objects', () => {
    const { objects } = synthManager();
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'ClusterRole/virtrigaud-manager',
      'ClusterRoleBinding/virtrigaud-manager',
      'Deployment/virtrigaud-manager',
      'Role/virtrigaud-leader-election',
      'RoleBinding/virtrigaud-leader-election',
      'Service/virtrigaud-manager',
      'ServiceAccount/virtrigaud-manager',
    ]);
  });

  test('labels: standard set plus common labels; namespaces only on namespaced objects', () => {
    const { objects } = synthManager();
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'virtrigaud',
        'app.kubernetes.io/instance': 'virtrigaud',
        'app.kubernetes.io/component': 'manager',
        'app.kubernetes.io/version': 'v0.3.11',
        'app.kubernetes.io/managed-by': 'virtrigaud-cdk8s',
        'app.kubernetes.io/part-of': 'virtrigaud',
        team: 'infra',
      });
      if (o.kind.startsWith('Cluster')) expect(o.metadata.namespace).toBeUndefined();
      else expect(o.metadata.namespace).toBe('virtrigaud-system');
    }
  });

  test('deployment: image, flags, ports, probes, token mounted', () => {
    const { find } = synthManager();
    const deployment = find('Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.selector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'virtrigaud', 'app.kubernetes.io/instance': 'virtrigaud', 'app.kubernetes.io/component': 'manager' },
    });
    const pod = deployment.spec.template.spec;
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(pod.serviceAccountName).toBe('virtrigaud-manager');
    expect(pod.automountServiceAccountToken).toBe(true);
    const [container] = pod.containers;
    expect(container.image).toBe('ghcr.io/projectbeskar/virtrigaud/manager:v0.3.11');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.command).toEqual(['/manager']);
    expect(container.args).toEqual([
      '--metrics-bind-address=0.0.0.0:8080',
      '--health-probe-bind-address=0.0.0.0:8081',
      '--leader-elect',
      '--zap-log-level=info',
      '--zap-encoder=json',
    ]);
    expect(container.ports).toEqual([
      { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'health', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  });

  test('pod meets Pod Security Standard "restricted"', () => {
    const pod = synthManager().find('Deployment').spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    const sc = pod.containers[0].securityContext;
    expect(sc).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    expect(pod.hostNetwork ?? false).toBe(false);
  });

  test('service: named ports to named target ports, selects the pods', () => {
    const { find } = synthManager();
    const service = find('Service');
    expect(service.spec.selector).toEqual(find('Deployment').spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([
      { name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' },
      { name: 'health', port: 8081, targetPort: 'health', protocol: 'TCP' },
    ]);
    expect(service.metadata.labels['virtrigaud.io/job']).toBe('virtrigaud-manager');
    expect(service.spec.externalIPs).toBeUndefined();
  });

  // The rules themselves are checked against upstream's in rbac-upstream.test.ts.
  test('RBAC: no wildcards, bound to the manager ServiceAccount', () => {
    const { find } = synthManager();
    const role = find('ClusterRole');
    const flat = role.rules.flatMap((r: any) => r.resources.flatMap((res: string) => r.verbs.map((v: string) => `${r.apiGroups[0]}/${res}:${v}`)));
    expect(flat).toContain('infra.virtrigaud.io/virtualmachines/finalizers:update');
    expect(flat).toContain('/secrets:watch');
    expect(flat).not.toContain('/secrets:create');
    expect(flat).toContain('apps/deployments:delete');
    expect(flat).toContain('infra.virtrigaud.io/vmsets/status:patch');
    expect(flat).not.toContain('infra.virtrigaud.io/vmsets:update');
    expect(JSON.stringify(role.rules)).not.toContain('*');
    expect(find('ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'virtrigaud-manager', namespace: 'virtrigaud-system' }]);
    expect(find('RoleBinding', 'virtrigaud-leader-election').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'virtrigaud-leader-election' });
  });

  // docs/migrating-from-helm.md: the chart's manager runs as ServiceAccount `virtrigaud` (its
  // fullname); naming ours after it keeps the running pods' identity and RBAC during the migration.
  test('manager.serviceAccount.name names the ServiceAccount, the pods\' identity and both bindings\' subject', () => {
    const { find, objects } = synthManager({ serviceAccount: { name: 'virtrigaud' } });
    const subject = [{ kind: 'ServiceAccount', name: 'virtrigaud', namespace: 'virtrigaud-system' }];
    expect(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name)).toEqual(['virtrigaud']);
    expect(find('Deployment').spec.template.spec.serviceAccountName).toBe('virtrigaud');
    expect(find('ClusterRoleBinding').subjects).toEqual(subject);
    expect(find('RoleBinding', 'virtrigaud-leader-election').subjects).toEqual(subject);
    // Every other name stays `<release>-…`: the chart's Deployment, Service and ClusterRole are adopted by name.
    expect(objects.filter((o) => o.kind !== 'ServiceAccount' && o.kind !== 'Role' && o.kind !== 'RoleBinding').map((o) => o.metadata.name)).toEqual(
      objects.filter((o) => o.kind !== 'ServiceAccount' && o.kind !== 'Role' && o.kind !== 'RoleBinding').map(() => 'virtrigaud-manager'),
    );
  });

  test('replicas > 1 adds a PodDisruptionBudget over the same selector', () => {
    const { find, objects } = synthManager({ replicas: 3 });
    const pdb = find('PodDisruptionBudget');
    expect(pdb.spec).toEqual({ minAvailable: 1, selector: find('Deployment').spec.selector });
    expect(synthManager({ replicas: 3, podDisruptionBudget: { enabled: false } }).objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
    expect(objects.length).toBe(8);
  });

  test('values reach the pod: image parts, digest, scheduling, annotations, env, extra args, pull secrets', () => {
    const { find } = synthManager(
      {
        image: { registry: 'registry.local:5000', repository: 'mirror/manager', tag: 'v0.3.12', digest: `sha256:${'a'.repeat(64)}`, pullPolicy: 'Always' },
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'infra', operator: 'Exists', effect: 'NoSchedule' }],
        podAnnotations: { 'example.com/a': 'b' },
        podLabels: { tier: 'control' },
        env: [{ name: 'GOMEMLIMIT', value: '400MiB' }],
        extraArgs: ['--enable-http2=true'],
        logLevel: 'debug',
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '1Gi' } },
      },
      [{ name: 'regcred' }],
    );
    const pod = find('Deployment').spec.template;
    const [c] = pod.spec.containers;
    expect(c.image).toBe(`registry.local:5000/mirror/manager:v0.3.12@sha256:${'a'.repeat(64)}`);
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.args).toContain('--enable-http2=true');
    expect(c.args).toContain('--zap-log-level=debug');
    expect(c.env).toEqual([{ name: 'GOMEMLIMIT', value: '400MiB' }]);
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '1Gi' } });
    expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(pod.spec.tolerations).toEqual([{ key: 'infra', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.metadata.annotations['example.com/a']).toBe('b');
    expect(pod.metadata.labels.tier).toBe('control');
    expect(find('Deployment').spec.selector.matchLabels.tier).toBeUndefined();
  });

  test('podLabels may not override selector labels: a ValuesError naming the key', () => {
    expect(() => synthManager({ podLabels: { 'app.kubernetes.io/component': 'x' } })).toThrow(/app\.kubernetes\.io\/component is a selector label/);
    expect(() => parseValues({ manager: { podLabels: { 'app.kubernetes.io/component': 'x' } } })).toThrow(/^manager\.podLabels\["app\.kubernetes\.io\/component"\]: .*selector label/);
  });

  test('leader election off drops the flag and the Role', () => {
    const { objects, find } = synthManager({ leaderElection: { enabled: false } });
    expect(find('Deployment').spec.template.spec.containers[0].args).not.toContain('--leader-elect');
    expect(objects.some((o) => o.kind === 'Role')).toBe(false);
  });
});
