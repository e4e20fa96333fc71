/**
 * Nothing the e2e suites start outlives the process that started it, however that process ends
 * (SIGKILL included):
 * - Processes start through `setpriv --pdeathsig KILL` (util-linux): the kernel kills one when the
 *   thread that started it exits. In Node that is the thread running the JavaScript (the main
 *   thread, or a jest worker thread), which lives as long as the run.
 * - Temporary folders are <tmp>/virtrigaud-e2e-<what>-<pid>-<pid namespace>-XXXXXX. A watchdog (a
 *   detached `sh` reading a pipe whose only writer is the owner) removes one a second after its
 *   owner is gone; should the watchdog die too, the next e2eTempDir() removes every such folder
 *   whose owner no longer exists in this pid namespace. A live run's folder is never touched.
 * The `npm run e2e:up` playground outlives its command on purpose and uses neither.
 */
import { ChildProcess, spawn, SpawnOptions } from 'child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'fs';
import { Socket } from 'net';
import { tmpdir } from 'os';
import { delimiter, isAbsolute, join } from 'path';

let setprivPath: string | undefined;

/** The absolute path of setpriv (found once; later children may run with another PATH). */
function setpriv(): string {
  setprivPath ??= (process.env.PATH ?? '').split(delimiter).filter((dir) => isAbsolute(dir)).map((dir) => join(dir, 'setpriv')).find((p) => existsSync(p));
  if (!setprivPath) throw new Error('setpriv (util-linux) is not installed: the e2e suites start every process through it so that none outlives the run');
  return setprivPath;
}

/** spawn(), with the child killed by the kernel when this process (its starting thread) ends. */
export function spawnTied(bin: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(setpriv(), ['--pdeathsig', 'KILL', '--', bin, ...args], options);
}

/**
 * A server in its own process group (stopProcessGroups() stops it with its children), output
 * appended to `log`, killed when this process ends. No pid means it could not be started.
 */
export function spawnServer(bin: string, args: readonly string[], log: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    const child = spawnTied(bin, args, { detached: true, stdio: ['ignore', fd, fd], env });
    child.on('error', () => undefined); // no pid: the caller reports it
    return child;
  } finally {
    closeSync(fd);
  }
}

/** This process' pid namespace (its inode): pids of other namespaces say nothing here. */
function pidNamespace(): string {
  return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))![1];
}

/** <what>-<pid>-<pid namespace>-XXXXXX: mkdtemp's six characters last. */
const OWNED = /^virtrigaud-e2e-.+-(\d+)-(\d+)-[A-Za-z0-9]{6}$/;

/** True while process `pid` exists (a zombie has ended: only its exit status is left). */
export function processExists(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Removes the folders in `parent` whose owning process is gone; returns their paths. */
export function removeDeadRunFolders(parent = tmpdir()): string[] {
  const ns = pidNamespace();
  const removed: string[] = [];
  for (const name of readdirSync(parent)) {
    const owner = OWNED.exec(name);
    if (!owner || owner[2] !== ns || processExists(Number(owner[1]))) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(join(parent, name));
  }
  return removed;
}

/** Removes `dir` a second after this process has ended, however it ends. */
function removeWhenOwnerEnds(dir: string): void {
  // `read` returns at end of file: when this process ends, the kernel closes its end of the pipe.
  // The second lets the servers in the folder, killed at the same moment, stop writing to it.
  // The folder is in its environment, not its command line: a process mentioning it is a server.
  const watchdog = spawn('sh', ['-c', 'read -r _; sleep 1; rm -rf -- "$E2E_DIR"'], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env: { PATH: process.env.PATH, E2E_DIR: dir } });
  watchdog.on('error', () => undefined); // no watchdog: the next run's removeDeadRunFolders() does it
  watchdog.unref();
  (watchdog.stdin as unknown as Socket | null)?.unref();
}

/** A new folder <tmp>/virtrigaud-e2e-<what>-…, removed when this process ends if not before. */
export function e2eTempDir(what: string): string {
  removeDeadRunFolders();
  const dir = mkdtempSync(join(tmpdir(), `virtrigaud-e2e-${what}-${process.pid}-${pidNamespace()}-`));
  removeWhenOwnerEnds(dir);
  return dir;
}
