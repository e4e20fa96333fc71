/**
 * describe.each over the API-server versions, each with its own control plane, or one skipped
 * suite (with a message naming the missing binaries and `npm run e2e:build`) when they are not
 * built. In CI (`CI` set) missing binaries fail instead: .ci/run builds them.
 */
import { ControlPlane, controlPlaneBinaries, KUBE_VERSIONS, KubeVersion, startControlPlane } from './control-plane';
import { missingPeers } from './peers';

/**
 * The versions the suites run on: all, or those in VIRTRIGAUD_E2E_VERSIONS (e.g. `1.28`, while
 * iterating on one).
 */
export const SUITE_VERSIONS: readonly KubeVersion[] = (() => {
  const chosen = process.env.VIRTRIGAUD_E2E_VERSIONS?.split(',').map((v) => v.trim()).filter((v) => v !== '');
  if (!chosen) return KUBE_VERSIONS;
  const unknown = chosen.filter((v) => !(KUBE_VERSIONS as readonly string[]).includes(v));
  if (unknown.length > 0) throw new Error(`VIRTRIGAUD_E2E_VERSIONS: unknown ${unknown.join(', ')} (known: ${KUBE_VERSIONS.join(', ')})`);
  return chosen as KubeVersion[];
})();

/** Every binary the control planes of the suites' versions need. */
export const CONTROL_PLANE_PEERS: string[] = [...new Set(SUITE_VERSIONS.flatMap((v) => Object.values(controlPlaneBinaries(v))))];

/** True when every binary the control planes need is built (registers nothing). */
export function controlPlanesBuilt(): boolean {
  return missingPeers('', CONTROL_PLANE_PEERS).missing.length === 0;
}

/** True when the suite can run; otherwise registers the skip (or the CI failure) and says why. */
export function peersBuilt(suite: string, names: readonly string[] = CONTROL_PLANE_PEERS): boolean {
  const { missing, message } = missingPeers(suite, names);
  if (missing.length === 0) return true;
  if (process.env.CI) {
    test(`${suite}: the e2e peers are built in CI`, () => {
      throw new Error(`${message}; CI is set, so this is a failure`);
    });
  } else {
    // Jest prints no console output of a file whose tests are all skipped: straight to stderr.
    process.stderr.write(`${message}\n`);
    describe.skip(suite, () => test(message, () => undefined));
  }
  return false;
}

/**
 * Registers `body` once per API-server version, with a control plane started before its tests and
 * stopped after them. The log names each server's version as its /version reports it.
 */
export function describeControlPlanes(suite: string, body: (cp: () => ControlPlane, version: KubeVersion) => void): void {
  if (!peersBuilt(suite)) return;
  jest.setTimeout(300_000);
  describe.each(SUITE_VERSIONS.map((v) => [v]))(`${suite} on Kubernetes %s`, (version) => {
    let cp: ControlPlane | undefined;
    beforeAll(async () => {
      cp = await startControlPlane({ version });
      console.log(`${suite}: kube-apiserver ${cp.serverVersion} (Kubernetes ${version}) at ${cp.server}`);
    }, 300_000);
    afterAll(async () => {
      await cp?.stop();
    });
    body(() => {
      if (!cp) throw new Error(`${suite}: the control plane ${version} did not start`);
      return cp;
    }, version);
  });
}
