/**
 * The real upstream binaries (kube-apiserver, kubectl, etcd, ...) that `npm run e2e:build`
 * (scripts/e2e-build.sh) builds from the Go modules in e2e/peers/ into $VIRTRIGAUD_E2E_CACHE/bin.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { packagePath } from '../../lib/paths';

/** The e2e cache folder: built binaries (bin/), build stamps, the e2e:up playground's state. */
export function e2eCache(): string {
  return process.env.VIRTRIGAUD_E2E_CACHE || packagePath('.cache', 'e2e');
}

/** The path of a built peer binary, or undefined when it has not been built. */
export function peerBinary(name: string): string | undefined {
  const path = join(e2eCache(), 'bin', name);
  return existsSync(path) ? path : undefined;
}

/**
 * The names among `names` that are not built, and one line saying what a suite skipped and how to
 * build them. In CI (`CI` set) the suites fail instead of skipping (.ci/run builds the peers).
 */
export function missingPeers(suite: string, names: readonly string[]): { missing: string[]; message: string } {
  const missing = names.filter((name) => peerBinary(name) === undefined);
  const message = `${suite}: skipped, not built: ${missing.join(', ')} (in ${join(e2eCache(), 'bin')}; run npm run e2e:build)`;
  return { missing, message };
}
