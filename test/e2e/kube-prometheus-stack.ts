/**
 * What the Prometheus Operator suites share: kube-prometheus-stack's default `Prometheus` object,
 * the operator (built by `npm run e2e:build` from e2e/peers/prometheus-operator) run against an e2e
 * control plane, and what it generates (configuration Secret, rule ConfigMaps).
 */
import { ChildProcess } from 'child_process';
import { writeFileSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';
import { parse as parseYaml } from 'yaml';
import { gunzipSync } from 'zlib';
import { ControlPlane, run } from './control-plane';
import { peerBinary } from './peers';
import { spawnServer } from './processes';
import { expectClean } from './releases';

export const OPERATOR = 'prometheus-operator-v0.93.0';
/** kube-prometheus-stack installed as Helm release `kps` in namespace `monitoring`. */
export const STACK = { release: 'kps', namespace: 'monitoring' };
export const PROMETHEUS_NAME = `${STACK.release}-kube-prometheus-stack-prometheus`;

/** kube-prometheus-stack's default Prometheus (values prometheus.prometheusSpec.*): selects by `release`. */
export function prometheusObject(extraSpec: Record<string, unknown> = {}) {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'Prometheus',
    metadata: { name: PROMETHEUS_NAME, namespace: STACK.namespace, labels: { release: STACK.release } },
    spec: {
      serviceMonitorSelector: { matchLabels: { release: STACK.release } },
      serviceMonitorNamespaceSelector: {},
      podMonitorSelector: { matchLabels: { release: STACK.release } },
      podMonitorNamespaceSelector: {},
      probeSelector: { matchLabels: { release: STACK.release } },
      probeNamespaceSelector: {},
      ruleSelector: { matchLabels: { release: STACK.release } },
      ruleNamespaceSelector: {},
      scrapeConfigSelector: { matchLabels: { release: STACK.release } },
      scrapeConfigNamespaceSelector: {},
      serviceAccountName: PROMETHEUS_NAME,
      ...extraSpec,
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function getJson(cp: ControlPlane, args: string[]): Promise<any> {
  const r = await cp.kubectl(['get', ...args, '-o', 'json']);
  expectClean(`kubectl get ${args.join(' ')}`, r);
  return JSON.parse(r.stdout);
}

/** The configuration the operator generated, or undefined before it has written it. */
export async function generatedConfig(cp: ControlPlane): Promise<any | undefined> {
  const r = await cp.kubectl(['get', 'secret', '-n', STACK.namespace, `prometheus-${PROMETHEUS_NAME}`, '-o', 'jsonpath={.data.prometheus\\.yaml\\.gz}']);
  if (r.code !== 0 || r.stdout === '') return undefined;
  return parseYaml(gunzipSync(Buffer.from(r.stdout, 'base64')).toString('utf8'));
}

/** The operator's rule ConfigMaps prometheus-<name>-rulefiles-N: ConfigMap name -> file name -> text. */
export async function generatedRuleConfigMaps(cp: ControlPlane): Promise<Map<string, Map<string, string>>> {
  const list = await getJson(cp, ['configmaps', '-n', STACK.namespace]);
  const maps = new Map<string, Map<string, string>>();
  for (const cm of list.items) {
    if (!new RegExp(`^prometheus-${PROMETHEUS_NAME}-rulefiles-\\d+$`).test(cm.metadata.name)) continue;
    maps.set(cm.metadata.name, new Map(Object.entries(cm.data ?? {}) as Array<[string, string]>));
  }
  return maps;
}

/** Rule files of the operator's rule ConfigMaps: file name -> parsed file. */
export async function generatedRuleFiles(cp: ControlPlane): Promise<Map<string, any>> {
  const files = new Map<string, any>();
  for (const data of (await generatedRuleConfigMaps(cp)).values()) {
    for (const [file, text] of data) files.set(file, parseYaml(text));
  }
  return files;
}

/**
 * The configuration as the operator's config-reloader sidecar hands it to Prometheus in the Pod:
 * `$(VAR)` replaced by the Pod's environment (SHARD of the StatefulSet's first Pod, POD_NAME).
 */
export function reloaderExpanded(config: any): any {
  const env: Record<string, string> = { SHARD: '0', POD_NAME: `prometheus-${PROMETHEUS_NAME}-0` };
  return JSON.parse(JSON.stringify(config).replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (whole, name: string) => env[name] ?? whole));
}

/** Applies the operator's own CRDs (`operator crds`), written to <work>/crds.yaml, and waits until they are served. */
export async function applyOperatorCrds(cp: ControlPlane, work: string): Promise<string> {
  const crds = await run(peerBinary(OPERATOR)!, ['crds']);
  if (crds.code !== 0) throw new Error(`${OPERATOR} crds: ${crds.stderr}`);
  const file = join(work, 'crds.yaml');
  writeFileSync(file, crds.stdout);
  expectClean('apply the operator\'s CRDs', await cp.kubectl(['apply', '--server-side', '-f', file]));
  expectClean('CRDs Established', await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', file]));
  return file;
}

/** Starts the operator on loopback against the control plane, logging JSON to `log`; never outlives this process. */
export async function startOperator(cp: ControlPlane, log: string): Promise<ChildProcess> {
  const port = await freePort();
  return spawnServer(peerBinary(OPERATOR)!, [
    `--web.listen-address=127.0.0.1:${port}`,
    '--log-format=json',
    // Write `status.bindings` on ServiceMonitors and PrometheusRules (accepted or not, and why).
    '--feature-gates=StatusForConfigurationResources=true',
  ], log, { ...process.env, KUBECONFIG: cp.kubeconfig });
}
