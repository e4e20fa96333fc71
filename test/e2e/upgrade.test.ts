/**
 * Upgrade on a real API server: the previous release applied, then the current one with
 * `kubectl apply --prune` on the release's labels. No immutable-field error, no warning, and the
 * release's objects on the server are exactly the current ones (what the previous release had and
 * the current one dropped is gone).
 *
 * The previous release is the default render (dist/virtrigaud.yaml) at the commit that last
 * recorded the upgrade contract (test/fixtures/upgrade-contract.json, `npm run contract:record`).
 */
import { spawnSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { INSTANCE_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../../lib/constructs/labels';
import { CONTRACT_FIXTURE } from '../../lib/gitops/contract-cases';
import { PACKAGE_ROOT } from '../../lib/paths';
import { ControlPlane } from './control-plane';
import { expectClean, installPrometheusOperatorCrds, K8sObject, key, parseObjects, removeRelease, releasesToApply, removeRenders } from './releases';
import { controlPlanesBuilt, describeControlPlanes } from './suite';

const git = (...args: string[]) => spawnSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8' });

/** The previous release's YAML and its commit, or why it cannot be had (no git history). */
function previousRelease(): { commit: string; yaml: string } | { missing: string } {
  const log = git('log', '-1', '--format=%H', '--', CONTRACT_FIXTURE);
  const commit = log.status === 0 ? log.stdout.trim() : '';
  if (commit === '') return { missing: `no git history of ${CONTRACT_FIXTURE} (${log.error?.message ?? log.stderr.trim() ?? 'shallow clone?'})` };
  const show = git('show', `${commit}:dist/virtrigaud.yaml`);
  if (show.status !== 0) return { missing: `git show ${commit}:dist/virtrigaud.yaml: ${show.stderr.trim()}` };
  return { commit, yaml: show.stdout };
}

const built = controlPlanesBuilt();
const previous = previousRelease();
const { root, releases } = releasesToApply(built && !('missing' in previous));
afterAll(() => removeRenders(root));
const current = releases.find((r) => r.name === 'default' && r.layout === 'single')!;

/** `group/version/Kind` as kubectl's --prune-allowlist wants it (core/v1/Service). */
const gvk = (o: K8sObject) => (o.apiVersion.includes('/') ? `${o.apiVersion}/${o.kind}` : `core/${o.apiVersion}/${o.kind}`);
/** `kind.group` as kubectl get takes it. */
const resource = (o: K8sObject) => (o.apiVersion.includes('/') ? `${o.kind.toLowerCase()}.${o.apiVersion.split('/')[0]}` : o.kind.toLowerCase());

if (!built) {
  describeControlPlanes('e2e upgrade', () => undefined); // reports the missing binaries
} else if ('missing' in previous) {
  process.stderr.write(`e2e upgrade: skipped, the previous release is not available: ${previous.missing}\n`);
  describe.skip('e2e upgrade', () => test(`the previous release is not available: ${previous.missing}`, () => undefined));
} else {
  const before = parseObjects(previous.yaml);
  const releaseName = current.objects[0].metadata.labels![INSTANCE_LABEL];
  const selector = `${INSTANCE_LABEL}=${releaseName},${MANAGED_BY_LABEL}=${MANAGED_BY}`;
  const kinds = [...new Set([...before, ...current.objects].map(gvk))].sort();
  const resources = [...new Set([...before, ...current.objects].map(resource))].sort();
  const gone = before.map(key).filter((k) => !current.objects.some((o) => key(o) === k));

  async function releaseObjectsOnServer(cp: ControlPlane): Promise<string[]> {
    const r = await cp.kubectl(['get', resources.join(','), '--all-namespaces', '-l', selector, '-o', 'json']);
    expectClean('kubectl get the release\'s objects', r);
    return (JSON.parse(r.stdout) as { items: K8sObject[] }).items.map(key).sort();
  }

  describeControlPlanes(`e2e upgrade from ${previous.commit.slice(0, 12)}`, (cp) => {
    beforeAll(() => installPrometheusOperatorCrds(cp()));
    const previousFile = join(root, 'previous.yaml');
    writeFileSync(previousFile, previous.yaml);
    const previousRender = { ...current, name: `previous (${previous.commit.slice(0, 12)})`, objects: before, path: previousFile };

    test('client-side apply of the previous release, then the current one with --prune on the release\'s labels', async () => {
      const k = cp().kubectl;
      try {
        expectClean('apply the previous release', await k(['apply', '-f', previousFile]));
        expect(await releaseObjectsOnServer(cp())).toEqual(before.map(key).sort());
        const prune = ['--prune', '-l', selector, ...kinds.flatMap((kind) => ['--prune-allowlist', kind])];
        expectClean('apply the current release with --prune', await k(['apply', ...prune, '-f', current.path]));
        expect(await releaseObjectsOnServer(cp())).toEqual(current.objects.map(key).sort());
        console.log(`e2e upgrade on ${cp().serverVersion}: --prune removed ${gone.length ? gone.join(', ') : 'nothing'}`);
      } finally {
        await removeRelease(cp(), previousRender); // what a failed prune left behind
        await removeRelease(cp(), current);
      }
    });

    // kubectl's --prune does not work with --server-side ("alpha"); a server-side user (or Argo CD,
    // Flux) removes what the current release no longer has: exactly the objects it dropped.
    test('server-side apply of the previous release, then the current one: only the dropped objects are left over', async () => {
      const k = cp().kubectl;
      try {
        expectClean('apply the previous release', await k(['apply', '--server-side', '-f', previousFile]));
        expectClean('apply the current release', await k(['apply', '--server-side', '-f', current.path]));
        const left = await releaseObjectsOnServer(cp());
        expect(left.filter((id) => !current.objects.some((o) => key(o) === id))).toEqual([...gone].sort());
        expect(current.objects.map(key).filter((id) => !left.includes(id))).toEqual([]);
      } finally {
        await removeRelease(cp(), previousRender);
        await removeRelease(cp(), current);
      }
    });
  });
}
