/**
 * Turns Kubernetes OpenAPI schemas into strict JSON schemas that Ajv (draft-07) compiles:
 *
 * - only validation keywords are kept (descriptions, `x-kubernetes-*` markers, `default`,
 *   `example` and other annotations are dropped, which also keeps generated code small);
 * - every object schema that lists `properties` and says nothing about `additionalProperties`
 *   gets `additionalProperties: false`, so unknown fields are rejected, unless it carries
 *   `x-kubernetes-preserve-unknown-fields: true`;
 * - `format`s become plain keywords (`int32` → bounds, `date-time`/`date`/`byte` → `pattern`,
 *   `int-or-string` → integer or string); any other format is ignored, as the API server does;
 * - OpenAPI's `nullable` becomes a `"null"` type; `x-kubernetes-int-or-string` becomes
 *   integer-or-string.
 *
 * The result needs no Ajv format plug-in and no custom keyword, so the validators Ajv
 * generates from it are self-contained.
 */
import { BASE64_PATTERN, DATE_PATTERN, DATE_TIME_PATTERN, INT32_MAX, INT32_MIN } from './patterns';

export type JsonSchema = { [key: string]: unknown };

/** Keywords whose value is a validation constraint copied as is. */
const PLAIN_KEYWORDS = [
  'type',
  'enum',
  'const',
  'required',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
] as const;

export interface TransformOptions {
  /**
   * Structural (CRD) semantics: an object schema without `properties` and without
   * `additionalProperties` keeps no fields (the API server prunes them), so it rejects every
   * field unless `x-kubernetes-preserve-unknown-fields` is set. In the built-in definitions such
   * bare objects (RawExtension, FieldsV1, …) are free-form.
   */
  readonly structural: boolean;
  /** Rewrites a `$ref` (built-in definitions only). */
  readonly rewriteRef?: (ref: string) => string;
  /** Schema used for `metadata` of embedded resources (`x-kubernetes-embedded-resource`). */
  readonly embeddedMetadata?: JsonSchema;
}

function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function addType(type: unknown, extra: string): unknown {
  if (type === undefined) return undefined;
  const list = Array.isArray(type) ? [...(type as string[])] : [type as string];
  if (!list.includes(extra)) list.push(extra);
  return list;
}

/** Transforms one schema node (recursively). The input is never mutated. */
export function transformSchema(node: unknown, opts: TransformOptions): JsonSchema {
  if (!isObject(node)) return {};
  if (typeof node.$ref === 'string') {
    // Kubernetes' definitions put only `description` beside `$ref`.
    return { $ref: opts.rewriteRef ? opts.rewriteRef(node.$ref) : node.$ref };
  }
  const out: JsonSchema = {};
  for (const k of PLAIN_KEYWORDS) {
    if (node[k] !== undefined) out[k] = node[k];
  }
  const preserveUnknown = node['x-kubernetes-preserve-unknown-fields'] === true;

  switch (node.format) {
    case 'int32':
      if (out.minimum === undefined) out.minimum = INT32_MIN;
      if (out.maximum === undefined) out.maximum = INT32_MAX;
      break;
    case 'date-time':
      if (out.pattern === undefined) out.pattern = DATE_TIME_PATTERN;
      break;
    case 'date':
      if (out.pattern === undefined) out.pattern = DATE_PATTERN;
      break;
    case 'byte':
      if (out.pattern === undefined) out.pattern = BASE64_PATTERN;
      break;
    case 'int-or-string':
      out.type = ['integer', 'string'];
      break;
    default:
      break;
  }

  let anyOf = node.anyOf;
  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
    // controller-gen writes `anyOf: [{type: integer}, {type: string}]` beside the marker; the
    // type list above says the same thing with a clearer error message.
    if (Array.isArray(anyOf) && anyOf.every((s) => isObject(s) && Object.keys(s).every((k) => k === 'type'))) {
      anyOf = undefined;
    }
  }

  for (const comb of ['allOf', 'anyOf', 'oneOf'] as const) {
    const list = comb === 'anyOf' ? anyOf : node[comb];
    if (Array.isArray(list) && list.length > 0) out[comb] = list.map((s) => transformSchema(s, opts));
  }
  if (isObject(node.not)) out.not = transformSchema(node.not, opts);

  if (node.items !== undefined) {
    out.items = Array.isArray(node.items)
      ? node.items.map((s) => transformSchema(s, opts))
      : transformSchema(node.items, opts);
  }

  let properties: Record<string, JsonSchema> | undefined;
  if (isObject(node.properties)) {
    properties = {};
    for (const [name, sub] of Object.entries(node.properties)) properties[name] = transformSchema(sub, opts);
  }
  if (node['x-kubernetes-embedded-resource'] === true) {
    properties = properties ?? {};
    properties.apiVersion ??= { type: 'string' };
    properties.kind ??= { type: 'string' };
    properties.metadata ??= opts.embeddedMetadata ?? { type: 'object' };
  }
  if (properties) out.properties = properties;
  if (isObject(node.patternProperties)) {
    const pp: Record<string, JsonSchema> = {};
    for (const [re, sub] of Object.entries(node.patternProperties)) pp[re] = transformSchema(sub, opts);
    out.patternProperties = pp;
  }

  if (node.additionalProperties !== undefined) {
    out.additionalProperties =
      typeof node.additionalProperties === 'boolean'
        ? node.additionalProperties
        : transformSchema(node.additionalProperties, opts);
  } else if (!preserveUnknown) {
    const isObjectSchema = properties !== undefined || node.type === 'object';
    if (properties !== undefined || (opts.structural && isObjectSchema && !isObject(node.patternProperties))) {
      out.additionalProperties = false;
    }
  }

  if (node.nullable === true) {
    const t = addType(out.type, 'null');
    if (t !== undefined) out.type = t;
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

/**
 * Moves every nested object schema (one with `properties`) of a self-contained schema into
 * `definitions` and refers to it by `$ref`. Ajv then generates one function per object schema
 * instead of one huge function per CRD, and V8 compiles only the functions a manifest reaches:
 * validating a small ServiceMonitor no longer compiles the code for every field it could have.
 */
export function hoistObjectSchemas(root: JsonSchema): JsonSchema {
  const definitions: Record<string, JsonSchema> = { ...((root.definitions as Record<string, JsonSchema> | undefined) ?? {}) };
  let counter = 0;
  const visit = (node: unknown, hoist: boolean): unknown => {
    if (!isObject(node)) return node;
    const out: JsonSchema = { ...node };
    if (isObject(node.properties)) {
      const props: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node.properties)) props[k] = visit(v, true);
      out.properties = props;
    }
    if (isObject(node.patternProperties)) {
      const props: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node.patternProperties)) props[k] = visit(v, true);
      out.patternProperties = props;
    }
    if (node.items !== undefined) out.items = Array.isArray(node.items) ? node.items.map((s) => visit(s, true)) : visit(node.items, true);
    if (isObject(node.additionalProperties)) out.additionalProperties = visit(node.additionalProperties, true);
    for (const comb of ['allOf', 'anyOf', 'oneOf'] as const) {
      if (Array.isArray(node[comb])) out[comb] = (node[comb] as unknown[]).map((s) => visit(s, true));
    }
    if (hoist && isObject(node.properties)) {
      const name = `o${counter++}`;
      definitions[name] = out;
      return { $ref: `#/definitions/${name}` };
    }
    return out;
  };
  const top = visit(root, false) as JsonSchema;
  return counter === 0 ? top : { ...top, definitions };
}
