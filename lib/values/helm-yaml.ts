/**
 * A values file read as Helm reads it: `sigs.k8s.io/yaml` over go-yaml v2, that is YAML 1.1
 * scalars (`yes`, `on`, `y`, `NULL` … in the forms go-yaml lists; `010` octal, `1_000`, `0x1F`), merge
 * keys `<<` (a merged key overrides the keys before it, later keys override it, as in go-yaml v2),
 * keys made strings (`1` → "1", `yes` → "true") and every number a float64 (the JSON round trip).
 * Ported from go-yaml v2's resolve.go and sigs.k8s.io/yaml's key conversion; checked against the
 * real Helm binary by test/e2e/helm-values.test.ts.
 */
import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, Node, Scalar } from 'yaml';

type Resolved = { tag: 'null' | 'bool' | 'int' | 'float' | 'str'; value: unknown; int?: bigint; uint?: boolean };

const BOOL_NULL = new Map<string, unknown>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as const),
]);
const SPECIAL_FLOATS = new Map<string, number>([
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, -Infinity] as const),
]);
/** Go's strconv.ParseInt(s, 0, 64) syntax (after go-yaml removed every `_`). */
const GO_INT = /^([+-]?)(?:0([xX])([0-9a-fA-F]+)|0([oO])([0-7]+)|0([bB])([01]+)|0([0-7]*)|([1-9][0-9]*))$/;
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/**
 * go-yaml v2's own binary forms, tried after strconv: ParseInt(in[2:], 2) of `0b…`, whose digits
 * may start with a sign (`0b-101` is -5), and ParseInt("-" + in[3:], 2) of `-0b…`.
 */
const GO_YAML_BINARY = /^(?:0b([-+]?[01]+)|-0b([01]+))$/;
/** Go's ParseFloat of a scalar starting with a dot (underscores between digits allowed). */
const DOT_FLOAT = /^\.[0-9]+(_[0-9]+)*([eE][-+]?[0-9]+(_[0-9]+)*)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

function goInt(text: string): { value: bigint; uint: boolean } | undefined {
  const m = GO_INT.exec(text);
  if (!m) return undefined;
  const [, sign, x, hex, o, oct, b, bin, octal0, dec] = m;
  const digits = x ? `0x${hex}` : o ? `0o${oct}` : b ? `0b${bin}` : octal0 !== undefined ? (octal0 === '' ? '0' : `0o${octal0}`) : dec;
  const n = sign === '-' ? -BigInt(digits) : BigInt(digits);
  if (n >= INT64_MIN && n <= INT64_MAX) return { value: n, uint: false };
  if (sign === '' && n <= UINT64_MAX) return { value: n, uint: true };
  return undefined;
}

function goYamlBinary(text: string): bigint | undefined {
  const m = GO_YAML_BINARY.exec(text);
  if (!m) return undefined;
  const digits = m[1] ?? `-${m[2]}`;
  const n = digits[0] === '-' ? -BigInt(`0b${digits.slice(1)}`) : BigInt(`0b${digits.replace('+', '')}`);
  return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** go-yaml v2's resolve() of an untagged plain scalar (timestamps stay strings for Helm, like any other text). */
export function resolvePlain(text: string): Resolved {
  const c = text[0];
  const hint = text === '' || 'yYnNtTfFoO~'.includes(c) ? 'M' : c === '.' ? '.' : c === '+' || c === '-' ? 'S' : c >= '0' && c <= '9' ? 'D' : undefined;
  if (hint === undefined) return { tag: 'str', value: text };
  if (BOOL_NULL.has(text)) {
    const v = BOOL_NULL.get(text);
    return { tag: v === null ? 'null' : 'bool', value: v };
  }
  if (SPECIAL_FLOATS.has(text)) return { tag: 'float', value: SPECIAL_FLOATS.get(text) };
  if (hint === '.') {
    if (DOT_FLOAT.test(text)) {
      const f = Number(text.replace(/_/g, ''));
      if (Number.isFinite(f)) return { tag: 'float', value: f };
    }
  } else if (hint === 'D' || hint === 'S') {
    const plain = text.replace(/_/g, '');
    const int = goInt(plain);
    if (int) return { tag: 'int', value: Number(int.value), int: int.value, uint: int.uint };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return { tag: 'float', value: f };
    }
    const binary = goYamlBinary(plain);
    if (binary !== undefined) return { tag: 'int', value: Number(binary), int: binary, uint: false };
  }
  return { tag: 'str', value: text };
}

/** Go's strconv.FormatFloat(f, 'g', -1, 32), as sigs.k8s.io/yaml writes a float key. */
export function formatFloat32Key(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  const x = Math.fround(f);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const abs = Math.abs(x);
  let p = 1;
  while (p < 9 && Math.fround(Number(abs.toPrecision(p))) !== abs) p++;
  const [mantissa, expText] = abs.toExponential(p - 1).split('e');
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0';
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${sign}${whole}${frac ? `.${frac}` : ''}`;
}

/** Thrown for what Helm refuses too (or what we refuse on purpose); the caller adds the file and position. */
export class HelmYamlError extends Error {
  constructor(
    message: string,
    readonly node: Node | null | undefined,
    readonly path: readonly PropertyKey[],
  ) {
    super(message);
  }
}

const TAG = 'tag:yaml.org,2002:';

function scalarValue(node: Scalar, path: readonly PropertyKey[]): Resolved {
  const text = String(node.source ?? node.value ?? '');
  const tag = node.tag?.startsWith(TAG) ? node.tag.slice(TAG.length) : node.tag;
  if (tag === 'str') return { tag: 'str', value: text };
  const resolved = tag === undefined && node.type !== 'PLAIN' ? ({ tag: 'str', value: text } as Resolved) : resolvePlain(text);
  if (tag === undefined || tag === resolved.tag) return resolved;
  if (tag === 'float' && resolved.tag === 'int') return { tag: 'float', value: resolved.value };
  throw new HelmYamlError(`invalid YAML: cannot read !!${resolved.tag} \`${text}\` as a !!${tag}`, node, path);
}

/** The key a mapping key becomes in Helm's values. */
export function keyString(node: unknown, path: readonly PropertyKey[]): string {
  if (!isScalar(node)) throw new HelmYamlError('invalid YAML: a key must be a plain string, not a mapping or a list', node as Node, path);
  const r = scalarValue(node, path);
  switch (r.tag) {
    case 'str':
      return r.value as string;
    case 'bool':
      return String(r.value);
    case 'int':
      if (r.uint) break;
      return String(r.int);
    case 'float':
      return formatFloat32Key(r.value as number);
  }
  throw new HelmYamlError(`invalid YAML: a key must be a string, not ${r.tag === 'null' ? 'null' : 'a number this large'}`, node, path);
}

function define(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The plain value of `node` as Helm's values are: maps with string keys, lists, strings, booleans,
 * null and numbers. `maxAliases` limits alias expansions (nested ones count each time).
 */
export function helmValue(doc: Document, node: unknown, maxAliases: number): unknown {
  let aliases = 0;
  const walk = (n: unknown, path: PropertyKey[]): unknown => {
    if (n === null || n === undefined) return null;
    if (isAlias(n)) {
      if (++aliases > maxAliases) throw new HelmYamlError(`invalid YAML: too many alias expansions (alias expansion is limited to ${maxAliases})`, n as Alias, path);
      return walk((n as Alias).resolve(doc), path);
    }
    if (isScalar(n)) {
      const r = scalarValue(n, path);
      if (typeof r.value === 'number' && !Number.isFinite(r.value)) {
        throw new HelmYamlError(`invalid YAML: ${String(n.source)} is not a number JSON can hold (Helm refuses it too)`, n, path);
      }
      return r.value;
    }
    if (isSeq(n)) return n.items.map((item, i) => walk(item, [...path, i]));
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      const explicit = new Set<string>();
      for (const pair of n.items) {
        if (!isPair(pair)) continue;
        const k = pair.key;
        if (isScalar(k) && k.type === 'PLAIN' && k.tag === undefined && k.source === '<<') {
          mergeInto(out, pair.value, path);
          continue;
        }
        const key = keyString(k, path);
        if (explicit.has(key)) throw new HelmYamlError('invalid YAML: duplicate key', k as Node, [...path, key]);
        explicit.add(key);
        define(out, key, walk(pair.value, [...path, key]));
      }
      return out;
    }
    throw new HelmYamlError('invalid YAML: unsupported node', n as Node, path);
  };
  /** go-yaml v2's merge: a map (or an alias of one) or a list of them, earlier ones winning. */
  const mergeInto = (out: Record<string, unknown>, value: unknown, path: PropertyKey[]) => {
    const target = isAlias(value) ? (value as Alias).resolve(doc) : value;
    const wantMap = () => new HelmYamlError('invalid YAML: a merge key (<<) takes a mapping or a list of mappings', value as Node, path);
    if (isMap(target)) {
      for (const [k, v] of Object.entries(walk(value, path) as Record<string, unknown>)) define(out, k, v);
    } else if (isSeq(target) && !isAlias(value)) {
      for (const item of [...target.items].reverse()) {
        const m = isAlias(item) ? (item as Alias).resolve(doc) : item;
        if (!isMap(m)) throw wantMap();
        for (const [k, v] of Object.entries(walk(item, path) as Record<string, unknown>)) define(out, k, v);
      }
    } else {
      throw wantMap();
    }
  };
  return walk(node, []);
}
