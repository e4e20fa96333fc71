import { emitYamlDocument, YAML_OPTIONS } from './yaml-emitter';

/** One object as a YAML document: no anchors, no line folding, key order as built. */
export function toYamlDocument(obj: unknown): string {
  // The emitter writes what `yaml` writes, without building a document model; `yaml` itself
  // (loaded only then) handles anything outside plain JSON data.
  const fast = emitYamlDocument(obj);
  if (fast !== undefined) return fast;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { stringify } = require('yaml') as typeof import('yaml');
  return stringify(obj, YAML_OPTIONS);
}

/** A multi-document YAML stream. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map(toYamlDocument).join('---\n');
}
