import { Document, isMap, isScalar, YAMLMap } from 'yaml';
import { valuesSchema } from '../values/schema';
import { valuesJsonSchema } from './values-reference';

interface JsonSchema {
  description?: string;
  properties?: Record<string, JsonSchema>;
}

function annotate(map: YAMLMap, schema: JsonSchema | undefined): void {
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const child = schema?.properties?.[key];
    if (child?.description && isScalar(pair.key)) pair.key.commentBefore = ` ${child.description.replace(/\n/g, ' ')}`;
    if (isMap(pair.value)) annotate(pair.value, child);
  }
}

/** `values.yaml`: every default, each key with its description, like a Helm chart's values file. */
export function defaultValuesYaml(): string {
  const doc = new Document(valuesSchema.parse({}));
  doc.commentBefore =
    ' Default values of virtrigaud-cdk8s (generated from lib/values by `npm run generate`; do not edit).\n' +
    ' Copy the keys you want to change into your own file and render with: npm run synth -- -f my-values.yaml';
  if (isMap(doc.contents)) annotate(doc.contents, valuesJsonSchema() as JsonSchema);
  return doc.toString({ lineWidth: 0 });
}
