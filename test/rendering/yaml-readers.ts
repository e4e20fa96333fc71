/**
 * The YAML readers our output must satisfy, for offline tests: the `yaml` package as a YAML 1.2
 * reader (our own) and as a YAML 1.1 reader (its yaml-1.1 schema: https://yaml.org/type/), and a
 * port of go-yaml v2's scalar resolution, which sigs.k8s.io/yaml (kubectl, Argo CD, Flux,
 * kustomize) uses. test/e2e/yaml-readers.test.ts compares the port with the real Go reader.
 */
import { parseAllDocuments, type ScalarTag } from 'yaml';

/** What JSON cannot hold (go-yaml reads `.inf` and `.nan`, sigs.k8s.io/yaml then fails). */
export const NOT_JSON = Symbol('not JSON');

const U64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseUint(s, base, 64); undefined for a syntax or range error. */
function goParseUint(s: string, base: number): bigint | undefined {
  if (s === '') return undefined;
  const base0 = base === 0;
  let digits = s;
  if (base0) {
    base = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? s[1].toLowerCase() : '';
      if (p === 'b') [base, digits] = [2, s.slice(2)];
      else if (p === 'o') [base, digits] = [8, s.slice(2)];
      else if (p === 'x') [base, digits] = [16, s.slice(2)];
      else [base, digits] = [8, s.slice(1)];
    }
  }
  let n = 0n;
  for (const c of digits) {
    // go-yaml drops every `_` before calling strconv, so none reaches here.
    const d = /[0-9]/.test(c) ? c.charCodeAt(0) - 48 : /[a-z]/i.test(c) ? c.toLowerCase().charCodeAt(0) - 87 : 99;
    if (d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
    if (n > U64_MAX) return undefined;
  }
  return n;
}

/** Go's strconv.ParseInt(s, base, 64). */
function goParseInt(s: string, base: number): bigint | undefined {
  if (s === '') return undefined;
  const neg = s[0] === '-';
  const un = goParseUint(s[0] === '+' || s[0] === '-' ? s.slice(1) : s, base);
  if (un === undefined) return undefined;
  if (neg) return un > 2n ** 63n ? undefined : -un;
  return un >= 2n ** 63n ? undefined : un;
}

/** Go's strconv.ParseFloat(s, 64) for the decimal forms go-yaml passes it; undefined on error or overflow. */
function goParseFloat(s: string): number | undefined {
  if (!/^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$/.test(s)) return undefined;
  const f = Number(s);
  return isFinite(f) ? f : undefined;
}

const RESOLVE_MAP = new Map<string, unknown>();
for (const [value, words] of [
  [true, ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']],
  [false, ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']],
  [null, ['', '~', 'null', 'Null', 'NULL']],
  [NOT_JSON, ['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']],
] as const) {
  for (const w of words) RESOLVE_MAP.set(w, value);
}
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * What go-yaml v2 (go.yaml.in/yaml/v2 v2.4.4 resolve.go, `resolve("", in)`) makes of the plain
 * scalar `in`, as sigs.k8s.io/yaml.YAMLToJSON then writes it: a string, number, boolean, null, or
 * NOT_JSON. Timestamps stay strings (decoding into interface{} keeps them as text), and so does
 * `<<` (the merge key only as a key: readAs leaves that to `yaml`'s merge option).
 */
export function goYamlV2Plain(input: string): unknown {
  const c = input[0];
  const hint = input === '' ? 'N' : c === '+' || c === '-' ? 'S' : /[0-9]/.test(c) ? 'D' : 'yYnNtTfFoO~'.includes(c) ? 'M' : c === '.' ? '.' : '';
  if (!hint) return input;
  if (RESOLVE_MAP.has(input)) return RESOLVE_MAP.get(input);
  if (hint === '.') return goParseFloat(input) ?? input;
  if (hint === 'D' || hint === 'S') {
    const plain = input.replace(/_/g, '');
    const i = goParseInt(plain, 0) ?? goParseUint(plain, 0);
    if (i !== undefined) return Number(i);
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = goParseFloat(plain);
      if (f !== undefined) return f;
    }
    if (plain.startsWith('0b')) {
      const b = goParseInt(plain.slice(2), 2) ?? goParseUint(plain.slice(2), 2);
      if (b !== undefined) return Number(b);
    } else if (plain.startsWith('-0b')) {
      const b = goParseInt('-' + plain.slice(3), 2);
      if (b !== undefined) return Number(b);
    }
  }
  return input;
}

/** What the emulated go-yaml v2 reads for a value JSON cannot hold: a text no value here equals. */
const NOT_JSON_TEXT = '\u0000go-yaml v2: not JSON';

/** A tag resolving every plain scalar as go-yaml v2 does (the port above). */
const GO_YAML_V2_SCALARS: ScalarTag = {
  tag: 'tag:virtrigaud.test,2026:go-yaml-v2-plain',
  default: true,
  test: { test: (s: string) => goYamlV2Plain(s) !== s } as RegExp,
  resolve: (s: string) => {
    const v = goYamlV2Plain(s);
    return (v === NOT_JSON ? NOT_JSON_TEXT : v) as string;
  },
};

/**
 * Characters go-yaml v2's reader (reader.go, as libyaml's reader.c) accepts raw: anything else
 * fails the whole file ("control characters are not allowed").
 */
const GO_YAML_V2_READABLE = /^[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u;
/** YAML 1.1's line breaks beyond CR and LF: NEL, LS, PS (YAML 1.1 spec, production b-char). */
const YAML11_EXTRA_BREAKS = /[\x85\u2028\u2029]/g;

/** A block scalar header without indentation indicator, then lines of spaces, then a line whose first non-space is a tab. */
const BLOCK_WITH_TAB_FIRST = /[|>][-+]?\n(?: *\n)* *\t/;

export type Reader = 'yaml 1.2' | 'yaml 1.1' | 'go-yaml v2 (emulated)';
export const READERS: readonly Reader[] = ['yaml 1.2', 'yaml 1.1', 'go-yaml v2 (emulated)'];

/**
 * The JSON data a reader reads from a one-document text, or undefined on an error. "go-yaml v2
 * (emulated)" is `yaml`'s parser with go-yaml v2's characters, line breaks and resolution of
 * plain scalars (the port above); the real one is in test/e2e/yaml-readers.test.ts.
 */
export function readAs(text: string, reader: Reader): unknown {
  if (reader === 'go-yaml v2 (emulated)') {
    if (!GO_YAML_V2_READABLE.test(text)) return undefined;
    // libyaml refuses a block scalar whose indentation is not stated and whose first line with
    // content starts with a tab ("found a tab character where an indentation space is expected").
    if (BLOCK_WITH_TAB_FIRST.test(text)) return undefined;
    // kubectl reads each document on its own: a byte-order mark opening it is dropped.
    text = text.replace(/^\ufeff/, '').replace(YAML11_EXTRA_BREAKS, '\n');
  }
  const options =
    reader === 'yaml 1.2' ? { version: '1.2' as const, logLevel: 'error' as const }
    : reader === 'yaml 1.1' ? { version: '1.1' as const, logLevel: 'error' as const }
    : { version: '1.1' as const, schema: 'failsafe', customTags: [GO_YAML_V2_SCALARS], merge: true, logLevel: 'error' as const };
  const docs = parseAllDocuments(text, options) as unknown as { toJS(): unknown; errors: unknown[] }[];
  if (docs.length !== 1 || docs[0].errors.length > 0) return undefined;
  try {
    return docs[0].toJS();
  } catch {
    return undefined; // e.g. a merge key `<<` whose value is no map
  }
}

/** Whether the reader reads `text` back as `value` (JSON data). */
export function readsBackAs(text: string, value: unknown, reader: Reader): boolean {
  const read = readAs(text, reader);
  return read !== undefined && JSON.stringify(read) === JSON.stringify(value) && sameTypes(read, value);
}

/** JSON.stringify maps a Date to its string; compare kinds too. */
function sameTypes(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return typeof a === typeof b;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(a) === Date.prototype) return false;
  return Object.keys(a).every((k) => sameTypes((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

// The words and number forms of go-yaml v2's resolve.go (go.yaml.in/yaml/v2 v2.4.4) and of the
// YAML 1.1 types (https://yaml.org/type/): each must be quoted wherever it appears.
export const TRAPS = [
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '-.Inf', '+.INF', 'e3', '.e3', '-E10',
  '0', '12', '+12', '-12', '012', '017', '08', '0o17', '0O17', '-0o17', '+0o17', '0x1F', '0X1f', '-0x1F', '0b101', '0B101', '-0b101', '+0b1',
  '1_000', '+_1', '1__0', '1_', '0x_1F', '0b1_0', '9223372036854775808', '18446744073709551616', '-9223372036854775809', '1'.repeat(40),
  '1.5', '1.', '.5', '+.5', '-1.5', '1_000.5', '12e3', '12E3', '1e+3', '1.5e-3', '.5e3', '1e_3', '1_e3', '1e400', '.',
  '1:20', '-1:20:30', '1:20.5', '190:20:30', '2024-01-02', '2024-1-2', '2024-01-02T10:00:00Z', '2024-01-02 10:00:00', '2001-12-14t21:59:43.10-05:00',
];
// Look-alikes every reader reads as the same string: written plain, as yaml writes them.
export const PLAIN = [
  'yess', 'onion', 'Onn', 'nO', 'oN', 'tRUE', 'nULL', 'Nope', 'ya', '~x', '<', '<<<', '0x', '0xG', '0b2', '0o8', '0b', '0o', '0X', '_1', '1.2.3', 'v1.2',
  '1-2', '1:60', '12:3a', '2024-01', '2024-01-02x', '1e', 'e', 'e3x', '.x', '+', '-a', '+a', '1_000x', '0x1Fg', '.inf.', 'inf', 'nan', 'Infinity', '0XFFFFFFFFFFFFFFFFF',
];
