/**
 * The YAML readers our output must satisfy, for offline tests: the `yaml` package as a YAML 1.2
 * reader (our own) and as a YAML 1.1 reader (its yaml-1.1 schema: https://yaml.org/type/), and
 * go-yaml v2's scalar resolution (ported in lib/values/helm-yaml.ts), which sigs.k8s.io/yaml
 * (kubectl, Argo CD, Flux, kustomize, Helm) uses. test/e2e/yaml-readers.test.ts compares the port
 * with the real Go reader.
 */
import { parseAllDocuments, type ScalarTag } from 'yaml';
import { resolvePlain } from '../../lib/values/helm-yaml';

/** What JSON cannot hold (go-yaml reads `.inf` and `.nan`, sigs.k8s.io/yaml then fails). */
export const NOT_JSON = Symbol('not JSON');

/**
 * What go-yaml v2 (go.yaml.in/yaml/v2 v2.4.4 resolve.go, `resolve("", in)`) makes of the plain
 * scalar `in`, as sigs.k8s.io/yaml.YAMLToJSON then writes it: a string, number, boolean, null, or
 * NOT_JSON. The port is the one Helm-style values are read with (lib/values/helm-yaml.ts):
 * timestamps stay strings (decoding into interface{} keeps them as text), and so does `<<` (the
 * merge key only as a key: readAs leaves that to `yaml`'s merge option).
 */
export function goYamlV2Plain(input: string): unknown {
  const { value } = resolvePlain(input);
  return typeof value === 'number' && !Number.isFinite(value) ? NOT_JSON : value;
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
/**
 * Number forms around go-yaml v2's edges (underscores, leading dots, signs, base prefixes,
 * exponents), for the comparisons with the real readers (test/e2e/yaml-readers.test.ts,
 * test/e2e/helm-values.test.ts); some are numbers, some strings.
 */
export const NUMBER_FORMS = [
  '.5_5', '._5', '.5_', '.5__5', '.5_e3', '.5e_3', '.5e3_0', '.5e+3_0', '.5e+_3', '.5E-1_0', '.5e-400', '.5e400', '.0x1', '.5_5_5',
  '+.5_5', '-.5_5', '+._5', '-.5e1_0', '1_0.5_5', '1_.5', '1._5', '1.5_', '_1.5', '1__0', '1e1_0', '1_e1', '1e+_1',
  '0x_1F', '0x1_F', '0x1F_', '-0x_1', '+0x1_0', '0X_1', '0o_7', '0o7_7', '-0o_7', '0_7', '0_8', '08_9', '0_0', '-0_1',
  '0b_1', '0b1_0', '-0b_1', '+0b_1', '0b-101', '0b+101', '0b-1_0', '0b+_1', '-0b-1', '-0b+1', '0b-', '0b+', '0B-1', '0x-1', '0o-7',
  '0x1p3', '0x1.8p1', '0x.8p1', '1e1', '1E+1', '1e-1', '+1e1', '-1e1', '1.e1', '.e1', '1e', '1e+', '0e0', '-0e0', '0.0e-0',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615', '18446744073709551616',
  '0x8000000000000000', '-0x8000000000000000', '-0x8000000000000001', '0xFFFFFFFFFFFFFFFF', '0x1_0000_0000_0000_0000',
  '0b-1000000000000000000000000000000000000000000000000000000000000000', '0b1000000000000000000000000000000000000000000000000000000000000000',
];
// Look-alikes every reader reads as the same string: written plain, as yaml writes them.
export const PLAIN = [
  'yess', 'onion', 'Onn', 'nO', 'oN', 'tRUE', 'nULL', 'Nope', 'ya', '~x', '<', '<<<', '0x', '0xG', '0b2', '0o8', '0b', '0o', '0X', '_1', '1.2.3', 'v1.2',
  '1-2', '1:60', '12:3a', '2024-01', '2024-01-02x', '1e', 'e', 'e3x', '.x', '+', '-a', '+a', '1_000x', '0x1Fg', '.inf.', 'inf', 'nan', 'Infinity', '0XFFFFFFFFFFFFFFFFF',
];
