import { readFileSync, statSync } from 'fs';
import { Document, isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { formatPath, ValueSource, ValuesError } from './errors';
import type { SourceMap } from './errors';
import { applySetFlag, MAX_PADDING, SetFlag } from './strvals';
import { HelmYamlError, helmValue, keyString } from './helm-yaml';

/** Largest values file accepted; a values file is a few kilobytes. */
export const MAX_VALUES_FILE_BYTES = 1024 * 1024;
/** Alias expansions allowed in one file (YAML "billion laughs" guard). */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of mappings and lists accepted in a values file (the schema needs about 10). */
export const MAX_NESTING_DEPTH = 64;
/** The YAML 1.2 core tags; any other tag (`!!binary`, `!!set`, `!!js/function`, `!custom`) is refused rather than guessed at. */
const CORE_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

export type PlainValues = Record<string, unknown>;

/** One layer of values: a file's content or a `--set` assignment, with where each key came from. */
export interface ValuesLayer {
  readonly values: PlainValues;
  readonly sources: Map<string, ValueSource>;
}

function fail(path: string, message: string, source?: ValueSource): never {
  throw new ValuesError([{ path, message, source }]);
}

/** A mapping key as Helm's values hold it (`yes` → "true", `1` → "1"). */
function keyOf(key: unknown): string {
  try {
    return keyString(key, []);
  } catch {
    return String(isScalar(key) ? key.value : key);
  }
}

function recordPositions(node: Node | null | undefined, path: PropertyKey[], file: string, lines: LineCounter, sources: Map<string, ValueSource>) {
  if (!node) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const keyPath = [...path, keyOf(pair.key)];
      const range = (pair.key as Node | null)?.range;
      if (range) {
        const { line, col } = lines.linePos(range[0]);
        sources.set(formatPath(keyPath), { file, line, column: col });
      }
      recordPositions(pair.value as Node, keyPath, file, lines, sources);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const itemPath = [...path, i];
      const range = (item as Node | null)?.range;
      if (range) {
        const { line, col } = lines.linePos(range[0]);
        sources.set(formatPath(itemPath), { file, line, column: col });
      }
      recordPositions(item as Node, itemPath, file, lines, sources);
    });
  }
}

/** Parse a values document; errors carry the file, line and column. */
export function parseValuesYaml(text: string, file: string): ValuesLayer {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true, version: '1.2' });
  const firstError = doc.errors[0];
  if (firstError) {
    const { line, col } = lines.linePos(firstError.pos[0]);
    const message =
      firstError.code === 'DUPLICATE_KEY'
        ? 'duplicate key'
        : firstError.code === 'MULTIPLE_DOCS'
          ? 'a values file holds one YAML document (no ---): put each document into its own file and pass them with -f, later files win'
          : firstError.message.split('\n')[0].replace(/ at line \d+, column \d+.*$/, '');
    fail(firstError.code === 'DUPLICATE_KEY' ? keyPathAt(doc.contents, firstError.pos[0]) : '', `invalid YAML: ${message}`, { file, line, column: col });
  }
  checkNodes(doc, doc.contents, [], [], file, lines);
  let values: unknown;
  try {
    values = helmValue(doc, doc.contents, MAX_ALIAS_COUNT);
  } catch (e) {
    if (!(e instanceof HelmYamlError)) throw e;
    const range = e.node?.range;
    const at = range ? lines.linePos(range[0]) : undefined;
    fail(formatPath(e.path), e.message, { file, ...(at ? { line: at.line, column: at.col } : {}) });
  }
  if (values === null || values === undefined) values = {};
  if (typeof values !== 'object' || Array.isArray(values)) {
    fail('', `a values file must be a mapping of keys to values, not ${Array.isArray(values) ? 'a list' : typeof values}`, { file, line: 1 });
  }
  const sources = new Map<string, ValueSource>();
  recordPositions(doc.contents as Node, [], file, lines, sources);
  return { values: values as PlainValues, sources };
}

/**
 * Refuse what would be guessed at or could not be merged: tags beyond the YAML core schema, keys that
 * are not scalars, aliases that refer to a node containing them (a cycle), nesting deeper than
 * {@link MAX_NESTING_DEPTH}.
 */
function checkNodes(doc: Document, node: unknown, path: PropertyKey[], ancestors: unknown[], file: string, lines: LineCounter): void {
  const where = (n: unknown): ValueSource => {
    const range = (n as Node | null)?.range;
    if (!range) return { file };
    const { line, col } = lines.linePos(range[0]);
    return { file, line, column: col };
  };
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target !== undefined && ancestors.includes(target)) {
      fail(formatPath(path), `invalid YAML: the alias *${node.source} refers to a node that contains it (a cycle)`, where(node));
    }
    return;
  }
  const tag = (node as { tag?: string } | null)?.tag;
  if (tag !== undefined && !CORE_TAGS.has(tag)) {
    fail(formatPath(path), `invalid YAML: unsupported tag ${tag.replace(/^tag:yaml\.org,2002:/, '!!')} (values files use plain YAML: strings, numbers, booleans, null, mappings and lists)`, where(node));
  }
  if (!isCollection(node)) return;
  if (path.length >= MAX_NESTING_DEPTH) fail(formatPath(path), `values are nested more than ${MAX_NESTING_DEPTH} levels deep`, where(node));
  const inside = [...ancestors, node];
  if (isMap(node)) {
    for (const pair of node.items) {
      if (pair.key !== null && !isScalar(pair.key)) fail(formatPath(path), 'invalid YAML: a key must be a plain string, not a mapping or a list', where(pair.key));
      checkNodes(doc, pair.key, path, inside, file, lines);
      checkNodes(doc, pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : ''], inside, file, lines);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => checkNodes(doc, item, [...path, i], inside, file, lines));
  }
}

/** Dotted path of the mapping key at a character offset, for duplicate-key messages. */
function keyPathAt(node: unknown, offset: number, path: PropertyKey[] = []): string {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyRange = (pair.key as Node | null)?.range;
      if (keyRange && keyRange[0] === offset) return formatPath([...path, key]);
      const valueRange = (pair.value as Node | null)?.range;
      if (valueRange && offset >= valueRange[0] && offset <= valueRange[2]) return keyPathAt(pair.value, offset, [...path, key]);
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const range = (node.items[i] as Node | null)?.range;
      if (range && offset >= range[0] && offset <= range[2]) return keyPathAt(node.items[i], offset, [...path, i]);
    }
  }
  return formatPath(path);
}

/** The file's text; binary content and invalid UTF-8 are refused with the line of the first bad byte. */
function decodeText(bytes: Buffer, file: string): string {
  const lossy = bytes.toString('utf8');
  const nul = lossy.indexOf('\0');
  if (nul >= 0) fail('', 'not UTF-8 text (it contains NUL bytes: a binary or UTF-16 file?): a values file is YAML text in UTF-8', { file, line: lossy.slice(0, nul).split('\n').length });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = lossy.indexOf('\uFFFD');
    fail('', 'not valid UTF-8: save the values file as UTF-8', { file, ...(bad >= 0 ? { line: lossy.slice(0, bad).split('\n').length } : {}) });
  }
}

/** How a values file given as `-` is named in messages. */
export const STDIN_NAME = '<stdin>';

/** Read and parse a values file (`-f`); `-` reads standard input, like Helm. */
export function loadValuesFile(file: string, stdin: () => Buffer = readStdinOnce()): ValuesLayer {
  if (file.trim() === '-') {
    const bytes = stdin();
    if (bytes.length > MAX_VALUES_FILE_BYTES) fail('', `values file is ${bytes.length} bytes; the limit is ${MAX_VALUES_FILE_BYTES}`, { file: STDIN_NAME });
    return parseValuesYaml(decodeText(bytes, STDIN_NAME), STDIN_NAME);
  }
  return parseValuesYaml(decodeText(readLimited(file, 'values file'), file), file);
}

/** A file's bytes, refusing folders, missing files and files over the limit with one message naming it. */
function readLimited(file: string, what: string): Buffer {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) fail('', 'not a file', { file });
    size = stat.size;
  } catch (e) {
    if (e instanceof ValuesError) throw e;
    fail('', `cannot read ${what}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
  if (size > MAX_VALUES_FILE_BYTES) fail('', `${what} is ${size} bytes; the limit is ${MAX_VALUES_FILE_BYTES}`, { file });
  return readFileSync(file);
}

/** Standard input, read at the first call; later calls get nothing (it is consumed, as in Helm). */
export function readStdinOnce(read: () => Buffer = () => readFileSync(0)): () => Buffer {
  let done = false;
  return () => {
    if (done) return Buffer.alloc(0);
    done = true;
    return read();
  };
}

function isPlainObject(v: unknown): v is PlainValues {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function define(out: PlainValues, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Helm's merge of values files: maps merge key by key, lists and scalars replace, `null` removes the key. */
export function mergeValues(base: PlainValues, overlay: PlainValues): PlainValues {
  const out: PlainValues = {};
  for (const [key, value] of Object.entries(base)) define(out, key, value);
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) define(out, key, mergeValues(out[key] as PlainValues, value));
    else define(out, key, withoutNulls(value));
  }
  return out;
}

/**
 * The values with every `null` map entry removed (list entries stay): a null means "no value here",
 * and the schema's default applies. Helm keeps such nulls in `.Values` when the chart has no default
 * for the key; templates see both as empty.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  const out: PlainValues = {};
  for (const [key, v] of Object.entries(value)) if (v !== null) define(out, key, withoutNulls(v));
  return out;
}

export interface ValuesSourcesInput {
  /** Values files, in order: later files win; `-` is standard input. */
  readonly files?: readonly string[];
  /** `--set-json` expressions (JSON values), applied after the files. */
  readonly setJson?: readonly string[];
  /** `--set` expressions, applied after `setJson`. */
  readonly set?: readonly string[];
  /** `--set-string` expressions (values kept as strings), applied after `set`, like Helm. */
  readonly setString?: readonly string[];
  /** `--set-file` expressions (values are files whose content is the string), applied after `setString`. */
  readonly setFile?: readonly string[];
  /** `--set-literal` expressions (one key, the rest is the string as written), applied last. */
  readonly setLiteral?: readonly string[];
  /** Values given in code, applied before the files. */
  readonly base?: PlainValues;
  /** Standard input for `-f -` and `--set-file key=-`. @default the process' standard input */
  readonly stdin?: () => Buffer;
}

export interface LoadedValues {
  /** The merged values, before the schema's defaults and checks. */
  readonly values: PlainValues;
  readonly sources: SourceMap;
  /** Key path → the text a `--set` value was typed from (a boolean or a number). */
  readonly typedFrom: ReadonlyMap<string, string>;
}

/**
 * Merge files and the `--set` family like Helm (`helm template -f … --set-json … --set … --set-string …
 * --set-file … --set-literal …`, in that order whatever the order on the command line), and remember
 * where every key came from.
 */
export function loadValues(input: ValuesSourcesInput): LoadedValues {
  let values: PlainValues = input.base ?? {};
  const sources = new Map<string, ValueSource>();
  const stdin = input.stdin ? readStdinOnce(input.stdin) : readStdinOnce();
  for (const file of input.files ?? []) {
    const layer = loadValuesFile(file, stdin);
    values = mergeValues(values, layer.values);
    for (const [k, v] of layer.sources) sources.set(k, v);
  }
  values = withoutNulls(values) as PlainValues;
  const recorder = { sources, typedFrom: new Map<string, string>() };
  const readFile = (path: string): string => {
    if (path.trim() === '-') return decodeText(stdin(), STDIN_NAME);
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) fail('', `--set-file reads local files; ${path} is a URL`, { file: path });
    return decodeText(readLimited(path, '--set-file file'), path);
  };
  const budget = { padding: MAX_PADDING };
  const flags: [SetFlag, readonly string[] | undefined][] = [
    ['set-json', input.setJson],
    ['set', input.set],
    ['set-string', input.setString],
    ['set-file', input.setFile],
    ['set-literal', input.setLiteral],
  ];
  for (const [flag, texts] of flags) for (const text of texts ?? []) applySetFlag(values, flag, text, recorder, readFile, budget);
  return { values: withoutNulls(values) as PlainValues, sources, typedFrom: recorder.typedFrom };
}
