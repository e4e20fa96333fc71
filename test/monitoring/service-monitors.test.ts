import { Testing } from 'cdk8s';
import { managerJobName, providerJobName, ReleaseContext } from '../../lib/constructs/context';
import { VirtRigaud, VirtRigaudProps } from '../../lib/constructs/virtrigaud';
import { JOB_LABEL } from '../../lib/constructs/labels';
import { validateManifest } from '../../lib/schema/schema-validation';
import { ctx, Manifest, managerService, providerService, synthMonitoring } from './helpers';

type Service = ReturnType<typeof managerService>;
type Port = Service['spec']['ports'][number];

/**
 * What the Prometheus Operator discovers for a ServiceMonitor: Services in the selected
 * namespaces whose labels match the selector, one target per endpoint whose port name the
 * Service has; the job is the value of the `jobLabel` Service label (else the Service name).
 */
function discover(sm: Manifest, services: readonly Service[]) {
  const spec = sm.spec;
  const namespaces: string[] | 'any' = spec.namespaceSelector?.any ? 'any' : spec.namespaceSelector?.matchNames ?? [sm.metadata.namespace!];
  expect(spec.selector.matchExpressions ?? []).toEqual([]);
  return services
    .filter((s) => namespaces === 'any' || namespaces.includes(s.metadata.namespace!))
    .filter((s) => Object.entries(spec.selector.matchLabels as Record<string, string>).every(([k, v]) => s.metadata.labels?.[k] === v))
    .flatMap((s) =>
      (spec.endpoints as { port: string }[])
        .filter((ep) => s.spec.ports.some((p: Port) => p.name === ep.port))
        .map((ep) => ({ service: s.metadata.name, job: (spec.jobLabel && s.metadata.labels?.[spec.jobLabel]) || s.metadata.name, port: ep.port })),
    );
}

const other: ReleaseContext = { ...ctx, releaseName: 'staging' };
const elsewhere: ReleaseContext = { ...ctx, namespace: 'elsewhere' };

const SERVICES: Service[] = [
  managerService(),
  providerService('esx', 'vsphere'),
  providerService('kvm', 'libvirt'),
  // Must not be selected: another release in the same namespace, the same release name in another namespace.
  managerService(other),
  providerService('esx', 'vsphere', other),
  managerService(elsewhere),
  providerService('pve', 'proxmox', elsewhere),
];

describe('ServiceMonitors', () => {
  test('the spec\'s two ServiceMonitors in the release namespace, labelled, valid against the CRD', () => {
    const { objects, find } = synthMonitoring({ additionalLabels: { release: 'kube-prometheus-stack' } });
    const monitors = objects.filter((o) => o.kind === 'ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).toEqual(['virtrigaud-manager', 'virtrigaud-providers']);
    for (const m of monitors) {
      expect(m.apiVersion).toBe('monitoring.coreos.com/v1');
      expect(m.metadata.namespace).toBe('virtrigaud-system');
      expect(m.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/component': 'monitoring', team: 'platform' });
      expect(validateManifest(m)).toEqual([]);
    }
    expect(find('ServiceMonitor', 'virtrigaud-manager').spec.endpoints).toEqual([
      expect.objectContaining({ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s', scheme: 'http' }),
    ]);
  });

  test('each selects exactly its Services (labels, port name, namespace) and Prometheus names the jobs as the alerts do', () => {
    const { find, monitoring } = synthMonitoring();
    const manager = discover(find('ServiceMonitor', 'virtrigaud-manager'), SERVICES);
    const providers = discover(find('ServiceMonitor', 'virtrigaud-providers'), SERVICES);
    expect(manager).toEqual([{ service: 'virtrigaud-manager', job: 'virtrigaud-manager', port: 'metrics' }]);
    expect(providers).toEqual([
      { service: 'virtrigaud-provider-esx', job: 'virtrigaud-provider', port: 'metrics' },
      { service: 'virtrigaud-provider-kvm', job: 'virtrigaud-provider', port: 'metrics' },
    ]);
    // The selector labels are a subset of the Service labels and the port exists (asserted by discover).
    expect(find('ServiceMonitor', 'virtrigaud-manager').spec.jobLabel).toBe(JOB_LABEL);
    expect(managerService().metadata.labels![JOB_LABEL]).toBe(managerJobName(ctx));
    expect(providerService('x', 'vsphere').metadata.labels![JOB_LABEL]).toBe(providerJobName(ctx));

    // Job names the alerts use are exactly the jobs the ServiceMonitors produce.
    const alertJobs = new Set<string>();
    for (const g of monitoring.ruleGroups) {
      for (const r of g.rules) {
        for (const [, op, value] of r.expr.matchAll(/\bjob(=~|=)"([^"]*)"/g)) for (const j of op === '=~' ? value.split('|') : [value]) alertJobs.add(j);
      }
    }
    expect([...alertJobs].sort()).toEqual(['virtrigaud-manager', 'virtrigaud-provider']);
    const produced = new Set([...manager, ...providers].map((t) => t.job));
    for (const j of alertJobs) expect(produced.has(j)).toBe(true);
  });

  test('in a full release, they select the real manager and provider Services', () => {
    const chart = Testing.chart();
    new VirtRigaud(chart, 'release', {
      profile: 'documented',
      providers: [
        { name: 'esx', type: 'vsphere', mode: 'deployment', endpoint: 'https://vcenter.example.com/sdk', credentialsSecret: 'vsphere-credentials' },
        { name: 'kvm', type: 'libvirt', mode: 'deployment', endpoint: 'qemu+ssh://virtrigaud@kvm01.example.com/system', credentialsSecret: 'libvirt-credentials' },
      ],
    } as VirtRigaudProps);
    const objects = Testing.synth(chart) as Manifest[];
    const services = objects.filter((o) => o.kind === 'Service') as Service[];
    const sm = (name: string) => objects.find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === name)!;
    expect(discover(sm('virtrigaud-manager'), services)).toEqual([{ service: 'virtrigaud-manager', job: managerJobName(ctx), port: 'metrics' }]);
    expect(discover(sm('virtrigaud-providers'), services)).toEqual([
      { service: 'virtrigaud-provider-esx', job: providerJobName(ctx), port: 'metrics' },
      { service: 'virtrigaud-provider-kvm', job: providerJobName(ctx), port: 'metrics' },
    ]);
  });

  test('a Service without the metrics port, or of another component, is not scraped', () => {
    const { find } = synthMonitoring();
    const noPort = { ...managerService(), spec: { ports: [{ name: 'health', port: 8081 }] } };
    expect(discover(find('ServiceMonitor', 'virtrigaud-manager'), [noPort])).toEqual([]);
    expect(discover(find('ServiceMonitor', 'virtrigaud-providers'), [managerService()])).toEqual([]);
  });

  test('follows a different release name and namespace', () => {
    const { find } = synthMonitoring({}, { context: { ...ctx, releaseName: 'lab', namespace: 'vms' } });
    const lab: ReleaseContext = { ...ctx, releaseName: 'lab', namespace: 'vms' };
    const sm = find('ServiceMonitor', 'lab-providers');
    expect(sm.metadata.namespace).toBe('vms');
    expect(discover(sm, [...SERVICES, providerService('esx', 'vsphere', lab)])).toEqual([{ service: 'lab-provider-esx', job: 'lab-provider', port: 'metrics' }]);
  });

  test('interval, scrapeTimeout, honorLabels and relabelings are configurable; high-cardinality labels dropped', () => {
    const { find } = synthMonitoring({
      serviceMonitors: {
        interval: '1m',
        scrapeTimeout: '20s',
        honorLabels: true,
        dropLabels: ['vm_name'],
        metricRelabelings: [{ action: 'drop', sourceLabels: ['__name__'], regex: 'go_gc_.*' }],
        relabelings: [{ action: 'replace', targetLabel: 'cluster', replacement: 'lab' }],
      },
    });
    const ep = find('ServiceMonitor', 'virtrigaud-providers').spec.endpoints[0];
    expect(ep).toMatchObject({ interval: '1m', scrapeTimeout: '20s', honorLabels: true });
    expect(ep.metricRelabelings).toEqual([
      { action: 'labeldrop', regex: '(vm_name)' },
      { action: 'drop', sourceLabels: ['__name__'], regex: 'go_gc_.*' },
    ]);
    expect(ep.relabelings).toEqual([{ action: 'replace', targetLabel: 'cluster', replacement: 'lab' }]);
    const defaults = synthMonitoring().find('ServiceMonitor', 'virtrigaud-manager').spec.endpoints[0];
    expect(defaults.metricRelabelings).toEqual([{ action: 'labeldrop', regex: '(moref|uuid|vm|vm_id|vm_name|vm_uuid)' }]);
  });

  test('secure manager metrics: HTTPS, TLS and the Prometheus ServiceAccount token', () => {
    const secure = synthMonitoring({}, { managerMetrics: { secure: true } }).find('ServiceMonitor', 'virtrigaud-manager');
    expect(secure.spec.endpoints[0]).toMatchObject({
      scheme: 'https',
      tlsConfig: { insecureSkipVerify: true },
      bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
      port: 'metrics',
    });
    expect(validateManifest(secure)).toEqual([]);

    const withCa = synthMonitoring(
      { serviceMonitors: { manager: { tlsConfig: { ca: { secretName: 'manager-metrics-ca' }, serverName: 'virtrigaud-manager.virtrigaud-system.svc' }, authorization: { mode: 'secret', secret: { name: 'scraper-token' } } } } },
      { managerMetrics: { secure: true } },
    ).find('ServiceMonitor', 'virtrigaud-manager');
    expect(withCa.spec.endpoints[0].tlsConfig).toEqual({ ca: { secret: { name: 'manager-metrics-ca', key: 'ca.crt' } }, serverName: 'virtrigaud-manager.virtrigaud-system.svc' });
    expect(withCa.spec.endpoints[0].authorization).toEqual({ type: 'Bearer', credentials: { name: 'scraper-token', key: 'token' } });
    expect(withCa.spec.endpoints[0].bearerTokenFile).toBeUndefined();
    expect(validateManifest(withCa)).toEqual([]);

    // Without --metrics-secure the TLS/auth settings are not used.
    const plain = synthMonitoring({ serviceMonitors: { manager: { authorization: { mode: 'serviceAccountToken' } } } }).find('ServiceMonitor', 'virtrigaud-manager');
    expect(plain.spec.endpoints[0]).toEqual({ port: 'metrics', path: '/metrics', interval: '30s', scrapeTimeout: '10s', scheme: 'http', metricRelabelings: expect.any(Array) });
  });

  test('providers over HTTPS with a CA from a ConfigMap', () => {
    const sm = synthMonitoring({ serviceMonitors: { providers: { scheme: 'https', tlsConfig: { ca: { configMapName: 'provider-ca' } } } } }).find('ServiceMonitor', 'virtrigaud-providers');
    expect(sm.spec.endpoints[0]).toMatchObject({ scheme: 'https', tlsConfig: { ca: { configMap: { name: 'provider-ca', key: 'ca.crt' } } } });
    expect(validateManifest(sm)).toEqual([]);
  });

  test('enable flags', () => {
    const kinds = (input: Parameters<typeof synthMonitoring>[0]) => synthMonitoring(input).objects.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds({ serviceMonitors: { enabled: false } }).filter((k) => k.startsWith('ServiceMonitor'))).toEqual([]);
    expect(kinds({ serviceMonitors: { manager: { enabled: false } } }).filter((k) => k.startsWith('ServiceMonitor'))).toEqual(['ServiceMonitor/virtrigaud-providers']);
    expect(kinds({ serviceMonitors: { providers: { enabled: false } } }).filter((k) => k.startsWith('ServiceMonitor'))).toEqual(['ServiceMonitor/virtrigaud-manager']);
    expect(kinds({ enabled: false })).toEqual([]);
  });
});

describe('ServiceMonitors, profile v0.3.11', () => {
  test('no providers ServiceMonitor (v0.3.11 providers serve no /metrics: a scrape would 404), the manager one stays', () => {
    const { objects } = synthMonitoring({}, { profile: 'v0.3.11', providers: [{ serviceName: 'virtrigaud-provider-esx' }] });
    expect(objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name)).toEqual(['virtrigaud-manager']);
  });

  test('a full default release scrapes only the manager', () => {
    const chart = Testing.chart();
    new VirtRigaud(chart, 'release', { providers: [{ name: 'esx', type: 'vsphere', endpoint: 'https://vcenter.example.com/sdk', credentialsSecret: 'vsphere-credentials' }] });
    const objects = Testing.synth(chart) as Manifest[];
    expect(objects.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name)).toEqual(['virtrigaud-manager']);
    const rule = objects.find((o) => o.kind === 'PrometheusRule')!;
    const down = rule.spec.groups.flatMap((g: { rules: { alert?: string; expr: string }[] }) => g.rules).find((r: { alert?: string }) => r.alert === 'VirtrigaudProviderDown');
    expect(down.expr).toBe('max by (namespace, provider_type, provider) (min_over_time(virtrigaud_circuit_breaker_state{namespace="virtrigaud-system"}[5m])) >= 1');
  });
});
