import { App, Chart } from 'cdk8s';
import { RenderError } from '../errors';
import { VirtRigaud, VirtRigaudProps } from '../constructs/virtrigaud';
import { ParsedValues } from '../values/parsed';
import { Values, ValuesInput } from '../values/schema';
import { compareManifests, ManifestLike } from './order';
import { assertManifestsValid } from '../schema/schema-validation';

export interface Manifest extends ManifestLike {
  readonly [key: string]: unknown;
}

/** @internal */
export interface SynthResult {
  readonly values: Values;
  /** Every object of the release, in install order. */
  readonly manifests: readonly Manifest[];
}

export { RenderError };

/** Refuse output that would put a credential into YAML. */
export function assertNoSecrets(manifests: readonly Manifest[]): void {
  for (const m of manifests) {
    if (m.kind === 'Secret') {
      throw new RenderError(`refusing to render Secret ${m.metadata.name}: credentials are referenced by name, never written into the output`);
    }
  }
}

/** Refuse two objects of the same kind and name: `kubectl apply` would keep only the last one. */
export function assertUnique(manifests: readonly Manifest[]): void {
  const seen = new Set<string>();
  for (const m of manifests) {
    const id = `${m.apiVersion.split('/').slice(0, -1).join('/')}/${m.kind}/${m.metadata.namespace ?? ''}/${m.metadata.name}`;
    if (seen.has(id)) throw new RenderError(`two objects are ${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${m.metadata.name}: one would silently replace the other`);
    seen.add(id);
  }
}

/**
 * Build the release from values, validate every object against its schema, sort by install order.
 * @throws ValuesError for bad values, RenderError for invalid output
 * @internal
 */
export function synthesize(values: ValuesInput | ParsedValues): SynthResult {
  const app = new App({ outdir: '.' });
  const chart = new Chart(app, 'release', { disableResourceNameHashes: true });
  const release = new VirtRigaud(chart, 'virtrigaud', values instanceof ParsedValues ? values : (values as VirtRigaudProps));
  const manifests = (chart.toJson() as Manifest[]).sort(compareManifests);
  try {
    assertManifestsValid(manifests);
  } catch (e) {
    throw new RenderError((e as Error).message);
  }
  assertNoSecrets(manifests);
  assertUnique(manifests);
  return { values: release.values, manifests };
}
