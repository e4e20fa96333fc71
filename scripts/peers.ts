/**
 * Where the real upstream binaries (kube-apiserver, kubectl, etcd, helm, ...) are: `npm run
 * e2e:build` (scripts/e2e-build.sh) builds them from the Go modules in e2e/peers/ into
 * $VIRTRIGAUD_E2E_CACHE/bin. One home for the tests (test/e2e/peers.ts), the scripts and the bench.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { packagePath } from '../lib/paths';

/** The e2e cache folder: built binaries (bin/), build stamps, the e2e:up playground's state. */
export function e2eCache(): string {
  return process.env.VIRTRIGAUD_E2E_CACHE || packagePath('.cache', 'e2e');
}

/** The path of a built peer binary, or undefined when it has not been built. */
export function peerBinary(name: string): string | undefined {
  const path = join(e2eCache(), 'bin', name);
  return existsSync(path) ? path : undefined;
}

/** Real Helm, as e2e/peers/helm/BUILD names it. */
export const HELM_BINARY = 'helm-v3.22.0';
