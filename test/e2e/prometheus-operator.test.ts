/**
 * The monitoring path with the real Prometheus Operator v0.93.0 (the version of the vendored CRDs,
 * built by `npm run e2e:build` from e2e/peers/prometheus-operator) on a real API server: a
 * `Prometheus` configured like kube-prometheus-stack's default (ServiceMonitors and PrometheusRules
 * selected by `release: <its release>` in any namespace), two releases rendered with that label
 * from values (`monitoring.additionalLabels`), one with `manager.metrics.secure: true`. Read back:
 * the configuration the operator generated (Secret `prometheus-<name>`, gzipped) and its rule
 * ConfigMaps (`prometheus-<name>-rulefiles-N`). The relabelling is not judged by us: Prometheus'
 * own `promtool check service-discovery` applies the generated relabelling to the targets
 * Kubernetes discovery makes of the release's Services (Debian's Prometheus has no Kubernetes
 * discovery, so they are given as static targets with the documented meta labels). Last, Debian's
 * Prometheus runs the manager job and the rule files against a loopback stand-in for the manager.
 * One API-server version is enough here (1.28, the schema the toolkit targets): the operator's
 * output does not depend on it.
 */
import { ChildProcess } from 'child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer as createHttpServer } from 'http';
import { join } from 'path';
import { stringify as toYaml } from 'yaml';
import { ControlPlane, controlPlaneBinaries, KubeVersion, run, startControlPlane, stopProcessGroups } from './control-plane';
import {
  applyOperatorCrds, freePort, generatedConfig, generatedRuleFiles, getJson, OPERATOR, PROMETHEUS_NAME, prometheusObject,
  reloaderExpanded, STACK, startOperator, until as untilAny,
} from './kube-prometheus-stack';
import { EXAMPLES_DIR, expectClean, K8sObject, parseObjects, PROMETHEUS_OPERATOR_CRDS, synth } from './releases';
import { e2eTempDir, spawnServer } from './processes';
import { peersBuilt } from './suite';

const SUITE = 'e2e prometheus operator';
const VERSION: KubeVersion = '1.28';

interface TestRelease {
  name: string;
  secure: boolean;
  yaml: string;
  objects: K8sObject[];
}

function render(name: string, secure: boolean, args: string[]): TestRelease {
  const r = synth([
    'synth',
    ...args,
    '--set', `releaseName=${name}`,
    '--set', `namespace=${name}`,
    '--set', `monitoring.additionalLabels.release=${STACK.release}`,
    '--set', `manager.metrics.secure=${secure}`,
    '--output', '-',
  ]);
  if (r.code !== 0) throw new Error(`synth ${name}: ${r.stderr}`);
  return { name, secure, yaml: r.stdout, objects: parseObjects(r.stdout) };
}

const until = <T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) =>
  untilAny(what, timeoutMs, probe).catch((e: Error) => { throw new Error(`${SUITE}: ${e.message}`); });

const serviceMonitors = (r: TestRelease) => r.objects.filter((o) => o.kind === 'ServiceMonitor');
const prometheusRules = (r: TestRelease) => r.objects.filter((o) => o.kind === 'PrometheusRule');

/** The Services of the release a ServiceMonitor selects (matchLabels only: what ours use). */
function selectedServices(r: TestRelease, sm: K8sObject): K8sObject[] {
  const match: Record<string, string> = sm.spec.selector.matchLabels ?? {};
  return r.objects.filter((o) => o.kind === 'Service' && Object.entries(match).every(([k, v]) => o.metadata.labels?.[k] === v));
}

/** The `job` values the release's rules name in their selectors (`job="..."`). */
function jobsNamedByRules(r: TestRelease): string[] {
  const jobs = new Set<string>();
  for (const rule of prometheusRules(r)) {
    for (const group of rule.spec.groups) {
      for (const item of group.rules) {
        for (const m of String(item.expr).matchAll(/\bjob\s*=\s*"([^"]+)"/g)) jobs.add(m[1]);
      }
    }
  }
  return [...jobs].sort();
}

/** An address from TEST-NET-1 (RFC 5737): relabelling only, nothing is scraped. */
const TARGET_IP = '192.0.2.10';

/** One target as `promtool check service-discovery` reports it: before and after relabelling. */
interface DiscoveredTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  error?: unknown;
}

/** A label name as Prometheus' Kubernetes discovery writes a Kubernetes label into a meta label. */
const metaName = (label: string) => label.replace(/[^a-zA-Z0-9_]/g, '_');

/**
 * The targets Prometheus' Kubernetes discovery (role `endpoints`) makes of a Service with one ready
 * Pod: one per port, with the meta labels of the discovery's documentation
 * (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#endpoints).
 */
function endpointsTargets(service: K8sObject): Array<{ targets: string[]; labels: Record<string, string> }> {
  const serviceLabels = Object.fromEntries(Object.entries(service.metadata.labels ?? {}).flatMap(([k, v]) => [
    [`__meta_kubernetes_service_label_${metaName(k)}`, v],
    [`__meta_kubernetes_service_labelpresent_${metaName(k)}`, 'true'],
  ]));
  return service.spec.ports.map((p: any) => ({
    targets: [`${TARGET_IP}:${typeof p.targetPort === 'number' ? p.targetPort : p.port}`],
    labels: {
      __meta_kubernetes_namespace: service.metadata.namespace!,
      __meta_kubernetes_endpoints_name: service.metadata.name,
      __meta_kubernetes_service_name: service.metadata.name,
      ...serviceLabels,
      __meta_kubernetes_endpoint_port_name: p.name,
      __meta_kubernetes_endpoint_port_protocol: p.protocol ?? 'TCP',
      __meta_kubernetes_endpoint_ready: 'true',
      __meta_kubernetes_endpoint_address_target_kind: 'Pod',
      __meta_kubernetes_endpoint_address_target_name: `${service.metadata.name}-0`,
    },
  }));
}

/**
 * Prometheus' own relabelling (`promtool check service-discovery`) of one job of the generated
 * configuration. Debian's Prometheus is built without Kubernetes discovery, so the job's
 * `kubernetes_sd_configs` are replaced by `static_configs` holding the targets that discovery
 * would find for `services`; everything else of the job is the operator's.
 */
async function relabel(work: string, config: any, job: string, services: K8sObject[]): Promise<DiscoveredTarget[]> {
  const scrape = { ...reloaderExpanded(config).scrape_configs.find((s: any) => s.job_name === job) };
  delete scrape.kubernetes_sd_configs;
  const rewritten = { global: config.global, scrape_configs: [{ ...scrape, static_configs: services.flatMap(endpointsTargets) }] };
  const file = join(work, `sd-${job.replace(/[^a-z0-9-]/gi, '_')}.yaml`);
  writeFileSync(file, toYaml(rewritten));
  const r = await run('promtool', ['check', 'service-discovery', '--timeout=2s', file, job]);
  if (r.code !== 0) throw new Error(`promtool check service-discovery ${job}: exit ${r.code}\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout) as DiscoveredTarget[];
}

const built = peersBuilt(SUITE, [...Object.values(controlPlaneBinaries(VERSION)), OPERATOR]);

if (built) {
  jest.setTimeout(300_000);

  describe(`${SUITE} v0.93.0 on Kubernetes ${VERSION}`, () => {
    let cp: ControlPlane | undefined;
    let work = '';
    let operator: ChildProcess | undefined;
    let operatorLog = '';
    let config: any;
    let ruleFiles = new Map<string, any>();
    // vr-plain: every provider kind in `deployment` mode (a ServiceMonitor per component);
    // vr-secure: the default release with `manager.metrics.secure: true`.
    // vr-secure verifies the manager's certificate with a CA from a Secret (and the default server name).
    // Its PEM: a real certificate (the operator checks it), the e2e API server's, read once that runs.
    const METRICS_CA = { name: 'manager-metrics-ca', key: 'ca.crt', pem: '' };
    const releases = [
      render('vr-plain', false, ['-f', join(EXAMPLES_DIR, 'all-providers.yaml')]),
      render('vr-secure', true, ['--set', `monitoring.serviceMonitors.manager.tlsConfig.ca.secretName=${METRICS_CA.name}`]),
    ];
    const c = () => {
      if (!cp) throw new Error(`${SUITE}: the control plane did not start`);
      return cp;
    };

    beforeAll(async () => {
      work = e2eTempDir('prom');
      cp = await startControlPlane({ version: VERSION });
      console.log(`${SUITE}: kube-apiserver ${cp.serverVersion} (Kubernetes ${VERSION}; one version is enough, the operator's output does not depend on it) at ${cp.server}`);

      // The CRDs the operator embeds (`operator crds`): all its kinds, the vendored three among them.
      await applyOperatorCrds(c(), work);

      expectClean('namespace', await c().kubectl(['create', 'namespace', STACK.namespace]));
      expectClean('Prometheus', await c().kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(prometheusObject()) }));

      operatorLog = join(work, 'operator.log');
      operator = await startOperator(c(), operatorLog);

      for (const r of releases) {
        // The release's CRDs first: it renders Provider objects too.
        const crds = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: r.objects.filter((o) => o.kind === 'CustomResourceDefinition') });
        expectClean(`apply the CRDs of ${r.name}`, await c().kubectl(['apply', '--server-side', '-f', '-'], { input: crds }));
        expectClean('CRDs Established', await c().kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd', '-l', 'app.kubernetes.io/part-of=virtrigaud']));
        if (r.secure) {
          // Before the ServiceMonitor that names it (else the operator skips it once, with a warning).
          expectClean(`namespace ${r.name}`, await c().kubectl(['create', 'namespace', r.name]));
          METRICS_CA.pem = readFileSync(join(c().dir, 'pki', 'apiserver.crt'), 'utf8');
          const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: METRICS_CA.name, namespace: r.name }, stringData: { [METRICS_CA.key]: METRICS_CA.pem } };
          expectClean(`the metrics CA of ${r.name}`, await c().kubectl(['apply', '--server-side', '-f', '-'], { input: JSON.stringify(secret) }));
        }
        expectClean(`apply ${r.name}`, await c().kubectl(['apply', '--server-side', '-f', '-'], { input: r.yaml }));
      }

      // Wait until the operator has taken in every ServiceMonitor and PrometheusRule of both releases.
      const expectedJobs = releases.flatMap((r) => serviceMonitors(r).flatMap((sm) => sm.spec.endpoints.map((_: unknown, i: number) => `serviceMonitor/${sm.metadata.namespace}/${sm.metadata.name}/${i}`)));
      const expectedRules = releases.flatMap((r) => prometheusRules(r).map((pr) => `${pr.metadata.namespace}-${pr.metadata.name}-`));
      config = await until('the generated configuration with every ServiceMonitor endpoint', 120_000, async () => {
        const cfg = await generatedConfig(c());
        const jobs = new Set((cfg?.scrape_configs ?? []).map((s: any) => s.job_name));
        return expectedJobs.every((j) => jobs.has(j)) ? cfg : undefined;
      });
      ruleFiles = await until('the rule ConfigMaps with every PrometheusRule', 120_000, async () => {
        const files = await generatedRuleFiles(c());
        return expectedRules.every((prefix) => [...files.keys()].some((f) => f.startsWith(prefix))) ? files : undefined;
      });
    }, 300_000);

    afterAll(async () => {
      if (operator?.pid) await stopProcessGroups([operator.pid]);
      await cp?.stop();
      if (work !== '') rmSync(work, { recursive: true, force: true });
    });

    test('the operator\'s own CRDs for ServiceMonitor, PodMonitor and PrometheusRule are the vendored ones', () => {
      const embedded = parseObjects(readFileSync(join(work, 'crds.yaml'), 'utf8'));
      for (const file of ['monitoring.coreos.com_servicemonitors.yaml', 'monitoring.coreos.com_podmonitors.yaml', 'monitoring.coreos.com_prometheusrules.yaml']) {
        const [vendored] = parseObjects(readFileSync(join(PROMETHEUS_OPERATOR_CRDS, file), 'utf8'));
        expect(embedded.find((o) => o.metadata.name === vendored.metadata.name)).toEqual(vendored);
      }
    });

    test('both releases render ServiceMonitors and a PrometheusRule carrying the selected label', () => {
      for (const r of releases) {
        const selected = [...serviceMonitors(r), ...prometheusRules(r)];
        expect(serviceMonitors(r).length).toBeGreaterThan(0);
        expect(prometheusRules(r).length).toBeGreaterThan(0);
        for (const o of selected) expect(o.metadata.labels?.release).toBe(STACK.release);
      }
    });

    test('a scrape job per ServiceMonitor endpoint of each release, and no other job in its namespaces', () => {
      for (const r of releases) {
        const expected = serviceMonitors(r).flatMap((sm) => sm.spec.endpoints.map((_: unknown, i: number) => `serviceMonitor/${sm.metadata.namespace}/${sm.metadata.name}/${i}`)).sort();
        const generated = config.scrape_configs.map((s: any) => s.job_name).filter((j: string) => j.startsWith(`serviceMonitor/${r.name}/`)).sort();
        expect(generated).toEqual(expected);
      }
    });

    test.each(['vr-plain', 'vr-secure'])('%s: Prometheus gives every target the job the alerts name, and namespace, service and endpoint', async (name) => {
      const r = releases.find((x) => x.name === name)!;
      const jobs = new Set<string>();
      for (const sm of serviceMonitors(r)) {
        for (const [i, endpoint] of (sm.spec.endpoints as any[]).entries()) {
          // Every Service of the release is offered: the relabelling must keep the selected ones only.
          const targets = await relabel(work, config, `serviceMonitor/${sm.metadata.namespace}/${sm.metadata.name}/${i}`, r.objects.filter((o) => o.kind === 'Service'));
          expect(targets.filter((t) => t.error)).toEqual([]);
          // Targets the relabelling drops (other ports of the Service) have no labels left.
          const kept = targets.filter((t) => Object.keys(t.labels ?? {}).length > 0);
          const labelsOf = (t: DiscoveredTarget) => ({ namespace: t.labels.namespace, service: t.labels.service, endpoint: t.labels.endpoint });
          const byService = (a: { service?: string }, b: { service?: string }) => String(a.service).localeCompare(String(b.service));
          expect(kept.map(labelsOf).sort(byService)).toEqual(selectedServices(r, sm).map((s) => ({ namespace: s.metadata.namespace, service: s.metadata.name, endpoint: endpoint.port })).sort(byService));
          for (const t of kept) jobs.add(t.labels.job);
        }
      }
      const named = jobsNamedByRules(r);
      // Every scraped job is one the rules watch ...
      expect([...jobs].filter((job) => !named.includes(job))).toEqual([]);
      // ... and the jobs the rules watch are scraped: all of them when every component has a
      // ServiceMonitor (vr-plain), the manager's (the job VirtrigaudManagerDown names) always.
      if (r.name === 'vr-plain') expect(named.filter((job) => !jobs.has(job))).toEqual([]);
      const managerDown = prometheusRules(r).flatMap((pr) => pr.spec.groups.flatMap((g: any) => g.rules)).find((x: any) => x.alert === 'VirtrigaudManagerDown');
      const managerJob = /\bjob\s*=\s*"([^"]+)"/.exec(String(managerDown?.expr))?.[1];
      expect(managerJob).toBeDefined();
      expect(jobs.has(managerJob!)).toBe(true);
    });

    test('vr-secure: the manager is scraped over https with the CA, server name and authorization of its ServiceMonitor', async () => {
      const r = releases.find((x) => x.name === 'vr-secure')!;
      const secure = serviceMonitors(r).flatMap((sm) => (sm.spec.endpoints as any[]).map((endpoint, i) => ({ sm, endpoint, i }))).filter(({ endpoint }) => endpoint.scheme === 'https');
      expect(secure.length).toBeGreaterThan(0);
      for (const { sm, endpoint, i } of secure) {
        const scrape = config.scrape_configs.find((s: any) => s.job_name === `serviceMonitor/${sm.metadata.namespace}/${sm.metadata.name}/${i}`);
        expect(scrape.scheme).toBe('https');
        const tls = endpoint.tlsConfig ?? {};
        expect({
          insecureSkipVerify: scrape.tls_config?.insecure_skip_verify ?? false,
          serverName: scrape.tls_config?.server_name,
          ca: scrape.tls_config?.ca_file !== undefined || scrape.tls_config?.ca !== undefined,
          bearerTokenFile: scrape.bearer_token_file ?? scrape.authorization?.credentials_file,
        }).toEqual({
          insecureSkipVerify: tls.insecureSkipVerify ?? false,
          serverName: tls.serverName,
          ca: tls.ca !== undefined || tls.caFile !== undefined,
          bearerTokenFile: endpoint.bearerTokenFile ?? endpoint.authorization?.credentials?.name,
        });
        // Some credentials are sent: --metrics-secure answers 401 without them.
        expect(scrape.bearer_token_file ?? scrape.authorization).toBeDefined();
        // The CA is verified (no insecure_skip_verify), against the manager Service's DNS name; the
        // operator mounts the Secret's CA where ca_file points (its tls-assets Secret).
        const service = selectedServices(r, sm)[0];
        expect(scrape.tls_config.insecure_skip_verify).toBeUndefined();
        expect(scrape.tls_config.server_name).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc`);
        const assets = await getJson(c(), ['secret', '-n', STACK.namespace, `prometheus-${PROMETHEUS_NAME}-tls-assets-0`]);
        const caFile = String(scrape.tls_config.ca_file);
        expect(caFile.startsWith('/etc/prometheus/certs/')).toBe(true);
        expect(Buffer.from(assets.data[caFile.slice('/etc/prometheus/certs/'.length)], 'base64').toString('utf8')).toBe(METRICS_CA.pem);
      }
    });

    test('every rule group of each release is in the operator\'s rule ConfigMaps, rule for rule', () => {
      for (const r of releases) {
        for (const pr of prometheusRules(r)) {
          const file = [...ruleFiles.keys()].find((f) => f.startsWith(`${pr.metadata.namespace}-${pr.metadata.name}-`))!;
          const names = (groups: any[]) => groups.map((g) => ({ name: g.name, rules: g.rules.map((x: any) => x.alert ?? x.record) }));
          expect(names(ruleFiles.get(file).groups)).toEqual(names(pr.spec.groups));
        }
      }
    });

    test('each ServiceMonitor and PrometheusRule is accepted by the Prometheus (its status.bindings)', async () => {
      for (const o of releases.flatMap((r) => [...serviceMonitors(r), ...prometheusRules(r)])) {
        const what = `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
        const binding = await until(`the status of ${what}`, 60_000, async () => {
          const live = await getJson(c(), [`${o.kind.toLowerCase()}s.monitoring.coreos.com`, '-n', o.metadata.namespace!, o.metadata.name]);
          return (live.status?.bindings ?? []).find((b: any) => b.resource === 'prometheuses' && b.name === PROMETHEUS_NAME);
        });
        expect({ what, conditions: binding.conditions.map((x: any) => ({ type: x.type, status: x.status, reason: x.reason, message: x.message })) })
          .toEqual({ what, conditions: [expect.objectContaining({ type: 'Accepted', status: 'True' })] });
      }
    });

    test('the operator\'s log has no warning or error about the releases\' objects', () => {
      const lines = readFileSync(operatorLog, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
      // It did log its work on the Prometheus (else an empty log would pass).
      expect(lines.some((l) => JSON.stringify(l).includes(PROMETHEUS_NAME))).toBe(true);
      const ours = lines.filter((l) => !['info', 'debug'].includes(String(l.level).toLowerCase()) && releases.some((r) => JSON.stringify(l).includes(r.name)))
        // Optimistic-concurrency conflicts of its own status writes are retried, not about the objects.
        .filter((l) => !String(l.err ?? '').includes('the object has been modified; please apply your changes to the latest version'));
      console.log(`${SUITE}: operator log: ${lines.length} lines, ${lines.filter((l) => String(l.level).toLowerCase() === 'warn').length} warnings, ${lines.filter((l) => String(l.level).toLowerCase() === 'error').length} errors`);
      expect(ours).toEqual([]);
    });

    test('vr-plain: Prometheus runs the generated manager job and rule files; the target is up with the labels the alerts use', async () => {
      const r = releases.find((x) => x.name === 'vr-plain')!;
      const sm = serviceMonitors(r).find((x) => selectedServices(r, x).some((svc) => svc.metadata.labels?.['app.kubernetes.io/component'] === 'manager'))!;
      const job = `serviceMonitor/${sm.metadata.namespace}/${sm.metadata.name}/0`;
      // A loopback stand-in for the manager's /metrics (Prometheus' own `up` is what is observed).
      const exporter = createHttpServer((_req, res) => res.end('# TYPE virtrigaud_e2e_stand_in gauge\nvirtrigaud_e2e_stand_in 1\n'));
      await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
      const exporterPort = (exporter.address() as { port: number }).port;
      const dir = join(work, 'prometheus');
      mkdirSync(dir);
      const rules = [...ruleFiles.entries()].filter(([f]) => f.startsWith(`${r.name}-`)).map(([f, content]) => {
        writeFileSync(join(dir, f), toYaml(content));
        return join(dir, f);
      });
      const scrape = { ...reloaderExpanded(config).scrape_configs.find((s: any) => s.job_name === job) };
      delete scrape.kubernetes_sd_configs;
      const services = r.objects.filter((o) => o.kind === 'Service').map(endpointsTargets).flat()
        .map((t) => ({ ...t, targets: [`127.0.0.1:${exporterPort}`] }));
      // Rewritten to run outside a cluster: static targets on loopback, rule files in this folder, and
      // a 1s interval so that the first scrape comes at once.
      writeFileSync(join(dir, 'prometheus.yaml'), toYaml({ global: config.global, rule_files: rules, scrape_configs: [{ ...scrape, scrape_interval: '1s', scrape_timeout: '1s', static_configs: services }] }));
      const port = await freePort();
      const prometheus = spawnServer('prometheus', [`--config.file=${join(dir, 'prometheus.yaml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], join(dir, 'prometheus.log'));
      try {
        const api = async (path: string) => {
          const res = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
          return res?.ok ? ((await res.json()) as any).data : undefined;
        };
        const up = await until('the manager target up in Prometheus', 60_000, async () => {
          const data = await api(`/api/v1/query?query=${encodeURIComponent('up == 1')}`);
          return data?.result?.length > 0 ? data.result : undefined;
        });
        const service = selectedServices(r, sm)[0];
        expect(up.map((x: any) => ({ job: x.metric.job, namespace: x.metric.namespace, service: x.metric.service, endpoint: x.metric.endpoint })))
          .toEqual([{ job: service.metadata.labels?.[sm.spec.jobLabel] ?? service.metadata.name, namespace: r.name, service: service.metadata.name, endpoint: sm.spec.endpoints[0].port }]);
        expect(jobsNamedByRules(r)).toContain(up[0].metric.job);
        const groups = (await api('/api/v1/rules'))?.groups ?? [];
        expect(groups.map((g: any) => g.name).sort()).toEqual(prometheusRules(r).flatMap((pr) => pr.spec.groups.map((g: any) => g.name)).sort());
        const unhealthy = groups.flatMap((g: any) => g.rules).filter((x: any) => x.health === 'err');
        expect(unhealthy.map((x: any) => `${x.name}: ${x.lastError}`)).toEqual([]);
      } finally {
        if (prometheus.pid) await stopProcessGroups([prometheus.pid]);
        await new Promise((resolve) => exporter.close(resolve));
      }
    });
  });
}
