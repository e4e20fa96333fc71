/** Turns Ajv errors into short, path-first violations. */
import { PATTERN_DESCRIPTIONS } from './patterns';

export interface Violation {
  readonly path: string;
  readonly message: string;
}

/** The subset of Ajv's ErrorObject this module reads (generated validators produce the same shape). */
export interface AjvLikeError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `spec.containers[0].ports`, `metadata.labels["app.kubernetes.io/name"]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Decodes a JSON pointer against the data, so that array indices and keys like "0" stay apart. */
function pointerSegments(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur) && /^\d+$/.test(key)) {
      out.push(Number(key));
      cur = cur[Number(key)];
    } else {
      out.push(key);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
    }
  }
  return out;
}

function valueAt(segments: readonly (string | number)[], data: unknown): unknown {
  let cur: unknown = data;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
    return `string ${s}`;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? `integer ${v}` : `number ${v}`;
  return `${typeof v} ${String(v)}`;
}

function typeList(t: unknown): string {
  const list = Array.isArray(t) ? (t as string[]) : String(t).split(',');
  return list.length <= 1 ? list.join('') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

function shortJson(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * Message of the other keywords. Generated validators carry no message strings (Ajv option
 * `messages: false` keeps them smaller), so every message is written here from the params.
 */
function keywordMessage(e: AjvLikeError, value: unknown): string {
  const p = e.params;
  const got = ` (got ${describeValue(value)})`;
  switch (e.keyword) {
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)}${got}`;
    case 'multipleOf':
      return `must be a multiple of ${String(p.multipleOf)}${got}`;
    case 'minLength':
      return `must be at least ${String(p.limit)} characters long${got}`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters long${got}`;
    case 'minItems':
      return `must have at least ${String(p.limit)} items`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'minProperties':
      return `must have at least ${String(p.limit)} fields`;
    case 'maxProperties':
      return `must have at most ${String(p.limit)} fields`;
    case 'uniqueItems':
      return `must not have duplicate items (items ${String(p.j)} and ${String(p.i)} are equal)`;
    case 'not':
      return 'must not match the excluded schema';
    case 'anyOf':
      return 'must match at least one of the allowed schemas';
    case 'oneOf':
      return 'must match exactly one of the allowed schemas';
    case 'false schema':
      return 'must not be present';
    default:
      return e.message ?? `fails "${e.keyword}" ${JSON.stringify(p)}`;
  }
}

/**
 * Converts the errors of one validation run. `if` errors (a failed `then`/`else` branch, whose
 * own errors are reported) are dropped. For `anyOf`/`oneOf`, the branches that failed only on
 * their type are merged into one "must be X or Y" message, and the summary error is dropped
 * when a branch of the right type reported something more precise.
 */
export function convertAjvErrors(errors: readonly AjvLikeError[], data: unknown): Violation[] {
  const list = errors.filter((e) => e.keyword !== 'if');
  const drop = new Set<AjvLikeError>();
  const mergedTypes = new Map<AjvLikeError, string[]>();
  list.forEach((e, i) => {
    if (e.keyword !== 'anyOf' && e.keyword !== 'oneOf') return;
    if (e.keyword === 'oneOf' && e.params.passingSchemas != null) return; // matched more than one
    const types: string[] = [];
    let precise = false;
    for (let j = i - 1; j >= 0; j--) {
      const o = list[j];
      if (o.instancePath !== e.instancePath && !o.instancePath.startsWith(`${e.instancePath}/`)) break;
      if (drop.has(o)) continue;
      if (o.keyword === 'type' && o.instancePath === e.instancePath) {
        types.unshift(...(Array.isArray(o.params.type) ? (o.params.type as string[]) : String(o.params.type).split(',')));
        drop.add(o);
      } else {
        precise = true;
      }
    }
    if (precise) drop.add(e);
    else if (types.length > 0) mergedTypes.set(e, [...new Set(types)]);
  });

  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const e of list) {
    if (drop.has(e)) continue;
    const segs = pointerSegments(e.instancePath, data);
    const value = valueAt(segs, data);
    let path = formatPath(segs);
    let message: string;
    switch (e.keyword) {
      case 'required':
        path = formatPath([...segs, String(e.params.missingProperty)]);
        message = 'required field is missing';
        break;
      case 'additionalProperties':
        path = formatPath([...segs, String(e.params.additionalProperty)]);
        message = `unknown field "${String(e.params.additionalProperty)}"`;
        break;
      case 'type':
        message = `must be ${typeList(e.params.type)} (got ${describeValue(value)})`;
        break;
      case 'const':
        message = `must be ${shortJson(e.params.allowedValue)} (got ${describeValue(value)})`;
        break;
      case 'enum': {
        const allowed = (e.params.allowedValues as unknown[] | undefined) ?? [];
        message = `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')} (got ${describeValue(value)})`;
        break;
      }
      case 'pattern': {
        const pattern = String(e.params.pattern);
        const known = PATTERN_DESCRIPTIONS[pattern];
        message = `${known ? `must be ${known}` : `must match the pattern ${pattern}`} (got ${describeValue(value)})`;
        break;
      }
      case 'anyOf':
      case 'oneOf': {
        const types = mergedTypes.get(e);
        message = types ? `must be ${typeList(types)} (got ${describeValue(value)})` : keywordMessage(e, value);
        break;
      }
      default:
        message = keywordMessage(e, value);
        break;
    }
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path, message });
  }
  return out;
}
