import { emitYamlDocument, plainIsAmbiguous, YAML_OPTIONS } from './yaml-emitter';

/** One object as a YAML document: no anchors, no line folding, key order as built. */
export function toYamlDocument(obj: unknown): string {
  // The emitter writes what `yaml` writes (quoted where YAML 1.1 readers need it), without
  // building a document model; `yaml` itself (loaded only then) handles anything outside plain
  // JSON data, with the same strings quoted.
  const fast = emitYamlDocument(obj);
  if (fast !== undefined) return fast;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Document, visit } = require('yaml') as typeof import('yaml');
  const doc = new Document(obj, YAML_OPTIONS);
  visit(doc, {
    Scalar(key, node) {
      if (typeof node.value === 'string' && plainIsAmbiguous(node.value, key === 'key')) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString(YAML_OPTIONS);
}

/** A multi-document YAML stream. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map(toYamlDocument).join('---\n');
}
