/**
 * A local address that is neither loopback nor on a public interface, for servers that Kubernetes
 * objects must point at (the API server refuses loopback, link-local and unspecified addresses in
 * Endpoints and EndpointSlices).
 *
 * A veth pair: this end, in the host's network namespace, gets 198.18.x.y/30 (RFC 2544's benchmark
 * range, never routed); the other end lives in a network namespace held by a `sleep` process of
 * our own. Traffic to the address is local delivery; nothing leaves the machine. When the holder
 * dies (stop(), or with this process however it ends: processes.ts) the namespace goes and the kernel removes
 * both ends of the pair, so nothing is left behind. Needs CAP_NET_ADMIN (root) and iproute2.
 */
import { spawnSync } from 'child_process';
import { readlinkSync } from 'fs';
import { stopProcessGroups } from './control-plane';
import { spawnTied } from './processes';

export interface PrivateAddress {
  /** The address servers listen on, e.g. 198.18.12.9. */
  ip: string;
  /** Removes the namespace and the veth pair. */
  stop(): Promise<void>;
}

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function createPrivateAddress(): Promise<PrivateAddress> {
  // One /30 per process id (198.18.0.0/15 holds 32768): suites of other processes do not collide.
  const block = (process.pid % 32768) * 4;
  const ip = `198.${18 + (block >> 16)}.${(block >> 8) & 255}.${(block & 255) + 1}`;
  const peerIp = `198.${18 + (block >> 16)}.${(block >> 8) & 255}.${(block & 255) + 2}`;
  const name = `vre2e${process.pid}`;
  const holder = spawnTied('unshare', ['--net', 'sleep', 'infinity'], { detached: true, stdio: 'ignore' });
  holder.on('error', () => undefined);
  const pid = holder.pid;
  if (pid === undefined) throw new Error('private address: cannot run unshare (util-linux)');
  const stop = async () => {
    await stopProcessGroups([pid]);
    // The kernel removes the pair with the namespace; this is for a pair created before it moved.
    spawnSync('ip', ['link', 'del', name], { stdio: 'ignore' });
  };
  try {
    // Wait until `unshare` has entered its new namespace.
    const own = readlinkSync('/proc/self/ns/net');
    for (let i = 0; ; i++) {
      let ns = own;
      try { ns = readlinkSync(`/proc/${pid}/ns/net`); } catch { /* not yet */ }
      if (ns !== own && ns !== '') break;
      if (i > 100) throw new Error('private address: unshare --net did not start (needs CAP_SYS_ADMIN)');
      await sleep(20);
    }
    sh('ip', ['link', 'add', name, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(pid)]);
    sh('ip', ['addr', 'add', `${ip}/30`, 'dev', name]);
    sh('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', 'addr', 'add', `${peerIp}/30`, 'dev', 'eth0']);
    sh('nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', 'link', 'set', 'eth0', 'up']);
    sh('ip', ['link', 'set', name, 'up']);
  } catch (e) {
    await stop();
    throw e;
  }
  return { ip, stop };
}
