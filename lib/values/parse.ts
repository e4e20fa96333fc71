import type { z } from 'zod';
import { formatPath, SourceMap, ValueSource, ValuesError, ValuesProblem } from './errors';
import { Values, valuesSchema } from './schema';
import { suggestKey } from '../suggest';
import { typedValue } from './strvals';

export type { SourceMap };

/** The source of the deepest prefix of `path` that has one. */
export function sourceOf(sources: SourceMap | undefined, path: readonly PropertyKey[]): ValueSource | undefined {
  if (!sources) return undefined;
  for (let n = path.length; n >= 0; n--) {
    const source = sources.get(formatPath(path.slice(0, n)));
    if (source) return source;
  }
  // Set only below this path (e.g. `--set manager[0]=x` makes `manager` a list): the first such source.
  const prefix = formatPath(path);
  for (const [key, source] of sources) {
    if (prefix !== '' && (key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[`))) return source;
  }
  return undefined;
}

/** Keys the schema allows at a path, for "did you mean" hints. */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: unknown = valuesSchema;
  for (const part of path) {
    schema = unwrap(schema);
    const def = (schema as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown } })?.def;
    if (def?.type === 'object' && typeof part === 'string') schema = def.shape?.[part];
    else if (def?.type === 'array' && typeof part === 'number') schema = def.element;
    else return [];
  }
  const def = (unwrap(schema) as { def?: { type?: string; shape?: Record<string, unknown> } })?.def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { type?: string; innerType?: unknown; in?: unknown; out?: unknown; schema?: unknown } } | undefined;
  for (let i = 0; i < 20 && s?.def; i++) {
    const d = s.def;
    if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch'].includes(d.type ?? '')) s = d.innerType as typeof s;
    else if (d.type === 'pipe') s = (d.in as { def?: { type?: string } })?.def?.type === 'transform' ? (d.out as typeof s) : (d.in as typeof s);
    else break;
  }
  return s;
}

/** Turn zod issues into problems that name the key path and where it was set. */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], sources?: SourceMap): ValuesProblem[] {
  const problems: ValuesProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const suggestion = suggestKey(key, knownKeysAt(issue.path));
        const hint = suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
        problems.push({
          path: formatPath(path),
          message: `unknown key${hint}`,
          source: sourceOf(sources, path),
        });
      }
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // The branches' issues are relative to the union: put them under its path.
      const branches = issue.errors.map((branch) => branch.map((i) => ({ ...i, path: [...issue.path, ...i.path] }) as z.core.$ZodIssue));
      const expected = branches.map((b) => (b.length === 1 && b[0].code === 'invalid_type' && b[0].path.length === issue.path.length ? b[0].expected : undefined));
      if (expected.every((e) => e !== undefined)) {
        const received = describeInput(issue.input);
        problems.push({ path: formatPath(issue.path), message: `Invalid input: expected ${expected.join(' or ')}${received ? `, received ${received}` : ''}`, source: sourceOf(sources, issue.path) });
      } else {
        problems.push(...problemsFromIssues(branches[0], sources));
      }
    } else {
      problems.push({ path: formatPath(issue.path), message: issue.message, source: sourceOf(sources, issue.path) });
    }
  }
  // An issue of the values as a whole (e.g. a file whose top level is a list) is named as the root.
  return problems.map((p) => (p.path === '' ? { ...p, path: '(root)' } : p));
}

function describeInput(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  return typeof input;
}

/** The value at `path` in `values`, undefined when there is none. */
function valueAt(values: unknown, path: readonly PropertyKey[]): unknown {
  let v = values;
  for (const part of path) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, part)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[part];
  }
  return v;
}

/** `values` with `text` at `path` (copies along the path). */
function withValueAt(values: unknown, path: readonly PropertyKey[], text: string): unknown {
  if (path.length === 0) return text;
  const [head, ...rest] = path;
  const copy = (Array.isArray(values) ? [...values] : { ...(values as object) }) as Record<PropertyKey, unknown>;
  Object.defineProperty(copy, head, { value: withValueAt(copy[head], rest, text), writable: true, enumerable: true, configurable: true });
  return copy;
}

/** The paths where the schema asks for a string in `issue` (directly or as one branch of a union). */
function stringWanted(issue: z.core.$ZodIssue): PropertyKey[][] {
  if (issue.code === 'invalid_type' && issue.expected === 'string') return [issue.path];
  if (issue.code === 'invalid_union') {
    return issue.errors.flatMap((branch) => branch.filter((i) => i.code === 'invalid_type' && i.expected === 'string' && i.path.length === 0)).map(() => issue.path);
  }
  return [];
}

/**
 * Where the schema asks for a string and `--set` typed the value as a boolean or a number (`--set
 * podAnnotations.prometheus\.io/scrape=true`), the text as written is the value, as `--set-string`
 * would have given it and as a Helm chart's template (`| quote`) would print it.
 */
function setTextsForStrings(issues: readonly z.core.$ZodIssue[], values: unknown, typedFrom: ReadonlyMap<string, string>): { path: PropertyKey[]; text: string }[] {
  const fixes: { path: PropertyKey[]; text: string }[] = [];
  for (const path of issues.flatMap(stringWanted)) {
    const text = typedFrom.get(formatPath(path));
    const value = valueAt(values, path);
    if (text === undefined || !['boolean', 'number', 'bigint'].includes(typeof value)) continue;
    if (typedValue(text) !== value) continue; // set again since, by a file or another flag
    fixes.push({ path, text });
  }
  return fixes;
}

/** What a file's YAML 1.1 reading did, when the schema wanted a string and got a boolean or a number. */
function yamlHint(problem: ValuesProblem, values: unknown, path: readonly PropertyKey[]): ValuesProblem {
  if (/received bigint$/.test(problem.message)) return { ...problem, message: problem.message.replace(/received bigint$/, 'received an integer too large to be exact in a double') };
  if (problem.source?.set !== undefined && /received null$/.test(problem.message) && typeof path[path.length - 1] === 'number') {
    return { ...problem, message: `${problem.message} (an index past the end of a list fills the entries before it with null, as in Helm)` };
  }
  if (problem.source?.file === undefined || !/expected string, received (boolean|number)/.test(problem.message)) return problem;
  const value = valueAt(values, path);
  const hint = typeof value === 'boolean' ? 'YAML reads unquoted yes, no, on, off, y, n, true, false as booleans, as Helm does' : 'YAML reads it as a number';
  return { ...problem, message: `${problem.message} (${hint}: quote the value)` };
}

/**
 * Apply defaults to values and validate them. `typedFrom` (from `loadValues`) lets a `--set` value
 * typed as a boolean or a number fill a string field with its text.
 * @throws ValuesError naming every bad key path (and its file and line when `sources` knows it)
 */
export function parseValues(input: unknown, sources?: SourceMap, typedFrom?: ReadonlyMap<string, string>): Values {
  let values: unknown = input ?? {};
  for (;;) {
    // jitless: zod's eval-compiled fast path costs more to build than it saves on one parse (≈15 ms).
    const result = valuesSchema.safeParse(values, { jitless: true });
    if (result.success) return result.data;
    const fixes = typedFrom ? setTextsForStrings(result.error.issues, values, typedFrom) : [];
    if (fixes.length === 0) {
      const issues = result.error.issues;
      const problems = problemsFromIssues(issues, sources);
      throw new ValuesError(problems.length === issues.length ? problems.map((p, i) => yamlHint(p, values, issues[i].path)) : problems);
    }
    for (const fix of fixes) values = withValueAt(values, fix.path, fix.text);
  }
}