/**
 * Custom resources a user writes are accepted by the CRDs as the API server stores them: a
 * VirtualMachine with powerState "On" and "Off", a VMImage with preallocation "off" (field paths
 * from vendor/virtrigaud-v0.3.11/crds), and the Provider objects every example renders, stored as
 * rendered. YAML as a user writes it: the enum values quoted, as YAML 1.1 readers (kubectl) need.
 */
import { readFileSync } from 'fs';
import { ControlPlane } from './control-plane';
import { expectClean, installPrometheusOperatorCrds, key, parseObjects, removeRelease, releasesToApply, removeRenders, subsetDiff } from './releases';
import { controlPlanesBuilt, describeControlPlanes } from './suite';
import { applyCrdsFirst } from './two-step';

const { root, releases } = releasesToApply(controlPlanesBuilt());
afterAll(() => removeRenders(root));
const singles = releases.filter((r) => r.layout === 'single');
const defaultRelease = singles.find((r) => r.name === 'default');
const namespace = defaultRelease?.objects.find((o) => o.kind === 'Namespace')?.metadata.name ?? '(not rendered)';

const virtualMachine = (name: string, powerState: string) => `apiVersion: infra.virtrigaud.io/v1beta1
kind: VirtualMachine
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  providerRef:
    name: lab
  classRef:
    name: small
  imageRef:
    name: ubuntu
  powerState: "${powerState}"
`;

const vmImage = `apiVersion: infra.virtrigaud.io/v1beta1
kind: VMImage
metadata:
  name: ubuntu
  namespace: ${namespace}
spec:
  source:
    http:
      url: https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img
  prepare:
    storage:
      libvirt:
        preallocation: "off"
`;

async function applyAndRead(cp: ControlPlane, yaml: string, jsonpath: string): Promise<string> {
  expectClean('kubectl apply --server-side', await cp.kubectl(['apply', '--server-side', '-f', '-'], { input: yaml }));
  const [object] = parseObjects(yaml);
  const r = await cp.kubectl(['get', '-n', namespace, `${object.kind.toLowerCase()}/${object.metadata.name}`, '-o', `jsonpath=${jsonpath}`]);
  expectClean('kubectl get', r);
  return r.stdout;
}

describeControlPlanes('e2e custom resources', (cp) => {
  beforeAll(() => installPrometheusOperatorCrds(cp()));

  describe('written by a user, on the default release\'s CRDs', () => {
    beforeAll(async () => {
      expectClean('apply the default release', await cp().kubectl(['apply', '--server-side', '-f', defaultRelease!.path]));
      expectClean('CRDs Established', await cp().kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...defaultRelease!.crdFiles.flatMap((f) => ['-f', f])]));
    });
    afterAll(() => removeRelease(cp(), defaultRelease!));

    test.each(['On', 'Off'])('a VirtualMachine with powerState "%s"', async (powerState) => {
      expect(await applyAndRead(cp(), virtualMachine(`vm-${powerState.toLowerCase()}`, powerState), '{.spec.powerState}')).toBe(powerState);
    });

    test('a VMImage with preallocation "off"', async () => {
      expect(await applyAndRead(cp(), vmImage, '{.spec.prepare.storage.libvirt.preallocation}')).toBe('off');
    });

    test('a powerState outside the enum is rejected (the CRD\'s enum is in force)', async () => {
      const r = await cp().kubectl(['apply', '--server-side', '-f', '-'], { input: virtualMachine('vm-bad', 'Sleeping') });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/spec\.powerState: Unsupported value: "Sleeping": supported values: "On", "Off", "OffGraceful"/);
    });
  });

  const withProviders = singles.filter((r) => r.ownCustomResourceFiles.length > 0);
  test('the examples render Provider objects to check', () => {
    expect(withProviders.filter((r) => r.name.startsWith('example ')).length).toBeGreaterThan(0);
  });

  if (withProviders.length > 0) test.each(withProviders.map((r) => [r.name, r] as const))('%s: its Provider objects are accepted and stored as rendered', async (_name, release) => {
    try {
      await applyCrdsFirst(cp(), release, ['apply', '--server-side']);
      expectClean(`apply ${release.name}`, await cp().kubectl(['apply', '--server-side', '-f', release.path]));
      for (const file of release.ownCustomResourceFiles) {
        const [rendered] = parseObjects(readFileSync(file, 'utf8'));
        const r = await cp().kubectl(['get', '-f', file, '-o', 'json']);
        expectClean(`get ${file}`, r);
        expect(subsetDiff(rendered, JSON.parse(r.stdout)).map((d) => `${key(rendered)} ${d}`)).toEqual([]);
      }
    } finally {
      await removeRelease(cp(), release);
    }
  });
});
