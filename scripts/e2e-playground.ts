/**
 * A Kubernetes control plane to try the rendered release on (etcd + kube-apiserver on loopback,
 * built by `npm run e2e:build`):
 *   npm run e2e:up [-- 1.37]     start one (default 1.28, or VIRTRIGAUD_E2E_VERSION), print its kubeconfig path
 *   npm run e2e:down             stop it and remove its data folder
 * The state (process ids, data folder) is kept in <e2e cache>/playground.json.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ControlPlane, controlPlaneBinaries, KUBE_VERSIONS, KubeVersion, startControlPlane, stopProcessGroups } from '../test/e2e/control-plane';
import { e2eCache, peerBinary } from './peers';

/** What `up` records for `down`: the control plane's data, without its methods. */
type State = Pick<ControlPlane, 'version' | 'serverVersion' | 'server' | 'kubeconfig' | 'dir' | 'pids'>;

const stateFile = join(e2eCache(), 'playground.json');

function readState(): State | undefined {
  return existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as State) : undefined;
}

/** The process groups of the state that still run the state's own processes (a pid may be reused). */
function running(state: State): number[] {
  return state.pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(state.dir);
    } catch {
      return false;
    }
  });
}

async function down(): Promise<number> {
  const state = readState();
  if (!state) {
    console.error('e2e:down: no control plane is running');
    return 0;
  }
  await stopProcessGroups(running(state));
  rmSync(state.dir, { recursive: true, force: true });
  rmSync(stateFile, { force: true });
  console.error(`e2e:down: stopped kube-apiserver ${state.serverVersion} and etcd, removed ${state.dir}`);
  return 0;
}

async function up(arg: string | undefined): Promise<number> {
  const version = (arg ?? process.env.VIRTRIGAUD_E2E_VERSION ?? '1.28') as KubeVersion;
  if (!KUBE_VERSIONS.includes(version)) {
    console.error(`e2e:up: unknown version '${version}' (one of ${KUBE_VERSIONS.join(', ')})`);
    return 2;
  }
  const previous = readState();
  if (previous && running(previous).length === previous.pids.length) {
    console.error(`e2e:up: kube-apiserver ${previous.serverVersion} is already running at ${previous.server} (npm run e2e:down stops it)`);
    console.log(previous.kubeconfig);
    return 0;
  }
  if (previous) await down(); // half-dead leftovers
  mkdirSync(e2eCache(), { recursive: true });
  try {
    const cp = await startControlPlane({ version, detached: true });
    const state: State = { version, serverVersion: cp.serverVersion, server: cp.server, kubeconfig: cp.kubeconfig, dir: cp.dir, pids: cp.pids };
    writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n');
    const kubectl = peerBinary(controlPlaneBinaries(version).kubectl);
    console.error(`e2e:up: kube-apiserver ${cp.serverVersion} at ${cp.server}, data and logs in ${cp.dir}`);
    console.error(`  export KUBECONFIG=${cp.kubeconfig}   # kubectl ${version}: ${kubectl}`);
    console.error('  npm run e2e:down stops it');
    console.log(cp.kubeconfig);
    return 0;
  } catch (e) {
    console.error(`e2e:up: ${(e as Error).message}`);
    return 1;
  }
}

const [command, arg] = process.argv.slice(2);
(command === 'down' ? down() : command === 'up' ? up(arg) : Promise.resolve((console.error('usage: e2e-playground.ts up [version] | down'), 2))).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`e2e:${command}: ${e.message}`);
    process.exit(1);
  },
);
