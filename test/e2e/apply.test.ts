/**
 * Every release of this repository (default, examples, environments), in both layouts, applied to
 * a real API server with `kubectl apply --server-side` and with client-side `kubectl apply` (Argo
 * CD's default) on a cluster that has only the Prometheus Operator CRDs, as a kube-prometheus-stack
 * user's has: no error, no warning (PodSecurity, deprecation, unknown field), every CRD
 * Established, and every stored object contains the rendered one unchanged (the server may add
 * defaults, never change a value's type or meaning).
 */
import { K8sObject, expectClean, getStored, installPrometheusOperatorCrds, key, Release, removeRelease, releasesToApply, removeRenders, source, subsetDiff } from './releases';
import { controlPlanesBuilt, describeControlPlanes } from './suite';
import { applyCrdsFirst } from './two-step';

const { root, releases } = releasesToApply(controlPlanesBuilt());
afterAll(() => removeRenders(root));

const MODES = [
  { name: 'server-side', args: ['apply', '--server-side'] },
  { name: 'client-side', args: ['apply'] },
] as const;

function storedDiffs(release: Release, stored: Map<string, K8sObject>): string[] {
  return release.objects.flatMap((o) => {
    const s = stored.get(key(o));
    return s ? subsetDiff(o, s).map((d) => `${key(o)} ${d}`) : [`${key(o)}: not stored`];
  });
}

describeControlPlanes('e2e apply', (cp) => {
  beforeAll(() => installPrometheusOperatorCrds(cp()));

  const cases = releases.flatMap((r) => MODES.map((m) => [`${r.name} (${r.layout})`, m.name, r, m.args] as const));
  test.each(cases)('%s, %s apply: no error or warning, CRDs Established, stored = rendered', async (_name, _mode, release, applyArgs) => {
    const k = cp().kubectl;
    try {
      // kubectl maps every object to an API before applying any, so a custom resource of a CRD in
      // the same apply fails on an empty cluster; such a release is applied CRDs first (two-step).
      if (release.ownCustomResourceFiles.length > 0) await applyCrdsFirst(cp(), release, [...applyArgs]);
      expectClean(`kubectl ${applyArgs.join(' ')} ${source(release).join(' ')}`, await k([...applyArgs, ...source(release)]));

      const crds = release.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => `crd/${o.metadata.name}`);
      expect(crds.length).toBeGreaterThan(0);
      expectClean('kubectl wait --for=condition=Established', await k(['wait', '--for=condition=Established', '--timeout=60s', ...crds]));

      expect(storedDiffs(release, await getStored(cp(), release))).toEqual([]);
    } finally {
      await removeRelease(cp(), release);
    }
  });

  test('a changed value is caught by the stored = rendered comparison', async () => {
    // The comparison's own negative: a rendered label the server never saw.
    const release = releases.find((r) => r.name === 'default' && r.layout === 'single')!;
    try {
      expectClean('apply', await cp().kubectl(['apply', '--server-side', ...source(release)]));
      const deployment = structuredClone(release.objects.find((o) => o.kind === 'Deployment')!);
      deployment.spec.replicas = String(deployment.spec.replicas);
      const edited = { ...release, objects: [deployment] };
      expect(storedDiffs(edited, await getStored(cp(), release))).toEqual([`apps/Deployment ${deployment.metadata.namespace}/${deployment.metadata.name} .spec.replicas: rendered "${deployment.spec.replicas}", stored ${deployment.spec.replicas}`]);
    } finally {
      await removeRelease(cp(), release);
    }
  });
});
