/**
 * Pod Security admission, for real: the release's Namespace carries the "restricted" enforce
 * label, the API server's PodSecurity plugin rejects a privileged Pod there, and accepts a Pod made
 * from each rendered Deployment's pod template (no controller-manager runs, so Deployments create
 * no Pods; `kubectl create --dry-run=server` takes the Pod through the whole admission chain).
 */
import { ControlPlane } from './control-plane';
import { expectClean, installPrometheusOperatorCrds, K8sObject, Release, removeRelease, releasesToApply, removeRenders, source } from './releases';
import { controlPlanesBuilt, describeControlPlanes } from './suite';
import { applyCrdsFirst } from './two-step';

const { root, releases } = releasesToApply(controlPlanesBuilt());
afterAll(() => removeRenders(root));
const singles = releases.filter((r) => r.layout === 'single');

function podFrom(deployment: K8sObject): K8sObject {
  const template = deployment.spec.template;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${deployment.metadata.name}-e2e`, namespace: deployment.metadata.namespace, labels: template.metadata?.labels },
    spec: template.spec,
  };
}

/** A privileged Pod; it runs as one of the release's ServiceAccounts (no controller creates `default`). */
function privilegedPod(namespace: string, serviceAccountName: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'privileged-e2e', namespace },
    spec: { serviceAccountName, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.9', securityContext: { privileged: true } }] },
  };
}

const dryRunCreate = (cp: ControlPlane, object: K8sObject) => cp.kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], { input: JSON.stringify(object) });

describeControlPlanes('e2e Pod Security admission', (cp) => {
  beforeAll(() => installPrometheusOperatorCrds(cp()));

  test.each(singles.map((r) => [r.name, r] as const))('%s: restricted is enforced, and every workload passes it', async (_name, release: Release) => {
    const k = cp().kubectl;
    try {
      if (release.ownCustomResourceFiles.length > 0) await applyCrdsFirst(cp(), release, ['apply', '--server-side']);
      expectClean('apply', await k(['apply', '--server-side', ...source(release)]));
      const namespaces = release.objects.filter((o) => o.kind === 'Namespace');
      const deployments = release.objects.filter((o) => o.kind === 'Deployment');
      expect(namespaces.length).toBeGreaterThan(0);
      expect(deployments.length).toBeGreaterThan(0);

      for (const ns of namespaces) {
        const stored = await k(['get', 'namespace', ns.metadata.name, '-o', 'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}']);
        expect(stored.stdout).toBe('restricted');
        const serviceAccount = release.objects.find((o) => o.kind === 'ServiceAccount' && o.metadata.namespace === ns.metadata.name)!;
        const rejected = await dryRunCreate(cp(), privilegedPod(ns.metadata.name, serviceAccount.metadata.name));
        expect(rejected.code).not.toBe(0);
        expect(rejected.stderr).toMatch(/violates PodSecurity "restricted:[^"]+": privileged \(container "c" must not set securityContext\.privileged=true\)/);
      }
      for (const deployment of deployments) {
        const r = await dryRunCreate(cp(), podFrom(deployment));
        expectClean(`a Pod from the template of Deployment ${deployment.metadata.name}`, r);
        expect(r.stdout.trim()).toBe(`pod/${deployment.metadata.name}-e2e`);
      }
    } finally {
      await removeRelease(cp(), release);
    }
  });
});
