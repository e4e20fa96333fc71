/**
 * PromQL validation with the official Prometheus grammar.
 *
 * - Syntax: `@prometheus-io/lezer-promql` (the grammar the Prometheus UI uses); its parser is
 *   error-tolerant, so every error node of the tree is reported with its position.
 * - Analysis (optional): `@prometheus-io/codemirror-promql`'s `Parser.analyze()`, which adds
 *   type and arity checks (`rate()` of an instant vector, wrong argument counts, `by` without an
 *   aggregation, …). It runs headless on a CodeMirror `EditorState` (no DOM needed). Loading
 *   CodeMirror costs ~60 ms, so it is loaded lazily and only when asked for (`analysis: true`:
 *   tests and `lint`). At render time the typed builder (`promql.ts`) enforces the same types
 *   when the expressions are built, and every expression is syntax-checked.
 */
import type { Tree } from '@lezer/common';
import { GRAFANA_WINDOW_MACROS } from './vector';

export interface ValidateOptions {
  /**
   * Also run codemirror-promql's semantic analysis (lazy-loaded). `true` throws when it is not
   * installed (it is an optional peer dependency); `'if-installed'` then checks the syntax only.
   */
  readonly analysis?: boolean | 'if-installed';
  /** Accept Grafana's `$__rate_interval`, `$__interval` and `$__range` (substituted by durations for checking). */
  readonly grafanaMacros?: boolean;
}

/** codemirror-promql's analyzer, a module its index does not export. */
export const CODEMIRROR_PROMQL_PARSER = '@prometheus-io/codemirror-promql/dist/cjs/parser/parser';

type LezerParser = { parse(input: string): Tree; startParse(input: string): { advance(): Tree | null } };
let lezer: LezerParser | undefined;

function lezerParser(): LezerParser {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  lezer ??= (require('@prometheus-io/lezer-promql') as { parser: LezerParser }).parser;
  return lezer;
}

/**
 * The syntax tree of an expression. Lezer cuts left-associative chains of more than about 300
 * reductions longer than 2,000 characters short, with error nodes (a guard against trees too deep
 * for recursive consumers; Prometheus has no such limit): `a or b or …` with one `absent()` per
 * provider reaches it at about 320 providers. Iteration over the tree is not recursive, so the
 * counter behind that guard is reset as the parse advances.
 */
function parseTree(text: string, parser: Pick<LezerParser, 'startParse'> = lezerParser()): Tree {
  const parse = parser.startParse(text) as { advance(): Tree | null; bigReductionCount?: number };
  for (;;) {
    if (typeof parse.bigReductionCount === 'number') parse.bigReductionCount = 0;
    const tree = parse.advance();
    if (tree) return tree;
  }
}

/** Syntax errors by expression: expressions repeat across renders in one process (environments). */
const syntaxErrorsCache = new Map<string, readonly string[]>();
const SYNTAX_CACHE_LIMIT = 10_000;

function syntaxErrors(text: string): readonly string[] {
  const hit = syntaxErrorsCache.get(text);
  if (hit) return hit;
  const errors: string[] = [];
  parseTree(text).iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(`syntax error at ${node.from}: ${snippet(text, node.from, node.to)}`);
      }
    },
  });
  if (syntaxErrorsCache.size >= SYNTAX_CACHE_LIMIT) syntaxErrorsCache.clear();
  syntaxErrorsCache.set(text, errors);
  return errors;
}

interface Analyzer {
  analyze(expr: string): string[];
}
let analyzer: Analyzer | undefined;

function codemirrorAnalyzer(): Analyzer {
  if (analyzer) return analyzer;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { EditorState } = require('@codemirror/state') as typeof import('@codemirror/state');
  const { Language } = require('@codemirror/language') as typeof import('@codemirror/language');
  const { promQLLanguage, LanguageType } = require('@prometheus-io/codemirror-promql') as typeof import('@prometheus-io/codemirror-promql');
  // Not exported by the package's index (pinned exactly in package.json; test/deps/promql-internals.test.ts).
  const { Parser } = require(CODEMIRROR_PROMQL_PARSER) as {
    Parser: new (state: import('@codemirror/state').EditorState) => { analyze(): void; getDiagnostics(): { from: number; to: number; message: string }[] };
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  const promql = promQLLanguage(LanguageType.PromQL);
  // The Parser reads the editor's syntax tree, which CodeMirror parses up to 3,000 characters and
  // under a 20 ms time budget: on a busy machine or a long expression the tree would be partial,
  // yielding spurious diagnostics. The same grammar as a language whose parse completes at once.
  const grammar = promql.parser as unknown as LezerParser;
  const complete = Object.create(promql.parser, {
    createParse: {
      value: (input: { read(from: number, to: number): string; length: number }) => {
        let tree: Tree | undefined;
        return {
          advance: () => (tree ??= parseTree(input.read(0, input.length), grammar)),
          get parsedPos() { return tree ? input.length : 0; },
          stopAt() { /* the whole tree is returned, which a PartialParse may do */ },
          stoppedAt: null,
        };
      },
    },
  }) as import('@lezer/common').Parser;
  const language = new Language(promql.data, complete, [], 'promql-complete');
  analyzer = {
    analyze(expr: string): string[] {
      const parser = new Parser(EditorState.create({ doc: expr, extensions: language }));
      parser.analyze();
      return parser.getDiagnostics().map((d) => `${d.message} at ${d.from}: ${snippet(expr, d.from, d.to)}`);
    },
  };
  return analyzer;
}

/** The analyzer, or undefined when codemirror-promql (an optional peer dependency) is not installed. */
function installedAnalyzer(): Analyzer | undefined {
  try {
    return codemirrorAnalyzer();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

function snippet(expr: string, from: number, to: number): string {
  const start = Math.max(0, from - 15);
  const end = Math.min(expr.length, Math.max(to, from + 1) + 15);
  return `${start > 0 ? '…' : ''}${expr.slice(start, from)}⟪${expr.slice(from, Math.max(to, from))}⟫${expr.slice(Math.max(to, from), end)}${end < expr.length ? '…' : ''}`;
}

const MACRO = /\$__(rate_interval|interval|range)\b/g;

/** Errors of a PromQL expression (empty: valid). */
export function validatePromQL(expr: string, options: ValidateOptions = {}): string[] {
  let text = expr;
  if (options.grafanaMacros) text = text.replace(MACRO, (m) => GRAFANA_WINDOW_MACROS[m] ?? m);
  if (text.trim() === '') return ['empty expression'];
  const errors = [...syntaxErrors(text)];
  if (errors.length === 0 && options.analysis) {
    const analyze = options.analysis === 'if-installed' ? installedAnalyzer() : codemirrorAnalyzer();
    for (const message of analyze?.analyze(text) ?? []) errors.push(message);
  }
  return [...new Set(errors)];
}

/** Throws a `PromQLError` naming `what` when `expr` is invalid. */
export function assertValidPromQL(what: string, expr: string, options: ValidateOptions = {}): void {
  const errors = validatePromQL(expr, options);
  if (errors.length > 0) throw new PromQLError(what, expr, errors);
}

export class PromQLError extends Error {
  constructor(
    public readonly what: string,
    public readonly expr: string,
    public readonly errors: readonly string[],
  ) {
    super(`${what}: invalid PromQL: ${errors.join('; ')}\n  ${expr}`);
    this.name = 'PromQLError';
  }
}
