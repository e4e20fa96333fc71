/**
 * A real Kubernetes control plane for the e2e tests and the `npm run e2e:up` playground: etcd and
 * kube-apiserver (built by `npm run e2e:build`) on free loopback ports, with a throwaway data folder.
 *
 * - TLS: a self-signed serving certificate for 127.0.0.1 (openssl); the kubeconfig trusts it.
 * - Admin: a static token in system:masters. Authorization Node,RBAC, so a workload's own
 *   ServiceAccount token (TokenRequest: issuer, signing key, audiences) gets only its RBAC.
 * - Admission: the default plugins plus PodSecurity; privileged containers are allowed by the
 *   server, so a rejection of one can only come from Pod Security admission.
 * No controller-manager or scheduler runs: Deployments are stored but create no Pods.
 *
 * A start that fails (binary missing, port taken, etcd or the API server not ready) throws one
 * message naming the step and leaves no process and no folder behind. The servers die with the
 * process that started them, however it ends, and their folder goes too (processes.ts); those of
 * the e2e:up playground (`detached`) stay until `npm run e2e:down`.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { randomBytes, generateKeyPairSync } from 'crypto';
import { accessSync, closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { get as httpGet } from 'http';
import { get as httpsGet } from 'https';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { peerBinary } from './peers';
import { e2eTempDir, spawnServer, spawnTied } from './processes';

export type KubeVersion = '1.28' | '1.37';
/** The API-server versions the e2e suites run on: the schema the toolkit targets, the newest stable. */
export const KUBE_VERSIONS: readonly KubeVersion[] = ['1.28', '1.37'];

/** The peer binaries a control plane of `version` runs (names as in e2e/peers/*\/BUILD). */
export function controlPlaneBinaries(version: KubeVersion): { etcd: string; apiserver: string; kubectl: string } {
  return { etcd: 'etcd', apiserver: `kube-apiserver-${version}`, kubectl: `kubectl-${version}` };
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface ControlPlane {
  version: KubeVersion;
  /** gitVersion from the server's /version, e.g. v1.28.15. */
  serverVersion: string;
  /** https://127.0.0.1:<port> */
  server: string;
  kubeconfig: string;
  /** The data folder (etcd data, certificates, logs, kubeconfig); removed by stop(). */
  dir: string;
  /** Process-group ids of etcd and kube-apiserver. */
  pids: number[];
  /** kubectl of the same version, with this control plane's kubeconfig and a private cache. */
  kubectl(args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** Stops both processes and removes the folder. */
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  version: KubeVersion;
  /** Binary paths instead of the built peers (tests of failed starts). */
  binaries?: { etcd?: string; apiserver?: string; kubectl?: string };
  /** Fixed ports instead of free ones (tests of failed starts). */
  ports?: { etcdClient?: number; etcdPeer?: number; apiserver?: number };
  /** Where the data folder is created (default: the OS temp folder). */
  parentDir?: string;
  /** Leave the processes running when this process exits (e2e:up). */
  detached?: boolean;
  etcdTimeoutMs?: number;
  apiserverTimeoutMs?: number;
}

class ControlPlaneError extends Error {}

const LOOPBACK = '127.0.0.1';

/** Control planes of this process, stopped on exit, SIGINT and SIGTERM. */
const live = new Set<{ pids: number[]; dir: string }>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Synchronous: 'exit' handlers cannot wait.
  const killAll = () => {
    for (const cp of live) {
      for (const pid of cp.pids) signalGroup(pid, 'SIGKILL');
      rmSync(cp.dir, { recursive: true, force: true });
    }
    live.clear();
  };
  process.on('exit', killAll);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

/** Sends a signal to a process group; false when the group no longer exists. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SIGTERM to each process group, SIGKILL after `graceMs`; resolves when all are gone. */
export async function stopProcessGroups(pgids: readonly number[], graceMs = 10_000): Promise<void> {
  for (const pgid of pgids) signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pgids.some((pgid) => signalGroup(pgid, 0))) {
    if (Date.now() > deadline) {
      for (const pgid of pgids) signalGroup(pgid, 'SIGKILL');
      if (Date.now() > deadline + 5000) throw new Error(`process groups ${pgids.join(', ')} survived SIGKILL`);
    }
    await sleep(50);
  }
}

/** Free loopback ports, all held until every one is chosen so that none is handed out twice. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, LOOPBACK, () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

function logTail(path: string, lines = 12): string {
  if (!existsSync(path)) return '';
  const text = readFileSync(path, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

/** GET a URL; resolves with status and body, or undefined when the connection fails. */
function request(url: string, options: { ca?: string; token?: string } = {}): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const headers = options.token ? { Authorization: `Bearer ${options.token}` } : {};
    const get = url.startsWith('https:') ? httpsGet : httpGet;
    const req = get(url, { ca: options.ca, headers, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

function generatePki(dir: string): { ca: string; token: string } {
  const pki = join(dir, 'pki');
  mkdirSync(pki);
  const openssl = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
    '-subj', '/CN=virtrigaud-e2e-apiserver',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', join(pki, 'apiserver.key'), '-out', join(pki, 'apiserver.crt'),
  ], { encoding: 'utf8' });
  if (openssl.error) throw new Error(`openssl: ${openssl.error.message}`);
  if (openssl.status !== 0) throw new Error(`openssl exited with ${openssl.status}: ${openssl.stderr.trim()}`);
  const sa = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(join(pki, 'sa.key'), sa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(pki, 'sa.pub'), sa.publicKey.export({ type: 'spki', format: 'pem' }));
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(pki, 'tokens.csv'), `${token},admin,admin,system:masters\n`, { mode: 0o600 });
  return { ca: readFileSync(join(pki, 'apiserver.crt'), 'utf8'), token };
}

function kubeconfigText(server: string, ca: string, token: string): string {
  // JSON is YAML; kubectl reads either.
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'e2e', cluster: { server, 'certificate-authority-data': Buffer.from(ca).toString('base64') } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'e2e', context: { cluster: 'e2e', user: 'admin' } }],
    'current-context': 'e2e',
  }, null, 2) + '\n';
}

/** Runs a binary with stdin `input`; never rejects (a spawn error is reported as stderr, code null). */
export function run(binary: string, args: readonly string[], options: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawnTied(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    } catch (e) {
      return resolve({ stdout: '', stderr: (e as Error).message, code: null });
    }
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${options.timeoutMs}ms)`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 180_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ stdout, stderr: `${stderr}${e.message}`, code: null });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin!.on('error', () => undefined); // the child may exit before reading all of stdin
    child.stdin!.end(options.input ?? '');
  });
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  try {
    return await startOnce(options);
  } catch (e) {
    // Free ports are chosen before the servers bind them; another process may win the race once.
    if (!options.ports && e instanceof ControlPlaneError && /address already in use/.test(e.message)) return startOnce(options);
    throw e;
  }
}

async function startOnce(options: ControlPlaneOptions): Promise<ControlPlane> {
  const { version } = options;
  let step = 'finding the binaries';
  const names = controlPlaneBinaries(version);
  const fail = (detail: string): never => {
    throw new ControlPlaneError(`control plane ${version}: ${step}: ${detail}`);
  };
  const binary = (key: 'etcd' | 'apiserver' | 'kubectl'): string => {
    const path = options.binaries?.[key] ?? peerBinary(names[key]) ?? fail(`${names[key]} is not built (run npm run e2e:build)`);
    if (!existsSync(path)) fail(`${path} does not exist`);
    return path;
  };
  const bins = { etcd: binary('etcd'), apiserver: binary('apiserver'), kubectl: binary('kubectl') };

  step = 'creating the data folder';
  // Removed with this process however it ends, except the playground's (detached).
  const dir = options.parentDir || options.detached
    ? mkdtempSync(join(options.parentDir ?? tmpdir(), `virtrigaud-e2e-${version}-`))
    : e2eTempDir(version);
  const entry = { pids: [] as number[], dir };
  if (!options.detached) {
    installExitHandlers();
    live.add(entry);
  }
  const cleanUp = async () => {
    live.delete(entry);
    try {
      await stopProcessGroups(entry.pids);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const exited = new Map<number, number | string>();
  const startProcess = (bin: string, args: string[], log: string): number => {
    try {
      accessSync(bin, constants.X_OK);
    } catch (e) {
      fail(`cannot run ${bin}: ${(e as Error).message}`);
    }
    let child: ChildProcess;
    if (options.detached) {
      const fd = openSync(join(dir, log), 'a');
      child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      child.on('error', () => undefined); // reported below: a child that could not start has no pid
      child.unref();
    } else {
      child = spawnServer(bin, args, join(dir, log)); // dies with this process
    }
    const pid = child.pid;
    if (pid === undefined) return fail(`cannot run ${bin}`);
    entry.pids.push(pid);
    child.on('exit', (code, signal) => exited.set(pid, code ?? signal ?? 'unknown'));
    return pid;
  };
  const waitFor = async (pid: number, log: string, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited.has(pid)) fail(`exited (${exited.get(pid)}):\n${logTail(join(dir, log))}`);
      if (await ready()) return;
      if (Date.now() > deadline) fail(`not ready after ${Math.round(timeoutMs / 1000)}s:\n${logTail(join(dir, log))}`);
      await sleep(200);
    }
  };

  try {
    step = 'generating certificates';
    let pki: { ca: string; token: string };
    try {
      pki = generatePki(dir);
    } catch (e) {
      return fail((e as Error).message);
    }

    step = 'choosing ports';
    const [p1, p2, p3] = await freePorts(3);
    const ports = { etcdClient: options.ports?.etcdClient ?? p1, etcdPeer: options.ports?.etcdPeer ?? p2, apiserver: options.ports?.apiserver ?? p3 };

    step = 'starting etcd';
    const etcdUrl = `http://${LOOPBACK}:${ports.etcdClient}`;
    const peerUrl = `http://${LOOPBACK}:${ports.etcdPeer}`;
    const etcdPid = startProcess(bins.etcd, [
      '--name=e2e', `--data-dir=${join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`, `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=${peerUrl}`, `--initial-advertise-peer-urls=${peerUrl}`, `--initial-cluster=e2e=${peerUrl}`,
      '--unsafe-no-fsync', // a throwaway store: durability buys nothing here
      '--log-level=warn',
    ], 'etcd.log');
    await waitFor(etcdPid, 'etcd.log', options.etcdTimeoutMs ?? 30_000, async () => {
      const r = await request(`${etcdUrl}/health`);
      return r?.status === 200 && /"health":\s*"true"/.test(r.body);
    });

    step = 'starting kube-apiserver';
    const server = `https://${LOOPBACK}:${ports.apiserver}`;
    const pki_ = join(dir, 'pki');
    const apiserverPid = startProcess(bins.apiserver, [
      `--etcd-servers=${etcdUrl}`,
      `--bind-address=${LOOPBACK}`, `--advertise-address=${LOOPBACK}`, `--secure-port=${ports.apiserver}`,
      `--cert-dir=${pki_}`, `--tls-cert-file=${join(pki_, 'apiserver.crt')}`, `--tls-private-key-file=${join(pki_, 'apiserver.key')}`,
      `--token-auth-file=${join(pki_, 'tokens.csv')}`,
      '--authorization-mode=Node,RBAC',
      '--enable-admission-plugins=PodSecurity',
      '--allow-privileged=true',
      '--service-cluster-ip-range=10.96.0.0/16',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(pki_, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(pki_, 'sa.key')}`,
      '--api-audiences=https://kubernetes.default.svc.cluster.local',
      '--endpoint-reconciler-type=none', // 1.37 refuses a loopback address for the kubernetes Service's endpoints
      '--profiling=false',
    ], 'kube-apiserver.log');

    step = 'waiting for kube-apiserver /readyz';
    await waitFor(apiserverPid, 'kube-apiserver.log', options.apiserverTimeoutMs ?? 180_000, async () => {
      const r = await request(`${server}/readyz`, { ca: pki.ca, token: pki.token });
      return r?.status === 200;
    });

    step = 'reading /version';
    const versionResponse = await request(`${server}/version`, { ca: pki.ca, token: pki.token });
    const serverVersion = versionResponse?.status === 200 ? (JSON.parse(versionResponse.body) as { gitVersion: string }).gitVersion : fail(`no answer: ${versionResponse?.status}`);

    step = 'writing the kubeconfig';
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigText(server, pki.ca, pki.token), { mode: 0o600 });
    const cacheDir = join(dir, 'kubectl-cache');

    let stopped: Promise<void> | undefined;
    return {
      version,
      serverVersion,
      server,
      kubeconfig,
      dir,
      pids: [...entry.pids],
      kubectl: (args, opts = {}) => run(bins.kubectl, [`--kubeconfig=${kubeconfig}`, `--cache-dir=${cacheDir}`, ...args], opts),
      stop: () => (stopped ??= cleanUp()),
    };
  } catch (e) {
    await cleanUp();
    if (e instanceof ControlPlaneError) throw e;
    throw new ControlPlaneError(`control plane ${version}: ${step}: ${(e as Error).message}`);
  }
}
