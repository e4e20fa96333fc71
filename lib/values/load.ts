import { readFileSync, statSync } from 'fs';
import { Document, isAlias, isCollection, isMap, isScalar, isSeq, LineCounter, Node, parseDocument } from 'yaml';
import { formatPath, ValueSource, ValuesError } from './errors';
import type { SourceMap } from './parse';
import { parseSetExpression, SetAssignment } from './set';

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

function recordPositions(node: Node | null | undefined, path: PropertyKey[], file: string, lines: LineCounter, sources: Map<string, ValueSource>) {
  if (!node) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyPath = [...path, key];
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
    values = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    fail('', `invalid YAML: ${(e as Error).message.split('\n')[0]} (alias expansion is limited to ${MAX_ALIAS_COUNT})`, { file });
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

/** Read and parse a values file (`-f`). */
export function loadValuesFile(file: string): ValuesLayer {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) fail('', 'not a file', { file });
    size = stat.size;
  } catch (e) {
    if (e instanceof ValuesError) throw e;
    fail('', `cannot read values file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { file });
  }
  if (size > MAX_VALUES_FILE_BYTES) fail('', `values file is ${size} bytes; the limit is ${MAX_VALUES_FILE_BYTES}`, { file });
  return parseValuesYaml(decodeText(readFileSync(file), file), file);
}

function isPlainObject(v: unknown): v is PlainValues {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Helm's merge: maps merge key by key, lists and scalars replace, `null` removes the key. */
export function mergeValues(base: PlainValues, overlay: PlainValues): PlainValues {
  const out: PlainValues = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = mergeValues(out[key] as PlainValues, value);
    else out[key] = stripNulls(value);
  }
  return out;
}

function stripNulls(value: unknown): unknown {
  if (isPlainObject(value)) return mergeValues({}, value);
  return value;
}

/** Apply one `--set` assignment: creates maps and list slots along the path. */
export function applyAssignment(values: PlainValues, assignment: SetAssignment): PlainValues {
  const root: PlainValues = structuredClone(values);
  let node: Record<PropertyKey, unknown> | unknown[] = root;
  const path = assignment.path;
  const refuseGap = (index: number, list: unknown[]) => {
    if (index > list.length) {
      throw new ValuesError([{ path: formatPath(path), message: `list index ${index} skips entries: the list has ${list.length}`, source: { set: assignment.text } }]);
    }
  };
  for (let i = 0; i < path.length - 1; i++) {
    const part = path[i];
    if (Array.isArray(node)) refuseGap(part as number, node);
    const nextIsIndex = typeof path[i + 1] === 'number';
    const current = (node as Record<PropertyKey, unknown>)[part as never];
    let next = current;
    if (nextIsIndex ? !Array.isArray(current) : !isPlainObject(current)) {
      next = nextIsIndex ? [] : {};
    }
    (node as Record<PropertyKey, unknown>)[part as never] = next;
    node = next as Record<PropertyKey, unknown>;
  }
  const last = path[path.length - 1];
  if (Array.isArray(node)) refuseGap(last as number, node);
  if (assignment.value === null && !Array.isArray(node)) delete (node as PlainValues)[last as string];
  else (node as Record<PropertyKey, unknown>)[last as never] = assignment.value;
  return root;
}

export interface ValuesSourcesInput {
  /** Values files, in order: later files win. */
  readonly files?: readonly string[];
  /** `--set` expressions, in order, applied after the files. */
  readonly set?: readonly string[];
  /** `--set-string` expressions (values kept as strings), applied after `set`, like Helm. */
  readonly setString?: readonly string[];
  /** Values given in code, applied before the files. */
  readonly base?: PlainValues;
}

/** Merge files and `--set` expressions like Helm; remember where every key came from. */
export function loadValues(input: ValuesSourcesInput): { values: PlainValues; sources: SourceMap } {
  let values: PlainValues = input.base ?? {};
  const sources = new Map<string, ValueSource>();
  for (const file of input.files ?? []) {
    const layer = loadValuesFile(file);
    values = mergeValues(values, layer.values);
    for (const [k, v] of layer.sources) sources.set(k, v);
  }
  const assignments = [
    ...(input.set ?? []).flatMap((text) => parseSetExpression(text, false)),
    ...(input.setString ?? []).flatMap((text) => parseSetExpression(text, true)),
  ];
  for (const assignment of assignments) {
    values = applyAssignment(values, assignment);
    sources.set(formatPath(assignment.path), { set: assignment.text });
  }
  return { values, sources };
}
