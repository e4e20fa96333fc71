import { ValuesError } from './errors';

/** One `key.path=value` of a `--set` flag. */
export interface SetAssignment {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  /** The assignment as written, for error messages. */
  readonly text: string;
}

const MAX_INDEX = 10_000;

function malformed(text: string, why: string): never {
  throw new ValuesError([{ path: '', message: `malformed --set ${JSON.stringify(text)}: ${why}`, source: { set: text } }]);
}

/** Split on a separator that is not escaped with a backslash and not inside `{…}`. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
    } else {
      if (c === '{') depth++;
      if (c === '}') depth = Math.max(0, depth - 1);
      if (c === separator && depth === 0) {
        parts.push(current);
        current = '';
      } else {
        current += c;
      }
    }
  }
  parts.push(current);
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

/** Helm's typing of `--set` values: booleans, `null`, integers; everything else stays a string. */
export function typedValue(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?(0|[1-9]\d{0,15})$/.test(raw)) return Number(raw);
  return raw;
}

function parseKey(key: string, text: string): (string | number)[] {
  if (key === '') malformed(text, 'the key is empty');
  const path: (string | number)[] = [];
  for (const segment of splitUnescaped(key, '.')) {
    const match = /^((?:\\.|[^[\]\\])*)((?:\[\d+\])*)$/.exec(segment);
    if (!match) malformed(text, `bad key segment ${JSON.stringify(segment)} (lists are indexed like name[0])`);
    const name = unescape(match[1]);
    if (name === '' && path.length === 0) malformed(text, `bad key segment ${JSON.stringify(segment)}`);
    if (name === '' && match[2] === '') malformed(text, 'empty key segment (two dots in a row?)');
    if (name !== '') path.push(name);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) {
      const n = Number(index[1]);
      if (n > MAX_INDEX) malformed(text, `list index ${n} is larger than ${MAX_INDEX}`);
      path.push(n);
    }
  }
  return path;
}

/**
 * Parse a `--set` flag like Helm: `a.b=1,c[0].d=x`, `list={a,b}`, `\,` and `\.` escape.
 * With `asString`, values stay strings (`--set-string`).
 */
export function parseSetExpression(text: string, asString = false): SetAssignment[] {
  return splitUnescaped(text, ',').map((assignment) => {
    const eq = findUnescaped(assignment, '=');
    if (eq < 0) malformed(text, `${JSON.stringify(assignment)} has no "=" (write key.path=value)`);
    const path = parseKey(assignment.slice(0, eq), text);
    const raw = assignment.slice(eq + 1);
    let value: unknown;
    if (raw.startsWith('{') && raw.endsWith('}')) {
      const inner = raw.slice(1, -1);
      value = inner === '' ? [] : splitUnescaped(inner, ',').map((item) => (asString ? unescape(item) : typedValue(unescape(item))));
    } else {
      value = asString ? unescape(raw) : typedValue(unescape(raw));
    }
    return { path, value, text: assignment };
  });
}

function findUnescaped(text: string, char: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === char) return i;
  }
  return -1;
}
