/**
 * The real upstream binaries (kube-apiserver, kubectl, etcd, ...) that `npm run e2e:build`
 * (scripts/e2e-build.sh) builds from the Go modules in e2e/peers/ into $VIRTRIGAUD_E2E_CACHE/bin.
 * Their lookup lives in scripts/peers.ts, which the bench (built without test/) uses too.
 */
import { join } from 'path';
import { e2eCache, peerBinary } from '../../scripts/peers';

export { e2eCache, HELM_BINARY, peerBinary } from '../../scripts/peers';

/**
 * The names among `names` that are not built, and one line saying what a suite skipped and how to
 * build them. In CI (`CI` set) the suites fail instead of skipping (.ci/run builds the peers).
 */
export function missingPeers(suite: string, names: readonly string[]): { missing: string[]; message: string } {
  const missing = names.filter((name) => peerBinary(name) === undefined);
  const message = `${suite}: skipped, not built: ${missing.join(', ')} (in ${join(e2eCache(), 'bin')}; run npm run e2e:build)`;
  return { missing, message };
}
