/**
 * The monitoring path as a kube-prometheus-stack user runs it, every piece real: the Prometheus
 * Operator v0.93.0 turns the release's ServiceMonitor and PrometheusRule into a configuration;
 * Prometheus 3.16.0 (built from its Go module by `npm run e2e:build`, e2e/peers/prometheus) runs
 * that configuration unchanged but for what the Pod would do (the config-reloader's `$(VAR)`s, the
 * mounted files), and finds the manager through Kubernetes service discovery against the e2e API
 * server, with the credentials and CA the `Prometheus` object's `apiserverConfig` names. Debian's
 * Alertmanager, found the same way, hands alerts to a webhook of this test.
 *
 * The manager is a stand-in on a private address (private-address.ts: the API server refuses
 * loopback in EndpointSlices): an HTTP server serving the families VirtRigaud v0.3.11 registers,
 * with the names, help, types and label names read from upstream's metrics.go, whose error
 * counters grow with every scrape. It is stopped and started again to drive VirtrigaudManagerDown.
 */
import { ChildProcess, spawnSync } from 'child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, IncomingMessage, Server } from 'http';
import { join } from 'path';
import { stringify as toYaml } from 'yaml';
import { registrations, UPSTREAM_METRICS_SOURCE } from '../monitoring/upstream-registrations';
import { ControlPlane, controlPlaneBinaries, KubeVersion, startControlPlane, stopProcessGroups } from './control-plane';
import {
  applyOperatorCrds, freePort, generatedConfig, generatedRuleConfigMaps, getJson, OPERATOR, PROMETHEUS_NAME, prometheusObject,
  reloaderExpanded, STACK, startOperator, until as untilAny,
} from './kube-prometheus-stack';
import { peerBinary } from './peers';
import { createPrivateAddress, PrivateAddress } from './private-address';
import { e2eTempDir, spawnServer } from './processes';
import { expectClean, K8sObject, parseObjects, synth } from './releases';
import { peersBuilt } from './suite';

const SUITE = 'e2e prometheus';
const VERSION: KubeVersion = '1.28';
const PROMETHEUS = 'prometheus-v3.16.0';
const ALERTMANAGER = 'prometheus-alertmanager';
const RELEASE = 'vr';
const ALERTMANAGER_SERVICE = `${STACK.release}-kube-prometheus-stack-alertmanager`;
/** Short `for`s (alerts are tunable from values), so that the suite runs in a minute. */
const FOR = { VirtrigaudManagerDown: '3s', VirtrigaudHighErrorRate: '2s' };

const until = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) =>
  untilAny(what, timeoutMs, probe, 200).catch((e: Error) => { throw new Error(`${SUITE}: ${e.message}`); });

function render(): K8sObject[] {
  const r = synth([
    'synth',
    '--set', `releaseName=${RELEASE}`,
    '--set', `namespace=${RELEASE}`,
    '--set', `monitoring.additionalLabels.release=${STACK.release}`,
    '--set', 'monitoring.serviceMonitors.interval=1s',
    '--set', 'monitoring.serviceMonitors.scrapeTimeout=1s',
    ...Object.entries(FOR).flatMap(([alert, d]) => ['--set', `monitoring.rules.alerts.${alert}.for=${d}`]),
    '--output', '-',
  ]);
  if (r.code !== 0) throw new Error(`synth: ${r.stderr}`);
  return parseObjects(r.stdout);
}

/**
 * The stand-in for the manager's /metrics: v0.3.11's families (from the vendored metrics.go) with
 * series of one libvirt Provider `lab`; each scrape adds one success and one error to the counters,
 * so every error ratio is 0.5.
 */
class Exporter {
  private scrapes = 0;
  private server: Server | undefined;
  port = 0;
  constructor(private readonly ip: string) {}

  exposition(): string {
    const n = ++this.scrapes;
    const source = UPSTREAM_METRICS_SOURCE;
    const constant = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"([^"]+)"`).exec(source)![1];
    const [success, error, create, manager] = ['OutcomeSuccess', 'OutcomeError', 'OpCreate', 'ComponentManager'].map(constant);
    const provider = { provider_type: 'libvirt', provider: 'lab' };
    const series: Record<string, Array<[Record<string, string>, number]>> = {
      virtrigaud_build_info: [[{ version: 'v0.3.11', git_sha: 'e2e', go_version: 'go1.26', component: manager }, 1]],
      virtrigaud_manager_reconcile_total: [[{ kind: 'VirtualMachine', outcome: success }, n], [{ kind: 'VirtualMachine', outcome: error }, n]],
      virtrigaud_vm_operations_total: [[{ operation: create, ...provider, outcome: success }, n], [{ operation: create, ...provider, outcome: error }, n]],
      virtrigaud_provider_rpc_requests_total: [[{ provider_type: 'libvirt', method: 'Create', code: 'OK' }, n], [{ provider_type: 'libvirt', method: 'Create', code: 'Unavailable' }, n]],
      virtrigaud_errors_total: [[{ reason: 'provider-resolve', component: manager }, n]],
      virtrigaud_provider_tasks_inflight: [[provider, 1]],
      virtrigaud_circuit_breaker_state: [[provider, 0]],
    };
    const lines: string[] = [];
    for (const family of registrations(source)) {
      const samples = series[family.name];
      if (!samples) continue;
      lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
      for (const [labels, value] of samples) {
        // Label names exactly as registered, in their order (as client_golang writes them).
        if (Object.keys(labels).join() !== family.labels.join()) throw new Error(`${family.name}: labels ${Object.keys(labels)} are not ${family.labels}`);
        lines.push(`${family.name}{${family.labels.map((l) => `${l}="${labels[l]}"`).join(',')}} ${value}`);
      }
    }
    return lines.join('\n') + '\n';
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(this.exposition());
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, this.ip, () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The Alertmanager webhook payloads this test receives. */
interface Notification {
  status: string;
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string> }>;
}

const prometheusRoles = {
  // kube-prometheus-stack's Prometheus ClusterRole (templates/prometheus/clusterrole.yaml), the part discovery needs.
  clusterRole: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: PROMETHEUS_NAME },
    rules: [
      { apiGroups: [''], resources: ['nodes', 'nodes/metrics', 'services', 'endpoints', 'pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['get', 'list', 'watch'] },
      { nonResourceURLs: ['/metrics', '/metrics/cadvisor'], verbs: ['get'] },
    ],
  },
  binding: {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: PROMETHEUS_NAME },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: PROMETHEUS_NAME },
    subjects: [{ kind: 'ServiceAccount', name: PROMETHEUS_NAME, namespace: STACK.namespace }],
  },
};

/** An EndpointSlice of `service` with one ready address, as the EndpointSlice controller would write it. */
function endpointSlice(namespace: string, service: string, ip: string, ports: Array<{ name: string; port: number }>) {
  return {
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${service}-e2e`, namespace, labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'virtrigaud-e2e' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [ip], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace, name: `${service}-0` } }],
    ports: ports.map((p) => ({ ...p, protocol: 'TCP' })),
  };
}

/** What the suite needs besides the peers: Debian's Alertmanager, and root for the private address. */
const unmet = [
  ...(spawnSync(ALERTMANAGER, ['--version'], { stdio: 'ignore' }).error !== undefined ? [`${ALERTMANAGER} is not installed (Debian package prometheus-alertmanager; .ci/run installs it)`] : []),
  ...(spawnSync('ip', ['-V'], { stdio: 'ignore' }).error !== undefined ? ['ip is not installed (Debian package iproute2)'] : []),
  ...(process.getuid?.() !== 0 ? ['not root (a veth pair and a network namespace need CAP_NET_ADMIN)'] : []),
];
if (unmet.length > 0) {
  const message = `${SUITE}: skipped, ${unmet.join('; ')}`;
  if (process.env.CI) test(message, () => { throw new Error(`${message}; CI is set, so this is a failure`); });
  else {
    process.stderr.write(`${message}\n`);
    describe.skip(SUITE, () => test(message, () => undefined));
  }
}
const built = unmet.length === 0 && peersBuilt(SUITE, [...Object.values(controlPlaneBinaries(VERSION)), OPERATOR, PROMETHEUS]);

if (built) {
  jest.setTimeout(240_000);

  describe(`${SUITE} ${PROMETHEUS} with the Prometheus Operator v0.93.0 and Alertmanager on Kubernetes ${VERSION}`, () => {
    let cp: ControlPlane | undefined;
    let net: PrivateAddress | undefined;
    let work = '';
    const pids: number[] = [];
    let operator: ChildProcess | undefined;
    let exporter: Exporter | undefined;
    let webhook: Server | undefined;
    const notifications: Notification[] = [];
    let promPort = 0;
    let config: any;
    const objects = render();
    const managerSm = objects.find((o) => o.kind === 'ServiceMonitor' && o.metadata.name === `${RELEASE}-manager`)!;
    const managerService = objects.find((o) => o.kind === 'Service' && o.metadata.name === `${RELEASE}-manager`)!;
    const managerJob = `serviceMonitor/${RELEASE}/${managerSm.metadata.name}/0`;
    const c = () => {
      if (!cp) throw new Error(`${SUITE}: the control plane did not start`);
      return cp;
    };
    const apply = async (what: string, items: unknown[]) =>
      expectClean(what, await c().kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }) }));
    const api = async (path: string): Promise<any> => {
      const res = await fetch(`http://127.0.0.1:${promPort}${path}`).catch(() => undefined);
      return res?.ok ? ((await res.json()) as any).data : undefined;
    };
    const alerts = async (name: string): Promise<any[]> => ((await api('/api/v1/alerts'))?.alerts ?? []).filter((a: any) => a.labels.alertname === name);
    const spawnLogged = (bin: string, args: string[], log: string): ChildProcess => {
      const child = spawnServer(bin, args, join(work, log));
      if (child.pid) pids.push(child.pid);
      return child;
    };

    beforeAll(async () => {
      work = e2eTempDir('prometheus');
      net = await createPrivateAddress();
      cp = await startControlPlane({ version: VERSION });
      console.log(`${SUITE}: kube-apiserver ${cp.serverVersion} at ${cp.server}; manager stand-in and Alertmanager on ${net.ip}`);

      // The manager stand-in and Alertmanager on the private address; the webhook on loopback.
      exporter = new Exporter(net.ip);
      await exporter.start();
      webhook = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => {
          notifications.push(JSON.parse(body) as Notification);
          res.end();
        });
      });
      await new Promise<void>((resolve) => webhook!.listen(0, '127.0.0.1', resolve));
      const amPort = await freePort(net.ip);
      writeFileSync(join(work, 'alertmanager.yaml'), toYaml({
        route: { receiver: 'e2e', group_by: ['alertname'], group_wait: '0s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'e2e', webhook_configs: [{ url: `http://127.0.0.1:${(webhook.address() as { port: number }).port}/`, send_resolved: true }] }],
      }));
      spawnLogged(ALERTMANAGER, [
        `--config.file=${join(work, 'alertmanager.yaml')}`, `--storage.path=${join(work, 'alertmanager')}`,
        `--web.listen-address=${net.ip}:${amPort}`, '--cluster.listen-address=',
      ], 'alertmanager.log');

      await applyOperatorCrds(c(), work);
      expectClean('namespace', await c().kubectl(['create', 'namespace', STACK.namespace]));
      // Prometheus' ServiceAccount and RBAC; a token of it and the API server's CA for apiserverConfig.
      expectClean('ServiceAccount', await c().kubectl(['create', 'serviceaccount', '-n', STACK.namespace, PROMETHEUS_NAME]));
      await apply('RBAC', [prometheusRoles.clusterRole, prometheusRoles.binding]);
      const token = await c().kubectl(['create', 'token', '-n', STACK.namespace, PROMETHEUS_NAME, '--duration=1h']);
      expectClean('token', token);
      // Mounted by the operator at /etc/prometheus/secrets/<name>/ (spec.secrets). Secret references in
      // apiserverConfig do not work with ServiceMonitors in v0.93.0: the operator looks them up in the
      // ServiceMonitor's namespace (its log: "invalid credentials reference").
      await apply('apiserver credentials', [{
        apiVersion: 'v1', kind: 'Secret', metadata: { name: 'e2e-apiserver', namespace: STACK.namespace },
        stringData: { token: token.stdout.trim(), 'ca.crt': readFileSync(join(c().dir, 'pki', 'apiserver.crt'), 'utf8') },
      }]);
      await apply('Prometheus', [prometheusObject({
        version: 'v3.16.0',
        scrapeInterval: '1s',
        scrapeTimeout: '1s',
        evaluationInterval: '1s',
        serviceDiscoveryRole: 'EndpointSlice',
        secrets: ['e2e-apiserver'],
        apiserverConfig: {
          host: c().server,
          authorization: { type: 'Bearer', credentialsFile: '/etc/prometheus/secrets/e2e-apiserver/token' },
          tlsConfig: { caFile: '/etc/prometheus/secrets/e2e-apiserver/ca.crt' },
        },
        // kube-prometheus-stack's default: its Alertmanager Service, port http-web, API v2.
        alerting: { alertmanagers: [{ namespace: STACK.namespace, name: ALERTMANAGER_SERVICE, port: 'http-web', pathPrefix: '/', apiVersion: 'v2' }] },
      })]);
      operator = await startOperator(c(), join(work, 'operator.log'));

      // The release (its CRDs first), then what the EndpointSlice controller would write for the
      // manager's Service and the Alertmanager Service: the private address.
      await apply('CRDs', objects.filter((o) => o.kind === 'CustomResourceDefinition'));
      expectClean('CRDs Established', await c().kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=virtrigaud']));
      expectClean('release', await c().kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.filter((o) => o.kind !== 'CustomResourceDefinition') }) }));
      await apply('EndpointSlices and the Alertmanager Service', [
        endpointSlice(RELEASE, managerService.metadata.name, net.ip, [{ name: managerSm.spec.endpoints[0].port, port: exporter.port }]),
        { apiVersion: 'v1', kind: 'Service', metadata: { name: ALERTMANAGER_SERVICE, namespace: STACK.namespace }, spec: { ports: [{ name: 'http-web', port: 9093, targetPort: 9093 }], selector: { 'app.kubernetes.io/name': 'alertmanager' } } },
        endpointSlice(STACK.namespace, ALERTMANAGER_SERVICE, net.ip, [{ name: 'http-web', port: amPort }]),
      ]);

      // What the operator generated, made into the Pod's files.
      config = await until('the generated configuration with the manager job and the rules', 120_000, async () => {
        const cfg = await generatedConfig(c());
        return cfg?.scrape_configs?.some((s: any) => s.job_name === managerJob) && cfg?.rule_files?.length > 0 ? cfg : undefined;
      });
      const ruleMaps = await until('the rule ConfigMaps', 60_000, async () => {
        const maps = await generatedRuleConfigMaps(c());
        return [...maps.values()].some((m) => [...m.keys()].some((f) => f.startsWith(`${RELEASE}-`))) ? maps : undefined;
      });
      const etc = join(work, 'etc-prometheus');
      for (const [name, files] of ruleMaps) {
        mkdirSync(join(etc, 'rules', name), { recursive: true });
        for (const [file, text] of files) writeFileSync(join(etc, 'rules', name, file), text);
      }
      const assets = await getJson(c(), ['secret', '-n', STACK.namespace, `prometheus-${PROMETHEUS_NAME}-tls-assets-0`]);
      mkdirSync(join(etc, 'certs'), { recursive: true });
      for (const [key, value] of Object.entries(assets.data ?? {})) writeFileSync(join(etc, 'certs', key), Buffer.from(value as string, 'base64'));
      for (const name of ['e2e-apiserver']) {
        const secret = await getJson(c(), ['secret', '-n', STACK.namespace, name]);
        mkdirSync(join(etc, 'secrets', name), { recursive: true });
        for (const [key, value] of Object.entries(secret.data ?? {})) writeFileSync(join(etc, 'secrets', name, key), Buffer.from(value as string, 'base64'));
      }
      // The Pod's mounts: /etc/prometheus/{rules,certs,secrets} are the folders just written.
      const podConfig = JSON.parse(JSON.stringify(reloaderExpanded(config)).replace(/"\/etc\/prometheus\//g, `"${etc}/`));
      writeFileSync(join(work, 'prometheus.yaml'), toYaml(podConfig));
      const unmapped = JSON.stringify(podConfig).match(/"\/(etc|var)\/[^"]*"/g);
      if (unmapped) throw new Error(`${SUITE}: paths of the Pod left in the configuration: ${unmapped.join(', ')}`);

      promPort = await freePort();
      spawnLogged(peerBinary(PROMETHEUS)!, [
        `--config.file=${join(work, 'prometheus.yaml')}`, `--storage.tsdb.path=${join(work, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ], 'prometheus.log');
      await until('Prometheus ready', 60_000, async () => ((await fetch(`http://127.0.0.1:${promPort}/-/ready`).catch(() => undefined))?.ok ? true : undefined));
    }, 240_000);

    afterAll(async () => {
      if (operator?.pid) pids.push(operator.pid);
      await stopProcessGroups(pids);
      await exporter?.stop();
      if (webhook) await new Promise((resolve) => webhook!.close(resolve));
      await cp?.stop();
      await net?.stop();
      if (work !== '') rmSync(work, { recursive: true, force: true });
    });

    test('the Prometheus is 3.16.0, built with the Kubernetes discovery', async () => {
      expect((await api('/api/v1/status/buildinfo'))?.version).toBe('3.16.0');
      const job = config.scrape_configs.find((s: any) => s.job_name === managerJob);
      // The operator's discovery, untouched: the e2e API server, role endpointslice, the release namespace.
      expect(job.kubernetes_sd_configs).toEqual([expect.objectContaining({ api_server: c().server, role: 'endpointslice', namespaces: { names: [RELEASE] } })]);
    });

    test('Kubernetes discovery finds the manager; its target is up with the job, namespace, service and endpoint the alerts use', async () => {
      const target = await until('the manager target up', 60_000, async () =>
        ((await api('/api/v1/targets?state=active'))?.activeTargets ?? []).find((t: any) => t.scrapePool === managerJob && t.health === 'up'));
      expect(target.discoveredLabels).toEqual(expect.objectContaining({
        __meta_kubernetes_endpointslice_name: `${managerService.metadata.name}-e2e`,
        __meta_kubernetes_service_name: managerService.metadata.name,
      }));
      expect(target.labels).toEqual(expect.objectContaining({
        job: managerService.metadata.labels?.[managerSm.spec.jobLabel],
        namespace: RELEASE,
        service: managerService.metadata.name,
        endpoint: managerSm.spec.endpoints[0].port,
      }));
      const managerDown = objects.filter((o) => o.kind === 'PrometheusRule').flatMap((pr) => pr.spec.groups.flatMap((g: any) => g.rules)).find((r: any) => r.alert === 'VirtrigaudManagerDown');
      expect(String(managerDown.expr)).toContain(`job="${target.labels.job}"`);
    });

    test('the recording rules produce series from the scraped families', async () => {
      const result = await until('namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m', 60_000, async () => {
        const data = await api(`/api/v1/query?query=${encodeURIComponent('namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m')}`);
        return data?.result?.length > 0 ? data.result : undefined;
      });
      // The stand-in counts one error per success: the ratio is one half.
      expect(result.map((r: any) => ({ labels: r.metric, value: Number(r.value[1]) }))).toEqual([{
        labels: { __name__: 'namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m', namespace: RELEASE, provider_type: 'libvirt', provider: 'lab' },
        value: 0.5,
      }]);
      const groups = (await api('/api/v1/rules'))?.groups ?? [];
      expect(groups.flatMap((g: any) => g.rules).filter((r: any) => r.health !== 'ok').map((r: any) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
    });

    test('a rate-based alert fires from the scraped error counters and reaches Alertmanager with severity and runbook_url', async () => {
      const start = Date.now();
      const firing = await until('VirtrigaudHighErrorRate firing', 60_000, async () => (await alerts('VirtrigaudHighErrorRate')).find((a) => a.state === 'firing'));
      expect(firing.labels).toEqual(expect.objectContaining({ namespace: RELEASE, provider: 'lab', provider_type: 'libvirt', severity: 'warning' }));
      const received = await until('VirtrigaudHighErrorRate at the webhook', 60_000, async () =>
        notifications.flatMap((n) => n.alerts).find((a) => a.labels.alertname === 'VirtrigaudHighErrorRate' && a.status === 'firing'));
      console.log(`${SUITE}: VirtrigaudHighErrorRate (for ${FOR.VirtrigaudHighErrorRate}) firing and at the webhook within ${Date.now() - start}ms of this test's start`);
      expect(received.labels.severity).toBe('warning');
      expect(received.annotations.runbook_url).toMatch(/^https:\/\/.+VirtrigaudHighErrorRate/i);
    });

    test('VirtrigaudManagerDown: pending, then firing when the manager stops, resolved when it returns', async () => {
      await until('the manager target up', 60_000, async () => (((await api(`/api/v1/query?query=${encodeURIComponent(`up{job="${managerService.metadata.labels?.[managerSm.spec.jobLabel]}"}`)}`))?.result ?? [])[0]?.value?.[1] === '1' ? true : undefined));
      await until('VirtrigaudManagerDown inactive', 30_000, async () => ((await alerts('VirtrigaudManagerDown')).length === 0 ? true : undefined));

      const stopped = Date.now();
      await exporter!.stop();
      const pending = await until('VirtrigaudManagerDown pending', 30_000, async () => (await alerts('VirtrigaudManagerDown')).find((a) => a.state === 'pending'));
      const pendingMs = Date.now() - stopped;
      const firing = await until('VirtrigaudManagerDown firing', 30_000, async () => (await alerts('VirtrigaudManagerDown')).find((a) => a.state === 'firing'));
      const firingMs = Date.now() - stopped;
      expect(pending.labels).toEqual(expect.objectContaining({ namespace: RELEASE, severity: 'critical' }));
      expect(firing.labels).toEqual(expect.objectContaining({ namespace: RELEASE, severity: 'critical' }));
      // Not before its `for` has passed since it became active.
      expect(new Date(firing.activeAt).getTime() + parseInt(FOR.VirtrigaudManagerDown, 10) * 1000).toBeLessThanOrEqual(Date.now());
      const received = await until('VirtrigaudManagerDown at the webhook', 30_000, async () =>
        notifications.flatMap((n) => n.alerts).find((a) => a.labels.alertname === 'VirtrigaudManagerDown' && a.status === 'firing'));
      const notifiedMs = Date.now() - stopped;
      expect(received.labels).toEqual(expect.objectContaining({ severity: 'critical', namespace: RELEASE }));
      expect(received.annotations.runbook_url).toMatch(/^https:\/\/.+VirtrigaudManagerDown/i);

      const restarted = Date.now();
      await exporter!.start();
      await until('VirtrigaudManagerDown resolved', 30_000, async () => ((await alerts('VirtrigaudManagerDown')).length === 0 ? true : undefined));
      const resolvedMs = Date.now() - restarted;
      await until('the resolved VirtrigaudManagerDown at the webhook', 30_000, async () =>
        notifications.flatMap((n) => n.alerts).find((a) => a.labels.alertname === 'VirtrigaudManagerDown' && a.status === 'resolved'));
      const resolvedNotifiedMs = Date.now() - restarted;
      console.log(`${SUITE}: VirtrigaudManagerDown (for ${FOR.VirtrigaudManagerDown}, scrape and evaluation every 1s): pending ${pendingMs}ms, firing ${firingMs}ms, at the webhook ${notifiedMs}ms after the stand-in stopped; resolved ${resolvedMs}ms, resolved at the webhook ${resolvedNotifiedMs}ms after it returned`);
    });

    test('Prometheus logged no error', () => {
      const errors = readFileSync(join(work, 'prometheus.log'), 'utf8').split('\n').filter((l) => /level=(error|ERROR)/.test(l));
      expect(errors).toEqual([]);
    });
  });
}
