import { stringify } from 'yaml';

/** One object as a YAML document: no anchors, no line folding, key order as built. */
export function toYamlDocument(obj: unknown): string {
  return stringify(obj, { aliasDuplicateObjects: false, lineWidth: 0, minContentWidth: 0, version: '1.2' });
}

/** A multi-document YAML stream. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map(toYamlDocument).join('---\n');
}
