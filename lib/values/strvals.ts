/**
 * Helm's `--set` family, ported from Helm v3's `pkg/strvals` (parser.go, literal_parser.go) so that
 * every expression Helm accepts sets the same values here. Differences, on purpose: an empty key
 * (`--set =1`, `--set .a=1`), which Helm silently ignores, is refused; list indexes stop at
 * {@link MAX_INDEX} (Helm: 65536); `--set-file` reads local files only.
 * test/e2e/helm-values.test.ts compares the result with the real Helm binary.
 */
import { formatPath, ValueSource, ValuesError } from './errors';

/** The flag an expression came from; it decides how values are read (Helm's `MergeValues` order: json, set, string, file, literal). */
export type SetFlag = 'set' | 'set-string' | 'set-json' | 'set-file' | 'set-literal';

/** Largest list index accepted (Helm: 65536); a gap before it fills with nulls, like Helm. */
export const MAX_INDEX = 10_000;
/** List entries that gaps may create across all flags (a memory guard: `a[9999][9999]…`). */
const MAX_PADDING = 100_000;
/** Helm's `MaxNestedNameLevel`. */
const MAX_NESTED_NAME_LEVEL = 30;

type Tree = Record<string, unknown>;
type Path = (string | number)[];

/** Where a flag records what it set: the source of each key, and the text a `--set` value was typed from. */
export interface SetRecorder {
  readonly sources: Map<string, ValueSource>;
  /** Key path → the text `--set` typed as a boolean or a number (to give a string field that text). */
  readonly typedFrom: Map<string, string>;
}

/** Reads the value of `--set-file`: the content of the file named by the value. */
export type FileReader = (path: string) => string;

const EOF: unique symbol = Symbol('EOF');
type Eof = typeof EOF;

function isMap(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Sets own keys only: `__proto__` is a key like any other. */
function setKey(tree: Tree, key: string, value: unknown): void {
  Object.defineProperty(tree, key, { value, writable: true, enumerable: true, configurable: true });
}

const has = (tree: Tree, key: string) => Object.prototype.hasOwnProperty.call(tree, key);

/** Go's strings.EqualFold against a lowercase ASCII word (ſ, U+017F, folds to s). */
function equalFold(text: string, word: string): boolean {
  const chars = Array.from(text);
  return chars.length === word.length && chars.every((c, i) => c.toLowerCase() === word[i] || (word[i] === 's' && c === '\u017f'));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A 64-bit integer as Helm holds it: a number when exact, else a bigint (no digit is lost). */
function int64(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** Helm's typing of a `--set` value (`typedVal`): booleans and null in any case, 64-bit integers not starting with 0. */
export function typedValue(raw: string): unknown {
  if (equalFold(raw, 'true')) return true;
  if (equalFold(raw, 'false')) return false;
  if (equalFold(raw, 'null')) return null;
  if (raw === '0') return 0;
  if (raw !== '' && raw[0] !== '0' && /^[+-]?[0-9]+$/.test(raw)) {
    const n = BigInt(raw);
    if (n >= INT64_MIN && n <= INT64_MAX) return int64(n);
  }
  return raw;
}

const EMPTY_KEY = 'empty key segment (two dots in a row, or nothing before ".", "[" or "="): write the whole key path';

class Parser {
  private readonly runes: string[];
  private pos = 0;
  /** Start of the assignment being read, for messages and sources. */
  private start = 0;

  constructor(
    private readonly flag: SetFlag,
    private readonly text: string,
    private readonly recorder: SetRecorder,
    private readonly readFile: FileReader,
    private readonly budget: { padding: number },
  ) {
    this.runes = Array.from(text);
  }

  private fail(why: string): never {
    throw new ValuesError([{ path: '', message: `malformed --${this.flag} ${JSON.stringify(this.text)}: ${why}` }]);
  }

  private get literal(): boolean {
    return this.flag === 'set-literal';
  }

  private read(): string | Eof {
    return this.pos < this.runes.length ? this.runes[this.pos++] : EOF;
  }

  /** Go's runesUntil: the runes up to a stop rune (consumed), `\` escaping the next one (not for --set-literal). */
  private until(stop: string): { value: string; last: string | Eof } {
    let value = '';
    for (;;) {
      const r = this.read();
      if (r === EOF) return { value, last: EOF };
      if (stop.includes(r as string)) return { value, last: r };
      if (r === '\\' && !this.literal) {
        const next = this.read();
        if (next === EOF) return { value, last: EOF };
        value += next;
      } else {
        value += r;
      }
    }
  }

  parse(data: Tree): void {
    for (;;) {
      this.start = this.pos;
      if (this.key(data, 0, []) === EOF) return;
    }
  }

  private cached?: { start: number; end: number; text: string };

  /** The assignment read so far (the same for every item of a list: built once, not once per item). */
  private assignment(): string {
    const c = this.cached;
    if (c?.start === this.start && c.end === this.pos) return c.text;
    const text = this.runes.slice(this.start, this.pos).join('').replace(/,$/, '');
    this.cached = { start: this.start, end: this.pos, text };
    return text;
  }

  private record(path: Path, value: unknown, raw?: string): void {
    const key = formatPath(path);
    this.recorder.sources.set(key, { set: this.assignment(), flag: this.flag });
    if (raw !== undefined && (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'bigint')) this.recorder.typedFrom.set(key, raw);
    else this.recorder.typedFrom.delete(key);
  }

  /** Set a key; `raw` is the text a typed value came from, '' for a list an index fills (its items are recorded). */
  private set(data: Tree, key: string, value: unknown, path: Path, raw?: string): void {
    if (key === '') this.fail(EMPTY_KEY);
    setKey(data, key, value);
    if (raw !== '') this.record([...path, key], value, raw);
  }

  private setIndex(list: unknown[], index: number, value: unknown, path: Path, raw?: string): unknown[] {
    if (index < 0) this.fail(`negative ${index} index not allowed`);
    if (index > MAX_INDEX) this.fail(`list index ${index} is larger than ${MAX_INDEX}`);
    if (index > list.length) {
      this.budget.padding -= index - list.length;
      if (this.budget.padding < 0) this.fail(`list indexes leave more than ${MAX_PADDING} entries empty`);
    }
    // Helm fills a gap with nulls; each is recorded as set by this expression, for messages.
    while (list.length < index) this.record([...path, list.push(null) - 1], null);
    if (list.length === index) list.push(null);
    list[index] = value;
    if (raw !== '') this.record([...path, index], value, raw);
    return list;
  }

  /** The value read from `raw` by the flag's reader (Go's t.reader). */
  private typed(raw: string): unknown {
    if (this.flag === 'set') return typedValue(raw);
    if (this.flag === 'set-file') return this.readFile(raw);
    return raw;
  }

  private key(data: Tree, level: number, path: Path): Eof | undefined {
    const { value: k, last } = this.until(this.literal ? '=[.' : '=[,.');
    if (last === EOF) {
      if (k.length === 0) return EOF;
      this.fail(`key ${JSON.stringify(formatPath([...path, k]))} has no value (write key=value)`);
    }
    if (last === '[') {
      const i = this.keyIndex();
      let list: unknown[] = [];
      if (has(data, k)) {
        if (!Array.isArray(data[k])) this.fail(`${formatPath([...path, k])} is not a list, so it has no index ${i}`);
        list = data[k] as unknown[];
      }
      const { list: result, eof } = this.listItem(list, i, level, [...path, k]);
      this.set(data, k, result, path, '');
      return eof ? EOF : undefined;
    }
    if (last === '=') {
      if (this.literal) {
        const value = this.until('').value;
        this.set(data, k, value, path);
        return undefined;
      }
      if (this.flag === 'set-json') {
        if (this.emptyVal()) {
          this.set(data, k, null, path);
          return undefined;
        }
        this.set(data, k, this.json(), path);
        this.emptyVal();
        return undefined;
      }
      const list = this.valList();
      if (list === EOF) {
        this.set(data, k, '', path);
        return EOF;
      }
      if (list !== undefined) {
        this.set(data, k, list.values, path);
        list.raws.forEach((raw, i) => this.record([...path, k, i], list.values[i], raw));
        return undefined;
      }
      const raw = this.until(',').value;
      this.set(data, k, this.typed(raw), path, raw);
      return undefined;
    }
    if (last === ',') this.fail(`key ${JSON.stringify(formatPath([...path, k]))} has no value (cannot end with ,)`);
    // last === '.'
    if (++level > MAX_NESTED_NAME_LEVEL) this.fail(`value name nested level is greater than maximum supported nested level of ${MAX_NESTED_NAME_LEVEL}`);
    let inner: Tree = {};
    if (has(data, k)) {
      if (!isMap(data[k])) this.fail(`${formatPath([...path, k])} is ${data[k] === null ? 'null' : Array.isArray(data[k]) ? 'a list' : 'not a map'}, so it has no key below it`);
      inner = data[k] as Tree;
    }
    const result = this.key(inner, level, [...path, k]);
    const empty = Object.keys(inner).length === 0;
    if (result === undefined && empty) this.fail(`key ${JSON.stringify(formatPath([...path, k]))} is followed by an empty key segment (two dots in a row?)`);
    if (!empty) {
      if (k === '') this.fail(EMPTY_KEY);
      setKey(data, k, inner);
    }
    return result;
  }

  private keyIndex(): number {
    const { value, last } = this.until(']');
    if (last === EOF) this.fail('error parsing index: EOF');
    // Go's strconv.Atoi: an optional sign and decimal digits.
    if (!/^[+-]?[0-9]+$/.test(value)) this.fail(`bad list index [${value}] (lists are indexed like name[0])`);
    const n = Number(value);
    if (n > MAX_INDEX) this.fail(`list index ${value} is larger than ${MAX_INDEX}`);
    return n === 0 ? 0 : n;
  }

  private listItem(list: unknown[], i: number, level: number, path: Path): { list: unknown[]; eof?: boolean } {
    if (i < 0) this.fail(`negative ${i} index not allowed`);
    const { value: k, last } = this.until('[.=');
    if (k.length > 0) this.fail(`unexpected data at end of array index: ${JSON.stringify(k)}`);
    if (last === EOF) return { list, eof: true };
    if (last === '=') {
      if (this.literal) return { list: this.setIndex(list, i, this.until('').value, path) };
      if (this.flag === 'set-json') {
        if (this.emptyVal()) return { list: this.setIndex(list, i, null, path) };
        const result = this.setIndex(list, i, this.json(), path);
        this.emptyVal();
        return { list: result };
      }
      const values = this.valList();
      if (values === EOF) return { list: this.setIndex(list, i, '', path) };
      if (values !== undefined) {
        const result = this.setIndex(list, i, values.values, path);
        values.raws.forEach((raw, j) => this.record([...path, i, j], values.values[j], raw));
        return { list: result };
      }
      const raw = this.until(',').value;
      return { list: this.setIndex(list, i, this.typed(raw), path, raw) };
    }
    if (last === '[') {
      const next = this.keyIndex();
      let current: unknown[] = [];
      if (list.length > i && list[i] !== null) {
        if (!Array.isArray(list[i])) this.fail(`${formatPath([...path, i])} is not a list, so it has no index ${next}`);
        current = list[i] as unknown[];
      }
      const inner = this.listItem(current, next, level, [...path, i]);
      if (inner.eof) return { list, eof: true };
      return { list: this.setIndex(list, i, inner.list, path, '') };
    }
    // last === '.'
    let inner: Tree = {};
    if (list.length > i) {
      if (!isMap(list[i])) list[i] = {}; // Helm: "indices out of order"
      inner = list[i] as Tree;
    }
    if (this.key(inner, level, [...path, i]) === EOF) return { list, eof: true };
    return { list: this.setIndex(list, i, inner, path, '') };
  }

  /** Go's emptyVal: skips spaces; true (and consumes it) at a comma or the end. */
  private emptyVal(): boolean {
    for (;;) {
      const r = this.read();
      if (r === EOF || r === ',') return true;
      if (!/^\s$/u.test(r as string)) {
        this.pos--;
        return false;
      }
    }
  }

  /** A `{a,b}` list, undefined when the value is no list, EOF at the end of the text. */
  private valList(): { values: unknown[]; raws: string[] } | undefined | Eof {
    const first = this.read();
    if (first === EOF) return EOF;
    if (first !== '{') {
      this.pos--;
      return undefined;
    }
    const values: unknown[] = [];
    const raws: string[] = [];
    for (;;) {
      const { value, last } = this.until(',}');
      if (last === EOF) this.fail("list must terminate with '}'");
      values.push(this.typed(value));
      raws.push(value);
      if (last === '}') {
        const next = this.read();
        if (next !== EOF && next !== ',') this.pos--;
        return { values, raws };
      }
    }
  }

  /** One JSON value as Go's json.Decoder reads it from the rest of the text (numbers are float64). */
  private json(): unknown {
    const rest = this.runes.slice(this.pos).join('');
    const end = jsonValueEnd(rest);
    if (end === undefined) this.fail(`invalid JSON value at ${JSON.stringify(rest.slice(0, 40))}`);
    let value: unknown;
    try {
      value = JSON.parse(rest.slice(0, end), (_key, v: unknown) => {
        if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError('number out of range');
        return typeof v === 'string' ? (v as unknown as { toWellFormed(): string }).toWellFormed() : v;
      });
    } catch (e) {
      this.fail(`invalid JSON value: ${(e as Error).message}`);
    }
    this.pos += Array.from(rest.slice(0, end)).length;
    return ownKeys(value);
  }
}

/** JSON.parse's objects with `__proto__` as an own key, and without prototype surprises. */
function ownKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(ownKeys);
  if (!isMap(value)) return value;
  const out: Tree = {};
  for (const key of Object.keys(value)) setKey(out, key, ownKeys(value[key]));
  return out;
}

/** Where the JSON value at the start of `text` (after blanks) ends, as Go's json.Decoder delimits it; undefined when it is malformed. */
export function jsonValueEnd(text: string): number | undefined {
  let i = 0;
  while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  const c = text[i];
  if (c === undefined) return undefined;
  if (c === '{' || c === '[' || c === '"') {
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === '\\') i++;
        else if (ch === '"') {
          inString = false;
          if (depth === 0) return i + 1;
        }
      } else if (ch === '"') inString = true;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        if (--depth === 0) return i + 1;
      }
    }
    return undefined;
  }
  const literal = /^(true|false|null)/.exec(text.slice(i));
  if (literal) return i + literal[0].length;
  const number = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i));
  if (!number) return undefined;
  const next = text[i + number[0].length];
  // Go's scanner is then inside the number (a dot or an exponent without digits): an error.
  if (next === '.' && number[2] === undefined && number[3] === undefined) return undefined;
  if ((next === 'e' || next === 'E') && number[3] === undefined) return undefined;
  return i + number[0].length;
}

/**
 * Apply one `--set`-family flag to `values` in place, like Helm's `strvals.Parse*Into`. Nulls stay in
 * the tree (they matter to later expressions, as in Helm); the caller removes them from maps at the end.
 */
export function applySetFlag(values: Record<string, unknown>, flag: SetFlag, text: string, recorder: SetRecorder, readFile: FileReader, budget = { padding: MAX_PADDING }): void {
  new Parser(flag, text, recorder, readFile, budget).parse(values);
}

export { MAX_PADDING };
