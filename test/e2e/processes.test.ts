/**
 * Nothing the e2e suites start outlives them: a process that starts servers and a temporary folder
 * is killed (SIGKILL, SIGTERM) and its servers and folder must be gone within seconds. The process
 * is a real child running processes.ts (and, with the built peers, a whole control plane).
 */
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PACKAGE_ROOT } from '../../lib/paths';
import { controlPlaneBinaries } from './control-plane';
import { e2eTempDir, processExists, removeDeadRunFolders } from './processes';
import { peersBuilt } from './suite';

jest.setTimeout(120_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits up to `ms` for `done`; returns whether it came true. */
async function within(ms: number, done: () => boolean): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

interface Started {
  child: ChildProcessWithoutNullStreams;
  dir: string;
  pids: number[];
}

/**
 * Runs `script` (TypeScript, in the package root) in a child process; resolves once it has printed
 * one line of JSON {dir, pids}.
 */
function startChild(script: string): Promise<Started> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { cwd: PACKAGE_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (stdout.includes('\n')) resolve({ child, ...JSON.parse(stdout) });
    });
    child.on('exit', (code, signal) => reject(new Error(`the child ended (${code ?? signal}) before starting: ${stderr}`)));
  });
}

async function kill(started: Started, signal: NodeJS.Signals): Promise<void> {
  const ended = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill(signal);
  await ended;
}

describe('a process that started servers and a temporary folder is killed', () => {
  test.each(['SIGKILL', 'SIGTERM'] as const)('%s: its servers are gone at once, its folder within a few seconds', async (signal) => {
    const started = await startChild(`
      const { e2eTempDir, spawnServer } = require('./test/e2e/processes');
      const dir = e2eTempDir('kill-test');
      // A server and one that ignores SIGTERM: SIGKILL is what the kernel sends.
      const a = spawnServer('sleep', ['600'], dir + '/a.log');
      const b = spawnServer('sh', ['-c', 'trap "" TERM; while :; do sleep 1; done'], dir + '/b.log');
      console.log(JSON.stringify({ dir, pids: [a.pid, b.pid] }));
      setInterval(() => undefined, 1000);
    `);
    try {
      expect(started.dir.startsWith(join(tmpdir(), 'virtrigaud-e2e-kill-test-'))).toBe(true);
      expect(started.pids.map(processExists)).toEqual([true, true]);
      expect(existsSync(started.dir)).toBe(true);
      const killed = Date.now();
      await kill(started, signal);
      expect(await within(1000, () => !started.pids.some(processExists))).toBe(true);
      expect(await within(5000, () => !existsSync(started.dir))).toBe(true);
      console.log(`${signal}: servers gone, folder removed ${Date.now() - killed}ms after the kill`);
    } finally {
      for (const pid of started.pids) if (processExists(pid)) process.kill(pid, 'SIGKILL');
      rmSync(started.dir, { recursive: true, force: true });
    }
  });
});

describe('folders of dead runs', () => {
  const ns = /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))![1];
  let parent = '';
  beforeEach(() => {
    parent = e2eTempDir('sweep');
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  test('are removed; a live run\'s, one of another pid namespace and unmarked ones are kept', () => {
    const dead = spawnSync('true').pid; // ended: its pid exists no more (unless reused at once)
    expect(processExists(dead)).toBe(false);
    const folders = {
      dead: `virtrigaud-e2e-1.28-${dead}-${ns}-AbC123`,
      deadNested: `virtrigaud-e2e-prometheus-${dead}-${ns}-xyZ789`,
      live: `virtrigaud-e2e-1.28-${process.pid}-${ns}-AbC123`,
      otherNamespace: `virtrigaud-e2e-1.28-${dead}-${Number(ns) + 1}-AbC123`,
      playground: 'virtrigaud-e2e-1.28-AbC123',
      other: `other-1.28-${dead}-${ns}-AbC123`,
    };
    for (const name of Object.values(folders)) mkdirSync(join(parent, name, 'etcd'), { recursive: true });
    expect(removeDeadRunFolders(parent).sort()).toEqual([join(parent, folders.dead), join(parent, folders.deadNested)].sort());
    expect(readdirSync(parent).sort()).toEqual([folders.live, folders.otherNamespace, folders.playground, folders.other].sort());
  });

  test('e2eTempDir() removes them before making its own', () => {
    const dead = spawnSync('true').pid;
    const leftover = join(tmpdir(), `virtrigaud-e2e-leftover-${dead}-${ns}-AbC123`);
    mkdirSync(leftover);
    try {
      const dir = e2eTempDir('fresh');
      rmSync(dir, { recursive: true });
      expect(existsSync(leftover)).toBe(false);
    } finally {
      rmSync(leftover, { recursive: true, force: true });
    }
  });
});

if (peersBuilt('e2e process hygiene: a killed control plane', Object.values(controlPlaneBinaries('1.28')))) {
  test('SIGKILL of the process running a control plane: etcd and kube-apiserver gone, the folder removed', async () => {
    const started = await startChild(`
      const { startControlPlane } = require('./test/e2e/control-plane');
      startControlPlane({ version: '1.28' }).then((cp) => {
        console.log(JSON.stringify({ dir: cp.dir, pids: cp.pids }));
        setInterval(() => undefined, 1000);
      }, (e) => { console.error(e.message); process.exit(1); });
    `);
    try {
      expect(started.pids).toHaveLength(2);
      expect(started.pids.map(processExists)).toEqual([true, true]);
      const cmdlines = started.pids.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
      expect(cmdlines.every((c) => c.includes(started.dir))).toBe(true);
      const killed = Date.now();
      await kill(started, 'SIGKILL');
      expect(await within(2000, () => !started.pids.some(processExists))).toBe(true);
      expect(await within(5000, () => !existsSync(started.dir))).toBe(true);
      console.log(`control plane: etcd and kube-apiserver gone, folder removed ${Date.now() - killed}ms after SIGKILL`);
    } finally {
      for (const pid of started.pids) if (processExists(pid)) process.kill(-pid, 'SIGKILL');
      rmSync(started.dir, { recursive: true, force: true });
    }
  }, 300_000);
}
