/**
 * `manager.metrics.secure`: the manager serves /metrics over HTTPS with Kubernetes authentication
 * and authorization (`--metrics-secure`). Checked end to end on rendered releases: the flag, the
 * RBAC it needs and nothing more, the metrics-reader ClusterRole bound to the scraper, the
 * ServiceMonitor that can scrape it, and the probes and NetworkPolicy that must keep working.
 */
import { lintManifests } from '../../lib/lint/lint';
import { LEADER_ELECTION_RULES, MANAGER_CLUSTER_RULES, METRICS_AUTH_RULES } from '../../lib/constructs/manager-rbac';
import { synthesize } from '../../lib/rendering/synth';
import { validateManifest } from '../../lib/schema/schema-validation';
import { ValuesError } from '../../lib/values/errors';
import type { ValuesInput } from '../../lib/values/schema';

type Obj = any;

const PROVIDER = { name: 'esx', type: 'vsphere' as const, endpoint: 'https://vcenter.example.com/sdk', credentialsSecret: 'vsphere-credentials' };

function render(values: ValuesInput = {}) {
  const objects = JSON.parse(JSON.stringify(synthesize({ providers: [PROVIDER], ...values }).manifests)) as Obj[];
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const get = (kind: string, name: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}`);
    return found[0];
  };
  const container = () => get('Deployment', 'virtrigaud-manager').spec.template.spec.containers[0];
  const endpoint = () => get('ServiceMonitor', 'virtrigaud-manager').spec.endpoints[0];
  return { objects, all, get, container, endpoint };
}

const secure = (extra: Record<string, unknown> = {}): ValuesInput => ({ manager: { metrics: { secure: true, ...extra } } });

describe('secured metrics off (the default)', () => {
  const r = render();

  test('plain HTTP: no flag, no review rules, no metrics-reader, an http endpoint without credentials', () => {
    expect(r.container().args).not.toContain('--metrics-secure');
    expect(r.get('ClusterRole', 'virtrigaud-manager').rules).toEqual(MANAGER_CLUSTER_RULES);
    expect(r.objects.filter((o) => o.metadata.name === 'virtrigaud-metrics-reader')).toEqual([]);
    const ep = r.endpoint();
    expect(ep.scheme).toBe('http');
    expect(ep).not.toHaveProperty('tlsConfig');
    expect(ep).not.toHaveProperty('bearerTokenFile');
    expect(ep).not.toHaveProperty('authorization');
  });
});

describe('secured metrics on', () => {
  const plain = render();
  const r = render(secure());

  test('the manager runs with --metrics-secure on the same metrics port', () => {
    const args: string[] = r.container().args;
    expect(args).toContain('--metrics-secure');
    expect(args).toContain('--metrics-bind-address=0.0.0.0:8080');
    expect(args.filter((a) => a.startsWith('--metrics-secure'))).toHaveLength(1);
    expect(r.container().ports).toEqual([
      { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
      { name: 'health', containerPort: 8081, protocol: 'TCP' },
    ]);
  });

  test('the manager gets exactly what authn/authz on /metrics needs: create tokenreviews and subjectaccessreviews', () => {
    expect(METRICS_AUTH_RULES).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ]);
    expect(r.get('ClusterRole', 'virtrigaud-manager').rules).toEqual([...MANAGER_CLUSTER_RULES, ...METRICS_AUTH_RULES]);
    // Nothing else changes: the leader-election Role and the manager's binding stay as they were.
    expect(r.get('Role', 'virtrigaud-leader-election').rules).toEqual(LEADER_ELECTION_RULES);
    expect(r.get('ClusterRoleBinding', 'virtrigaud-manager')).toEqual(plain.get('ClusterRoleBinding', 'virtrigaud-manager'));
  });

  test('no RBAC rule of the release has a wildcard', () => {
    for (const role of [...r.all('ClusterRole'), ...r.all('Role')]) {
      for (const rule of role.rules) {
        for (const list of Object.values(rule) as string[][]) expect(list.join(',')).not.toContain('*');
      }
    }
  });

  test('a metrics-reader ClusterRole grants get on /metrics, bound to the Prometheus ServiceAccount', () => {
    const role = r.get('ClusterRole', 'virtrigaud-metrics-reader');
    expect(role.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    expect(role.metadata).not.toHaveProperty('namespace');
    const binding = r.get('ClusterRoleBinding', 'virtrigaud-metrics-reader');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'virtrigaud-metrics-reader' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'prometheus-k8s', namespace: 'monitoring' }]);
  });

  test('the scraper ServiceAccount is configurable', () => {
    const custom = render({ releaseName: 'vr', ...secure({ scraperServiceAccount: { name: 'kube-prometheus-stack-prometheus', namespace: 'observability' } }) });
    expect(custom.get('ClusterRoleBinding', 'vr-metrics-reader').subjects).toEqual([{ kind: 'ServiceAccount', name: 'kube-prometheus-stack-prometheus', namespace: 'observability' }]);
    expect(custom.get('ClusterRoleBinding', 'vr-metrics-reader').roleRef.name).toBe('vr-metrics-reader');
  });

  test('the ServiceMonitor scrapes the same Service port over HTTPS with Prometheus\' own token', () => {
    expect(r.endpoint()).toEqual({
      ...plain.endpoint(),
      scheme: 'https',
      tlsConfig: { insecureSkipVerify: true },
      bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    });
    const service = r.get('Service', 'virtrigaud-manager');
    expect(service.spec.ports).toContainEqual({ name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' });
    expect(r.endpoint().port).toBe('metrics');
  });

  test('TLS: a CA from a Secret or a ConfigMap replaces insecureSkipVerify; a server name is passed on, else the Service\'s DNS name', () => {
    const withSecret = render({ ...secure(), monitoring: { serviceMonitors: { manager: { tlsConfig: { ca: { secretName: 'metrics-ca' }, serverName: 'virtrigaud-manager.virtrigaud-system.svc' } } } } });
    expect(withSecret.endpoint().tlsConfig).toEqual({ ca: { secret: { name: 'metrics-ca', key: 'ca.crt' } }, serverName: 'virtrigaud-manager.virtrigaud-system.svc' });
    // Without a server name, a verified scrape expects the manager Service's cluster DNS name
    // (the name a cert-manager or OpenShift service-ca certificate of the Service carries).
    const withConfigMap = render({ ...secure(), monitoring: { serviceMonitors: { manager: { tlsConfig: { ca: { configMapName: 'openshift-service-ca.crt', key: 'service-ca.crt' } } } } } });
    const service = withConfigMap.get('Service', 'virtrigaud-manager');
    expect(withConfigMap.endpoint().tlsConfig).toEqual({
      ca: { configMap: { name: 'openshift-service-ca.crt', key: 'service-ca.crt' } },
      serverName: `${service.metadata.name}.${service.metadata.namespace}.svc`,
    });
    expect(service.metadata.namespace).toBe('virtrigaud-system');
    const verified = render({ ...secure(), monitoring: { serviceMonitors: { manager: { tlsConfig: { insecureSkipVerify: false } } } } });
    expect(verified.endpoint().tlsConfig).toEqual({ insecureSkipVerify: false });
  });

  test('authorization: a token file, a bearer token Secret, or none', () => {
    const file = render({ ...secure(), monitoring: { serviceMonitors: { manager: { authorization: { tokenFile: '/etc/prometheus/secrets/token' } } } } });
    expect(file.endpoint().bearerTokenFile).toBe('/etc/prometheus/secrets/token');
    const secret = render({ ...secure(), monitoring: { serviceMonitors: { manager: { authorization: { mode: 'secret', secret: { name: 'scrape-token' } } } } } });
    expect(secret.endpoint().authorization).toEqual({ type: 'Bearer', credentials: { name: 'scrape-token', key: 'token' } });
    expect(secret.endpoint()).not.toHaveProperty('bearerTokenFile');
    const none = render({ ...secure(), monitoring: { serviceMonitors: { manager: { authorization: { mode: 'none' } } } } });
    expect(none.endpoint()).not.toHaveProperty('bearerTokenFile');
    expect(none.endpoint()).not.toHaveProperty('authorization');
    expect(none.endpoint().scheme).toBe('https');
  });

  test('the probes stay plain HTTP on the health port, which --metrics-secure does not touch', () => {
    const c = r.container();
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(c.livenessProbe.httpGet).not.toHaveProperty('scheme');
    expect(c.args).toContain('--health-probe-bind-address=0.0.0.0:8081');
  });

  test('the NetworkPolicy lets the monitoring namespace reach the metrics port, and the manager reach the API server for its reviews', () => {
    const np = r.get('NetworkPolicy', 'virtrigaud-manager');
    expect(np.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8081 }],
      },
    ]);
    // The default scraper namespace is the namespace the NetworkPolicy admits.
    expect(r.get('ClusterRoleBinding', 'virtrigaud-metrics-reader').subjects[0].namespace).toBe('monitoring');
    expect(np.spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] });
    expect(np).toEqual({ ...plain.get('NetworkPolicy', 'virtrigaud-manager') });
  });

  test('switching it on changes no Deployment selector (immutable on a live cluster) and no Service', () => {
    expect(r.get('Deployment', 'virtrigaud-manager').spec.selector).toEqual(plain.get('Deployment', 'virtrigaud-manager').spec.selector);
    expect(r.get('Service', 'virtrigaud-manager')).toEqual(plain.get('Service', 'virtrigaud-manager'));
  });

  test('every object passes its schema and every lint check', () => {
    for (const o of r.objects) expect({ object: `${o.kind}/${o.metadata.name}`, violations: validateManifest(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, violations: [] });
    expect(lintManifests(r.objects)).toEqual([]);
    const ha = render({ ...secure(), manager: { replicas: 3, metrics: { secure: true, port: 8443 } } });
    expect(lintManifests(ha.objects)).toEqual([]);
    expect(ha.container().args).toContain('--metrics-bind-address=0.0.0.0:8443');
    expect(ha.get('Service', 'virtrigaud-manager').spec.ports[0]).toEqual({ name: 'metrics', port: 8443, targetPort: 'metrics', protocol: 'TCP' });
  });

  test('without monitoring the RBAC still lets any scraper in; without NetworkPolicies nothing else changes', () => {
    const bare = render({ ...secure(), monitoring: { enabled: false }, networkPolicies: { enabled: false } });
    expect(bare.all('ServiceMonitor')).toEqual([]);
    expect(bare.get('ClusterRole', 'virtrigaud-metrics-reader').rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    expect(bare.container().args).toContain('--metrics-secure');
  });

  test('bad secure-metrics values fail with the key path', () => {
    const fails = (values: ValuesInput, message: RegExp) => {
      expect(() => synthesize(values)).toThrow(ValuesError);
      expect(() => synthesize(values)).toThrow(message);
    };
    fails({ manager: { extraArgs: ['--metrics-secure=false'] } }, /^manager\.extraArgs\[0\]: --metrics-secure is set by the toolkit/m);
    fails({ ...secure(), monitoring: { serviceMonitors: { manager: { authorization: { mode: 'secret' } } } } }, /^monitoring\.serviceMonitors\.manager\.authorization\.secret\.name: mode "secret" needs secret\.name/m);
    fails(secure({ scraperServiceAccount: { name: 'Prometheus' } }), /^manager\.metrics\.scraperServiceAccount\.name: .*"Prometheus"/m);
    fails({ ...secure(), monitoring: { serviceMonitors: { manager: { tlsConfig: { ca: { secretName: 'a', configMapName: 'b' } } } } } }, /tlsConfig\.ca\.configMapName: set either secretName or configMapName, not both/);
    fails({ manager: { metrics: { secure: 'yes' } } } as unknown as ValuesInput, /^manager\.metrics\.secure: Invalid input: expected boolean, received string/m);
  });
});
