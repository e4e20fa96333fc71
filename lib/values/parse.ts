import type { z } from 'zod';
import { formatPath, ValueSource, ValuesError, ValuesProblem } from './errors';
import { Values, valuesSchema } from './schema';
import { suggestKey } from '../suggest';

/** Where each key path (formatted with {@link formatPath}) was last set. */
export type SourceMap = ReadonlyMap<string, ValueSource>;

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
        const hint = key === '<<' ? ' (YAML merge keys are not supported: write the keys out)' : suggestion ? ` (did you mean ${JSON.stringify(suggestion)}?)` : '';
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

/**
 * Apply defaults to values and validate them.
 * @throws ValuesError naming every bad key path (and its file and line when `sources` knows it)
 */
export function parseValues(input: unknown, sources?: SourceMap): Values {
  // jitless: zod's eval-compiled fast path costs more to build than it saves on one parse (≈15 ms).
  const result = valuesSchema.safeParse(input ?? {}, { jitless: true });
  if (!result.success) throw new ValuesError(problemsFromIssues(result.error.issues, sources));
  return result.data;
}
