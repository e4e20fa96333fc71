/**
 * A YAML emitter for plain JSON data that writes the bytes `yaml`'s `stringify(value,
 * YAML_OPTIONS)` writes, several times faster (no document model is built), except where a
 * reader of YAML 1.1 would read that text differently.
 *
 * It is a port of the parts of `yaml` (v2) that JSON data reaches with these options: block maps
 * and sequences (`indentSeq`), empty collections as `{}` / `[]`, plain scalars when every reader
 * would read them back as the same string, else single or double quotes as `yaml` chooses,
 * multi-line strings as literal block scalars (`lineWidth: 0`: never folded), except the one
 * case where `yaml`'s block would not read back as the same string (see blockLiteral).
 *
 * Deliberately unlike `yaml` (a YAML 1.2 writer), because kubectl, Argo CD, Flux and kustomize
 * read YAML with Go's sigs.k8s.io/yaml (go-yaml v2, YAML 1.1 rules):
 * - a string is quoted when go-yaml v2, the YAML 1.1 types (`yaml`'s yaml-1.1 schema) or the
 *   YAML 1.2 core schema would read it plain as anything else: `on`, `Off`, `y`, `~`, `0o17`,
 *   `017`, `0X1F`, `1_000`, `.5_5`, `0b-101`, `12e3`, `1:20`, `2024-01-02`, `e3`, a key `<<`
 *   (see nonString; go-yaml v2's resolution is the one port in lib/values/helm-yaml.ts);
 * - characters YAML 1.1 takes for line breaks (U+0085, U+2028, U+2029) or go-yaml v2 refuses raw
 *   (C1 controls, U+FFFE, U+FFFF) are escaped in double quotes;
 * - a top-level key that starts with a byte-order mark is quoted (kubectl drops the mark);
 * - a block whose first content line starts with a tab states its indentation.
 * There the output reads back as the same JSON in `yaml` and in Go.
 *
 * Anything else — `undefined` in an array, a non-plain object (Date, Map, class instance,
 * `toJSON`), a bigint, a symbol, a key longer than 1024 characters — is handed to `yaml` itself
 * (serialize.ts), which quotes the same ambiguous scalars there (plainIsAmbiguous).
 * test/rendering/yaml-emitter.test.ts checks the two agree; test/e2e/yaml-readers.test.ts reads
 * the renders with the real Go reader.
 */
import type { ToStringOptions, DocumentOptions, SchemaOptions, CreateNodeOptions } from 'yaml';
import { resolvePlain } from '../values/helm-yaml';

/** The `yaml` options this emitter reproduces: no anchors, no line folding, YAML 1.2. */
export const YAML_OPTIONS: DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions = {
  aliasDuplicateObjects: false,
  lineWidth: 0,
  minContentWidth: 0,
  version: '1.2',
};

/** Thrown inside the emitter when the input leaves the JSON subset it handles. */
class Unsupported extends Error {}

const INDENT_STEP = '  ';
/** `yaml` refuses implicit keys longer than this (it writes `? key` instead). */
const MAX_IMPLICIT_KEY = 1024;

// --- scalars (ports of yaml/dist/stringify/stringifyString.js and stringifyNumber.js) ---

/**
 * Characters that force double quotes: controls other than tab and newline, C1 controls, lone
 * surrogates; and (unlike `yaml`) YAML 1.1's extra line breaks U+2028 and U+2029 and the
 * non-characters U+FFFE and U+FFFF, which go-yaml v2 refuses raw.
 */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const FORCE_DOUBLE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\u{D800}-\u{DFFF}]/u;
/** What JSON.stringify leaves raw that YAML 1.1 reads as a line break or go-yaml v2 refuses: escaped in double quotes. */
const RAW_FOR_JSON = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]/g;
function escapeRaw(ch: string): string {
  if (ch === '\x85') return '\\N';
  if (ch === '\u2028') return '\\L';
  if (ch === '\u2029') return '\\P';
  const code = ch.charCodeAt(0);
  return code < 0x100 ? '\\x' + code.toString(16) : '\\u' + code.toString(16);
}
/** What a plain scalar may not contain (see `plainString` in yaml). */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/**
 * The YAML 1.2 core schema's number tags: a plain scalar matching one would be read back as a
 * number (intOct, int, intHex, floatExp, float; its null, bool, .inf and .nan words are in WORDS).
 */
const CORE_NUMBER = [
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
/** Strings nonString can be true of start with one of these characters (or are empty): skip the others. */
const MAYBE_NON_STRING_START = /^[-+.0-9~eEnNtTfFyYoO]|^$/;

/**
 * Plain scalars that go-yaml v2 (go.yaml.in/yaml/v2 resolve.go: resolveMapList), the YAML 1.1
 * bool, null and float types or the YAML 1.2 core schema read as anything but a string.
 */
const WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN',
  '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);
/** The merge key of go-yaml v2 and YAML 1.1 (a value `<<` is a string). */
const MERGE_KEY = '<<';
/**
 * The YAML 1.1 int, float, base-60 and timestamp types (https://yaml.org/type/, as `yaml`'s
 * yaml-1.1 schema reads them: `_` only after the first digit; its float needs no digit, so `e3`
 * and `.` are floats too).
 */
const YAML11_FLOAT_EXP = /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/;
const YAML11_NUMBER_OR_TIME = [
  /^[-+]?0b[0-1_]+$/,
  /^[-+]?0[0-7_]+$/,
  /^[-+]?[0-9][0-9_]*$/,
  /^[-+]?0x[0-9a-fA-F_]+$/,
  YAML11_FLOAT_EXP,
  /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
  /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:t|T|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:[ \t]*(?:Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$/,
];

/**
 * Whether a YAML 1.2 reader (core schema), a YAML 1.1 reader or go-yaml v2 takes the plain scalar
 * `s` for anything but that string.
 */
function nonString(s: string): boolean {
  if (WORDS.has(s)) return true;
  const c = s.charCodeAt(0);
  const digitOrSign = c === 0x2b || c === 0x2d || (c >= 0x30 && c <= 0x39);
  if (!digitOrSign && c !== 0x2e /* . */) return (c === 0x65 /* e */ || c === 0x45) /* E */ && YAML11_FLOAT_EXP.test(s);
  for (const re of CORE_NUMBER) if (re.test(s)) return true;
  for (const re of YAML11_NUMBER_OR_TIME) if (re.test(s)) return true;
  // go-yaml v2 (out of range for Go, a number stays a string).
  return resolvePlain(s).tag !== 'str';
}

/**
 * Only spaces, tabs and newlines, with a space before the first tab: the block's first content
 * line (a tab) or its only lines (spaces) would start more indented than the header says.
 */
const WHITESPACE_ONLY_WITH_BLANKS = /^[\n ]* [\n\t ]*$/;
/** The first character of a block's first line with content is a tab. */
const FIRST_CONTENT_TAB = /^[\n ]*\t/;
/** `yaml` uses a lookbehind when the engine has it (always, on Node). */
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;

function doubleQuoted(value: string, indent: string, implicitKey: boolean): string {
  let json = JSON.stringify(value);
  if (FORCE_DOUBLE.test(value)) json = json.replace(RAW_FOR_JSON, escapeRaw);
  const ind = indent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  let str = '';
  let start = 0;
  for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
    if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
      // a space before a newline is escaped so that it is not folded
      str += json.slice(start, i) + '\\ ';
      i += 1;
      start = i;
      ch = '\\';
    }
    if (ch === '\\') {
      switch (json[i + 1]) {
        case 'u': {
          str += json.slice(start, i);
          const code = json.substr(i + 2, 4);
          switch (code) {
            case '0000': str += '\\0'; break;
            case '0007': str += '\\a'; break;
            case '000b': str += '\\v'; break;
            case '001b': str += '\\e'; break;
            case '0085': str += '\\N'; break;
            case '00a0': str += '\\_'; break;
            case '2028': str += '\\L'; break;
            case '2029': str += '\\P'; break;
            default:
              str += code.substr(0, 2) === '00' ? '\\x' + code.substr(2) : json.substr(i, 6);
          }
          i += 5;
          start = i + 1;
          break;
        }
        case 'n':
          if (implicitKey || json[i + 2] === '"' || json.length < 40 /* doubleQuotedMinMultiLineLength */) {
            i += 1;
          } else {
            // folding eats the first newline
            str += json.slice(start, i) + '\n\n';
            while (json[i + 2] === '\\' && json[i + 3] === 'n' && json[i + 4] !== '"') {
              str += '\n';
              i += 2;
            }
            str += ind;
            // a space after a newline is escaped so that it is not folded
            if (json[i + 2] === ' ') str += '\\';
            i += 1;
            start = i + 1;
          }
          break;
        default:
          i += 1;
      }
    }
  }
  return start ? str + json.slice(start) : json;
}

function singleQuoted(value: string, indent: string, implicitKey: boolean): string {
  if ((implicitKey && value.includes('\n')) || /[ \t]\n|\n[ \t]/.test(value)) return doubleQuoted(value, indent, implicitKey);
  const ind = indent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  return "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${ind}`) + "'";
}

function quoted(value: string, indent: string, implicitKey: boolean): string {
  const hasDouble = value.includes('"');
  const hasSingle = value.includes("'");
  return hasDouble && !hasSingle ? singleQuoted(value, indent, implicitKey) : doubleQuoted(value, indent, implicitKey);
}

/** A literal block scalar (`lineWidth: 0` never folds, so `yaml` never picks `>`). */
function blockLiteral(input: string, indent: string, implicitKey: boolean): string {
  let value = input;
  // A block can't end in whitespace unless the last line is non-empty.
  if (/\n[\t ]+$/.test(value)) return quoted(value, indent, implicitKey);
  // Deliberately unlike `yaml` 2.9: in a whitespace-only block ("  \n") no content line fixes the
  // indentation, so a parser reads the spaces as indentation and drops them (or rejects the block).
  // `yaml` writes such a block anyway; quotes keep the value intact.
  if (WHITESPACE_ONLY_WITH_BLANKS.test(value)) return quoted(value, indent, implicitKey);
  const ind = indent || (DOCUMENT_MARKER.test(value) ? '  ' : '');
  if (!value) return '|\n';
  let endStart: number;
  for (endStart = value.length; endStart > 0; --endStart) {
    const ch = value[endStart - 1];
    if (ch !== '\n' && ch !== '\t' && ch !== ' ') break;
  }
  let end = value.substring(endStart);
  const endNlPos = end.indexOf('\n');
  const chomp = endNlPos === -1 ? '-' : value === end || endNlPos !== end.length - 1 ? '+' : '';
  if (end) {
    value = value.slice(0, -end.length);
    if (end[end.length - 1] === '\n') end = end.slice(0, -1);
    end = end.replace(BLOCK_END_NEWLINES, `$&${ind}`);
  }
  let startWithSpace = false;
  let startEnd: number;
  let startNlPos = -1;
  for (startEnd = 0; startEnd < value.length; ++startEnd) {
    const ch = value[startEnd];
    if (ch === ' ') startWithSpace = true;
    else if (ch === '\n') startNlPos = startEnd;
    else break;
  }
  let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
  if (start) {
    value = value.substring(start.length);
    start = start.replace(/\n+/g, `$&${ind}`);
  }
  // Unlike `yaml`: go-yaml v2 (as libyaml) refuses a block whose first content line starts with a
  // tab unless the header states the indentation.
  const startWithTab = FIRST_CONTENT_TAB.test(input);
  const header = (startWithSpace || startWithTab ? (ind ? '2' : '1') : '') + chomp;
  value = value.replace(/\n+/g, `$&${ind}`);
  return `|${header}\n${ind}${start}${value}${end}`;
}

/** Whether a plain scalar `value` (a map key when `isKey`) would be read by some reader (YAML 1.2, YAML 1.1, go-yaml v2) as anything but that string. */
export function plainIsAmbiguous(value: string, isKey: boolean): boolean {
  return (MAYBE_NON_STRING_START.test(value) && nonString(value)) || (isKey && value === MERGE_KEY);
}

/** A string scalar at `indent` (the indent of its node: the parent's plus one step), as `yaml` writes it. */
export function yamlString(value: string, indent: string, implicitKey: boolean): string {
  if (FORCE_DOUBLE.test(value)) return doubleQuoted(value, indent, implicitKey);
  const multiline = value.includes('\n');
  if (implicitKey && multiline) return quoted(value, indent, implicitKey);
  // A multi-line value is a block scalar whether or not it could be plain (no need to run NOT_PLAIN
  // over long texts); blockLiteral falls back to quotes where a block cannot hold it.
  if (multiline) return blockLiteral(value, indent, implicitKey);
  if (NOT_PLAIN.test(value)) return quoted(value, indent, implicitKey);
  if (DOCUMENT_MARKER.test(value)) {
    if (indent === '') throw new Unsupported('top-level scalar with a document marker');
    if (implicitKey && indent === INDENT_STEP) return quoted(value, indent, implicitKey);
  }
  // A byte-order mark opening a document is dropped: by `yaml` at the start of the stream, by
  // kubectl at the start of every document (it reads them one by one).
  if (implicitKey && indent === INDENT_STEP && value.charCodeAt(0) === 0xfeff) return quoted(value, indent, implicitKey);
  if (plainIsAmbiguous(value, implicitKey)) return quoted(value, indent, implicitKey);
  return value;
}

function yamlNumber(value: number): string {
  if (!isFinite(value)) return isNaN(value) ? '.nan' : value < 0 ? '-.inf' : '.inf';
  return Object.is(value, -0) ? '-0' : JSON.stringify(value);
}

// --- collections (ports of stringifyCollection.js, stringifyPair.js, YAMLMap/YAMLSeq.toString) ---

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== 'function';
}

/** A scalar node's text, or undefined when `v` is a collection. */
function scalar(v: unknown, indent: string): string | undefined {
  switch (typeof v) {
    case 'string':
      return yamlString(v, indent, false);
    case 'number':
      return yamlNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      return v === null ? 'null' : undefined;
    default:
      throw new Unsupported(typeof v);
  }
}

/** Whether a plain object has a member `yaml` writes (one whose value is not undefined). */
function hasMembers(v: object): boolean {
  if (!isPlainObject(v)) throw new Unsupported('not a plain object');
  for (const key in v) {
    if (Object.prototype.hasOwnProperty.call(v, key) && (v as Record<string, unknown>)[key] !== undefined) return true;
  }
  return false;
}

/**
 * Appends a non-empty collection (map or sequence) whose own indent is `indent` to `out`; its
 * first line continues the current one (after `- `, or on a fresh line after `key:`).
 */
function collection(v: object, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    const itemIndent = indent + INDENT_STEP;
    const sep = `\n${indent}- `;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      if (item === undefined) throw new Unsupported('undefined in a sequence');
      out.push(i === 0 ? '- ' : sep);
      const s = scalar(item, itemIndent);
      if (s !== undefined) out.push(s);
      else node(item as object, itemIndent, out);
    }
    return;
  }
  const obj = v as Record<string, unknown>;
  const pairIndent = indent + INDENT_STEP;
  const sep = `\n${indent}`;
  let first = true;
  for (const key in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
    const val = obj[key];
    if (val === undefined) continue;
    const k = yamlString(key, pairIndent, true);
    if (k.length > MAX_IMPLICIT_KEY) throw new Unsupported('long key');
    if (!first) out.push(sep);
    first = false;
    const s = scalar(val, pairIndent);
    if (s !== undefined) out.push(k, ': ', s);
    else if (Array.isArray(val) ? val.length === 0 : !hasMembers(val as object)) out.push(k, Array.isArray(val) ? ': []' : ': {}');
    else {
      out.push(k, ':\n', pairIndent);
      collection(val as object, pairIndent, out);
    }
  }
}

/** Appends a collection node: `{}` / `[]` when empty. */
function node(v: object, indent: string, out: string[]): void {
  if (Array.isArray(v) ? v.length === 0 : !hasMembers(v)) out.push(Array.isArray(v) ? '[]' : '{}');
  else collection(v, indent, out);
}

/**
 * The YAML document of a JSON value: map or sequence at the root, as `yaml.stringify(value,
 * YAML_OPTIONS)` writes it; undefined when the value is outside what this emitter handles.
 */
export function emitYamlDocument(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  try {
    const out: string[] = [];
    node(value, '', out);
    out.push('\n');
    return out.join('');
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
