/**
 * The control plane the e2e suites run on: a failed start names its step and leaves nothing
 * behind; a started one is the real thing (its own /version, RBAC, TokenRequest) and stop()
 * removes everything.
 */
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { createServer, Server } from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import { ControlPlane, controlPlaneBinaries, startControlPlane } from './control-plane';
import { e2eTempDir } from './processes';
import { describeControlPlanes, peersBuilt } from './suite';

/** Processes whose command line mentions `text` (a data folder). */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmdline.includes(text) ? [`${pid}: ${cmdline}`] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}

function occupyPort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

let parent: string;
beforeEach(() => {
  parent = e2eTempDir('bad-start');
});
afterEach(() => {
  rmSync(parent, { recursive: true, force: true });
});

/** Starting fails with `message`; no data folder and no process of it remains. */
async function expectFailedStart(start: Promise<ControlPlane>, message: RegExp): Promise<void> {
  await expect(start).rejects.toThrow(message);
  expect(readdirSync(parent)).toEqual([]);
  expect(processesMentioning(parent)).toEqual([]);
}

describe('a control plane that cannot start (no built peers needed)', () => {
  test('a missing binary: the step and the path, before anything is created', async () => {
    const missing = join(parent, 'no-such-etcd');
    await expectFailedStart(startControlPlane({ version: '1.28', parentDir: parent, binaries: { etcd: missing, apiserver: missing, kubectl: missing } }), new RegExp(`^control plane 1.28: finding the binaries: ${missing} does not exist$`));
  });

  test('a binary that cannot be run: starting etcd fails, the folder is removed', async () => {
    const notExecutable = join(tmpdir(), `virtrigaud-e2e-not-executable-${process.pid}`);
    writeFileSync(notExecutable, 'not a program\n');
    try {
      await expectFailedStart(startControlPlane({ version: '1.28', parentDir: parent, binaries: { etcd: notExecutable, apiserver: notExecutable, kubectl: notExecutable } }), /^control plane 1.28: starting etcd: cannot run /);
    } finally {
      rmSync(notExecutable, { force: true });
    }
  });

  test('etcd that never becomes healthy: its process group is killed, the folder removed', async () => {
    // Stands in for a hung etcd; its command line carries the data folder, and it has a child.
    const hung = join(tmpdir(), `virtrigaud-e2e-hung-etcd-${process.pid}`);
    writeFileSync(hung, '#!/bin/sh\nwhile true; do sleep 1; done\n');
    chmodSync(hung, 0o755);
    try {
      const start = startControlPlane({ version: '1.28', parentDir: parent, etcdTimeoutMs: 2000, binaries: { etcd: hung, apiserver: hung, kubectl: hung } });
      await expectFailedStart(start, /^control plane 1.28: starting etcd: not ready after 2s/);
    } finally {
      rmSync(hung, { force: true });
    }
  });
});

if (peersBuilt('e2e control plane: real binaries', ['etcd', ...Object.values(controlPlaneBinaries('1.28'))])) {
  describe('a control plane that cannot start, real binaries', () => {
    jest.setTimeout(300_000);

    test('etcd\'s client port is taken: one message naming the step and the cause', async () => {
      const { server, port } = await occupyPort();
      try {
        await expectFailedStart(startControlPlane({ version: '1.28', parentDir: parent, ports: { etcdClient: port } }), /^control plane 1.28: starting etcd: exited \(1\):[^]*address already in use/);
      } finally {
        server.close();
      }
    });

    test('the API server\'s port is taken: etcd, already running, is stopped too', async () => {
      const { server, port } = await occupyPort();
      try {
        await expectFailedStart(startControlPlane({ version: '1.28', parentDir: parent, ports: { apiserver: port } }), /^control plane 1.28: waiting for kube-apiserver \/readyz: exited \(1\):[^]*address already in use/);
      } finally {
        server.close();
      }
    });
  });
}

describeControlPlanes('e2e control plane', (cp, version) => {
  test('/version is the built Kubernetes version', () => {
    expect(cp().serverVersion).toMatch(new RegExp(`^v${version.replace('.', '\\.')}\\.\\d+$`));
  });

  test('kubectl of the same version talks to it as an admin', async () => {
    const r = await cp().kubectl(['version', '-o', 'json']);
    expect(r.stderr).toBe('');
    const v = JSON.parse(r.stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    expect(v.clientVersion.gitVersion).toBe(cp().serverVersion);
    expect((await cp().kubectl(['auth', 'can-i', '*', '*', '--all-namespaces'])).stdout.trim()).toBe('yes');
  });

  test('a ServiceAccount gets a token (TokenRequest) that RBAC restricts to its grants', async () => {
    const k = cp().kubectl;
    const ns = 'e2e-token';
    expect((await k(['create', 'namespace', ns])).code).toBe(0);
    expect((await k(['-n', ns, 'create', 'serviceaccount', 'reader'])).code).toBe(0);
    expect((await k(['-n', ns, 'create', 'role', 'read-configmaps', '--verb=get,list', '--resource=configmaps'])).code).toBe(0);
    expect((await k(['-n', ns, 'create', 'rolebinding', 'reader', '--role=read-configmaps', `--serviceaccount=${ns}:reader`])).code).toBe(0);
    const token = await k(['-n', ns, 'create', 'token', 'reader', '--duration=10m']);
    expect(token.stderr).toBe('');
    const asReader = (args: string[]) => k([`--token=${token.stdout.trim()}`, ...args]);
    expect((await asReader(['auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}'])).stdout).toBe(`system:serviceaccount:${ns}:reader`);
    expect((await asReader(['-n', ns, 'get', 'configmaps'])).code).toBe(0);
    const denied = await asReader(['-n', ns, 'get', 'secrets']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/secrets is forbidden: User "system:serviceaccount:e2e-token:reader" cannot list resource "secrets"/);
  });
});

if (peersBuilt('e2e control plane: stop', ['etcd', ...Object.values(controlPlaneBinaries('1.28'))])) {
  test('stop() ends both processes and removes the data folder', async () => {
    const cp = await startControlPlane({ version: '1.28', parentDir: parent });
    expect(existsSync(cp.kubeconfig)).toBe(true);
    expect(processesMentioning(cp.dir)).toHaveLength(2); // etcd and kube-apiserver
    await cp.stop();
    expect(existsSync(cp.dir)).toBe(false);
    expect(processesMentioning(cp.dir)).toEqual([]);
  }, 300_000);
}
