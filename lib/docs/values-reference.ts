import { z } from 'zod';
import { valuesSchema } from '../values/schema';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
  required?: string[];
  minimum?: number;
  maximum?: number;
}

/** The JSON schema of values files (`values.schema.json`), for editor completion and validation. */
export function valuesJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(valuesSchema, { io: 'input', unrepresentable: 'any', target: 'draft-07' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://github.com/virtrigaud-cdk8s/virtrigaud-cdk8s/values.schema.json',
    title: 'virtrigaud-cdk8s values',
  };
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (Array.isArray(s.type)) return s.type.join(' \\| ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && !s.properties) return 'map';
  return s.type ?? 'any';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

interface Row {
  key: string;
  type: string;
  default: string;
  description: string;
}

function collect(s: JsonSchema, prefix: string, rows: Row[], required = false): void {
  const isObject = s.type === 'object' && s.properties && Object.keys(s.properties).length > 0;
  if (prefix !== '' && !isObject) {
    rows.push({
      key: prefix,
      type: typeOf(s),
      default: s.default !== undefined ? `\`${JSON.stringify(s.default)}\`` : required ? '*required*' : '',
      description: s.description ?? '',
    });
  }
  if (isObject) {
    if (prefix !== '' && s.description) rows.push({ key: prefix, type: 'object', default: '', description: s.description });
    for (const [key, child] of Object.entries(s.properties!)) {
      collect(child, prefix === '' ? key : `${prefix}.${key}`, rows, s.required?.includes(key) ?? false);
    }
  }
  if (s.type === 'array' && s.items?.type === 'object' && s.items.properties) {
    for (const [key, child] of Object.entries(s.items.properties)) {
      collect(child, `${prefix}[].${key}`, rows, s.items.required?.includes(key) ?? false);
    }
  }
}

/** The values reference table of the README, generated from the values schema. */
export function valuesReferenceMarkdown(): string {
  const rows: Row[] = [];
  collect(valuesJsonSchema() as JsonSchema, '', rows);
  return [
    '| Key | Type | Default | Description |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.default)} | ${cell(r.description)} |`),
  ].join('\n');
}
