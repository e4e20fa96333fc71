import { ToolkitError } from '../errors';

/** Where a value came from: a file position or a `--set` expression. */
export interface ValueSource {
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly set?: string;
  /** The flag of `set`: set (default), set-string, set-json, set-file or set-literal. */
  readonly flag?: string;
  /** A command-line argument that is no values source (the release name, --namespace). */
  readonly argument?: string;
}

/** Where each key path (formatted with {@link formatPath}) was last set. */
export type SourceMap = ReadonlyMap<string, ValueSource>;

export interface ValuesProblem {
  /** Dotted key path, e.g. `providers[0].endpoint`. */
  readonly path: string;
  readonly message: string;
  readonly source?: ValueSource;
}

/** Longest key path, message or `--set` text echoed in a message (a hostile input must not flood the terminal). */
const MAX_ECHO = 400;

/** Problems listed in a message; the rest are counted (a list of ten thousand nulls must not flood the terminal). */
const MAX_PROBLEMS = 50;

function clip(text: string): string {
  return text.length <= MAX_ECHO ? text : `${text.slice(0, MAX_ECHO)}… (${text.length - MAX_ECHO} more characters)`;
}

export function formatSource(source: ValueSource | undefined): string {
  if (!source) return '';
  if (source.argument !== undefined) return ` (from ${source.argument})`;
  if (source.set !== undefined) return ` (from --${source.flag ?? 'set'} ${clip(source.set)})`;
  if (source.file !== undefined) {
    return ` (${source.file}${source.line !== undefined ? `:${source.line}${source.column !== undefined ? `:${source.column}` : ''}` : ''})`;
  }
  return '';
}

/** One problem as the CLI prints it: `key.path: message (file:line)`. */
export function formatProblem(p: ValuesProblem): string {
  return `${p.path === '' ? '' : `${clip(p.path)}: `}${clip(p.message)}${formatSource(p.source)}`;
}

/** Bad values: every problem names its key path, and its file and line when it came from a file. */
export class ValuesError extends ToolkitError {
  constructor(public readonly problems: readonly ValuesProblem[]) {
    const shown = problems.slice(0, MAX_PROBLEMS).map(formatProblem);
    if (problems.length > MAX_PROBLEMS) shown.push(`… and ${problems.length - MAX_PROBLEMS} more problems`);
    super(shown.join('\n'), 'ValuesError');
  }
}

/** `a.b[0].c` from `['a', 'b', 0, 'c']`; keys that are not identifiers are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(part))) out += out === '' ? String(part) : `.${String(part)}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out;
}
