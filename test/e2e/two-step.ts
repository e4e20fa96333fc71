/**
 * kubectl maps every object of an apply to its API before it applies any, so on an empty cluster a
 * custom resource cannot come in the same apply as its CustomResourceDefinition ("resource mapping
 * not found ... ensure CRDs are installed first"). Releases with such objects (Provider objects of
 * custom-resource-mode providers) are applied in two steps: the CRDs, then everything.
 */
import { ControlPlane } from './control-plane';
import { expectClean, Release } from './releases';

/** Applies the release's CRDs alone and waits until they are Established. */
export async function applyCrdsFirst(cp: ControlPlane, release: Release, applyArgs: string[]): Promise<void> {
  const files = release.crdFiles.flatMap((f) => ['-f', f]);
  expectClean(`kubectl ${applyArgs.join(' ')} (the CRDs of ${release.name})`, await cp.kubectl([...applyArgs, ...files]));
  expectClean('kubectl wait --for=condition=Established', await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...files]));
}
