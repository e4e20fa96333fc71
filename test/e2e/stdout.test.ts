/**
 * `synth --output -` piped into `kubectl apply -f -` on an empty cluster (only the Prometheus
 * Operator CRDs), as the README shows it:
 * - one step, for every release that renders no custom resource of its own CRDs (kubectl maps
 *   every object before it applies any, so a Provider object cannot come with its CRD);
 * - two steps for every release: `synth -o - --crds-only | kubectl apply -f -`, wait until the CRDs
 *   are Established, then `synth -o - --skip-crds | kubectl apply -f -`. This part needs synth's
 *   --crds-only/--skip-crds options; until synth has them it is skipped with a message.
 */
import { ControlPlane } from './control-plane';
import { expectClean, getStored, installPrometheusOperatorCrds, key, parseObjects, Release, removeRelease, releasesToApply, removeRenders, subsetDiff, synth } from './releases';
import { controlPlanesBuilt, describeControlPlanes } from './suite';

const { root, releases } = releasesToApply(controlPlanesBuilt());
afterAll(() => removeRenders(root));
const singles = releases.filter((r) => r.layout === 'single');
const oneStep = singles.filter((r) => r.ownCustomResourceFiles.length === 0);

const help = synth(['--help']);
const TWO_STEP = /--crds-only/.test(`${help.stdout}${help.stderr}`) && /--skip-crds/.test(`${help.stdout}${help.stderr}`);
if (!TWO_STEP) process.stderr.write('e2e synth -o - two-step (--crds-only, --skip-crds): skipped, synth --help lists no --crds-only/--skip-crds yet\n');

function stdout(release: Release, ...extra: string[]): string {
  const r = synth(['synth', ...release.synthArgs, ...extra, '--output', '-']);
  if (r.code !== 0) throw new Error(`synth ${release.synthArgs.join(' ')} ${extra.join(' ')} -o -: ${r.stderr}`);
  return r.stdout;
}

async function expectStoredAsRendered(cp: ControlPlane, release: Release): Promise<void> {
  const stored = await getStored(cp, release);
  expect(release.objects.flatMap((o) => (stored.has(key(o)) ? subsetDiff(o, stored.get(key(o))).map((d) => `${key(o)} ${d}`) : [`${key(o)}: not stored`]))).toEqual([]);
}

describeControlPlanes('e2e synth -o - | kubectl apply -f -', (cp) => {
  beforeAll(() => installPrometheusOperatorCrds(cp()));

  test('some release is applied in one step', () => {
    expect(oneStep.map((r) => r.name)).toContain('default');
  });

  test.each(oneStep.map((r) => [r.name, r] as const))('%s: one step', async (_name, release) => {
    try {
      const yaml = stdout(release);
      // What the pipe carries is what the folder render holds.
      expect(parseObjects(yaml)).toEqual(release.objects);
      expectClean('synth -o - | kubectl apply -f -', await cp().kubectl(['apply', '-f', '-'], { input: yaml }));
      await expectStoredAsRendered(cp(), release);
    } finally {
      await removeRelease(cp(), release);
    }
  });

  (TWO_STEP ? test.each : test.skip.each)(singles.map((r) => [r.name, r] as const))('%s: two steps, --crds-only then --skip-crds (needs synth --crds-only)', async (_name, release) => {
    try {
      const crds = stdout(release, '--crds-only');
      expect(parseObjects(crds).map((o) => o.kind)).toEqual(release.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.kind));
      expectClean('synth -o - --crds-only | kubectl apply -f -', await cp().kubectl(['apply', '-f', '-'], { input: crds }));
      expectClean('kubectl wait --for=condition=Established', await cp().kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', '-'], { input: crds }));
      const rest = stdout(release, '--skip-crds');
      expect(parseObjects(rest).some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
      expectClean('synth -o - --skip-crds | kubectl apply -f -', await cp().kubectl(['apply', '-f', '-'], { input: rest }));
      await expectStoredAsRendered(cp(), release);
    } finally {
      await removeRelease(cp(), release);
    }
  });
});
