import { formatPath } from './errors';
import { applySetFlag } from './strvals';

export { typedValue } from './strvals';

/** One value a `--set` flag sets: its key path, the value, the assignment as written. */
export interface SetAssignment {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
  /** The assignment as written, for error messages. */
  readonly text: string;
}

/**
 * The values one `--set` flag (`--set-string` with `asString`) sets on empty values, leaf by leaf,
 * parsed as Helm parses it: `a.b=1,c[0].d=x`, `list={a,b}`, `\,` `\.` `\=` escape.
 */
export function parseSetExpression(text: string, asString = false): SetAssignment[] {
  const values: Record<string, unknown> = {};
  const recorder = { sources: new Map(), typedFrom: new Map<string, string>() };
  applySetFlag(values, asString ? 'set-string' : 'set', text, recorder, () => {
    throw new Error('unreachable: --set reads no file');
  });
  const out: SetAssignment[] = [];
  const walk = (value: unknown, path: (string | number)[]) => {
    const leafList = Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null);
    if (typeof value === 'object' && value !== null && !leafList) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, Array.isArray(value) ? Number(k) : k]);
    } else {
      out.push({ path, value, text: recorder.sources.get(formatPath(path))?.set ?? text });
    }
  };
  walk(values, []);
  return out;
}
