/**
 * A small typed PromQL builder over the metrics catalog.
 *
 * Every expression of the rules and the dashboard is built here, so that mistakes the spec's
 * own queries make are build-time errors (`CatalogError`) instead of silent dashboards:
 * - a metric or a label that is not in the catalog, a matcher on a value a closed label never has;
 * - `by` on a label the aggregated series do not carry;
 * - `rate()` of a gauge, a range over something that is not a selector;
 * - a vector/vector operation whose sides carry different labels, or keep a label one side
 *   filters on and the other does not (the spec's `rate(x{outcome="failure"}[5m]) / rate(x[5m])`);
 * - `histogram_quantile` without `le`, and comparisons that can never be true, such as a
 *   quantile compared with a threshold at or above the histogram's largest finite bucket.
 */
import {
  CatalogError,
  CounterName,
  GaugeName,
  getMetric,
  DEFAULT_PROFILE,
  HistogramName,
  LabelsOf,
  largestFiniteBucket,
  MetricDefinition,
  Profile,
  PROFILE_LABELS,
  PROFILE_TITLES,
  suggest,
  TARGET_LABELS,
  TargetLabel,
} from '../catalog/catalog';

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher. */
export interface Matcher {
  readonly label: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** A matcher value: a string means `=`; `oneOf`/`noneOf`/`ne` build the others. */
export type MatchSpec = string | { readonly op: MatchOp; readonly value: string };

export const ne = (value: string): MatchSpec => ({ op: '!=', value });
/** `=~"a|b"` for literal values. */
export const oneOf = (values: readonly string[]): MatchSpec => ({ op: '=~', value: values.map(escapeRegex).join('|') });
/** `!~"a|b"` for literal values. */
export const noneOf = (values: readonly string[]): MatchSpec => ({ op: '!~', value: values.map(escapeRegex).join('|') });

export type Matchers<L extends string> = Partial<Readonly<Record<L, MatchSpec>>>;

/** A range window: a Prometheus duration, or a Grafana interval macro (dashboard queries only). */
export type Window = string;

const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
/** Grafana macros allowed in range windows, with the duration `validatePromQL` substitutes for them. */
export const GRAFANA_WINDOW_MACROS: Readonly<Record<string, string>> = {
  $__rate_interval: '5m',
  $__interval: '1m',
  $__range: '1h',
};

/** What the builder knows about the series an expression returns. */
export interface VectorInfo {
  /** Label names every output series carries. */
  readonly labels: readonly string[];
  /** Label filters applied on the way (label → matcher text), for the one-side-filter check and ratio bounds. */
  readonly filters: Readonly<Record<string, string>>;
  /** Bounds of the values. */
  readonly min: number;
  readonly max: number;
  /** Set when the value is a `histogram_quantile`: the largest finite bucket, the quantile's ceiling. */
  readonly quantileCeiling?: number;
  /** Set while the series carry `le` of a histogram (its name and largest finite bucket). */
  readonly histogram?: { readonly metric: string; readonly ceiling: number; readonly rated: boolean };
  /** Identity of the counter rate underneath (`rate(m[5m])`), for subset ratios. */
  readonly base?: string;
  /** Set for bare selectors only. */
  readonly selector?: {
    readonly name: string;
    readonly kind: 'counter' | 'gauge' | 'histogram-series' | 'recorded' | 'synthetic';
    readonly equalityLabels: Readonly<Record<string, string>>;
  };
  /** Metric names the expression reads (for messages and coverage). */
  readonly metrics: readonly string[];
}

/** Precedence of binary operators (higher binds tighter); atoms are 100. */
const PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1, and: 2, unless: 2, '==': 3, '!=': 3, '<': 3, '<=': 3, '>': 3, '>=': 3, '+': 4, '-': 4, '*': 5, '/': 5, '%': 5, atan2: 5, '^': 6,
};

/** An instant-vector expression with what the builder knows about it. */
export class Vector {
  /** @internal */
  constructor(
    public readonly text: string,
    public readonly info: VectorInfo,
    /** @internal precedence of the outermost operator */
    public readonly precedence: number = 100,
  ) {}

  toString(): string {
    return this.text;
  }
}

/** A scalar number. */
export type Scalar = number;

export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(Number(n.toPrecision(12)));
}

export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function checkWindow(window: Window, where: string): void {
  if (!DURATION.test(window) && !(window in GRAFANA_WINDOW_MACROS)) {
    throw new CatalogError(`${where}: invalid range ${JSON.stringify(window)} (a Prometheus duration such as 5m, or $__rate_interval)`);
  }
}

function describe(v: Vector): string {
  return v.info.metrics.length > 0 ? v.info.metrics.join(', ') : v.text;
}

function labelList(labels: readonly string[]): string {
  return labels.length > 0 ? labels.join(', ') : '(none)';
}

/** A recording rule the builder knows, so alerts and panels can read its series type-safely. */
export interface RecordedSeries {
  readonly name: string;
  readonly expr: Vector;
}

/**
 * Level of a recording rule name from its output labels: labels joined by `_`, with
 * `provider_type, provider` (a provider instance has one type) shortened to `provider`.
 */
export function levelName(labels: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 'provider_type' && labels[i + 1] === 'provider') {
      out.push('provider');
      i++;
    } else {
      out.push(labels[i]);
    }
  }
  return out.join('_');
}

const RECORD_NAME = /^([a-z_]*):([a-z][a-z0-9_]*):([a-z][a-z0-9_]*)$/;

export interface PromQLOptions {
  /** The metrics catalog expressions are checked against. @default DEFAULT_PROFILE (the version installed) */
  readonly profile?: Profile;
  /**
   * Equality matchers added to every selector (e.g. the release's `namespace`), so that the
   * expressions of one release never read another release's series.
   */
  readonly scope?: Readonly<Record<string, string>>;
}

/**
 * The builder. One instance per rule set or dashboard: it holds the scope matchers and the
 * recording rules defined so far.
 */
export class PromQL {
  /** The profile whose catalog every selector is checked against. */
  public readonly profile: Profile;
  private readonly scope: readonly Matcher[];
  private readonly recordings = new Map<string, Vector>();

  constructor(options: PromQLOptions = {}) {
    this.profile = options.profile ?? DEFAULT_PROFILE;
    this.scope = Object.entries(options.scope ?? {}).map(([label, value]) => ({ label, op: '=' as const, value }));
  }

  /** A counter or gauge of the catalog. */
  metric<M extends CounterName | GaugeName>(name: M, matchers: Matchers<LabelsOf<M> | TargetLabel> = {}): Vector {
    const metric = this.getMetric(name);
    if (metric.type === 'histogram') {
      throw new CatalogError(`${name} is a histogram: select ${name}_bucket, _sum or _count with bucket()/histogramCount()`);
    }
    return this.select(metric.name, metric, [...metric.labels, ...TARGET_LABELS], matchers as Matchers<string>, metric.type, metric.type === 'counter' ? 0 : -Infinity);
  }

  /** `<histogram>_bucket`: the histogram's labels plus `le`. */
  bucket<M extends HistogramName>(name: M, matchers: Matchers<LabelsOf<M> | TargetLabel> = {}): Vector {
    const metric = this.getMetric(name);
    if (metric.type !== 'histogram') throw new CatalogError(`${name} is a ${metric.type}, not a histogram: it has no _bucket series`);
    const v = this.select(`${name}_bucket`, metric, [...metric.labels, ...TARGET_LABELS, 'le'], matchers as Matchers<string>, 'histogram-series', 0);
    return new Vector(v.text, { ...v.info, histogram: { metric: name, ceiling: largestFiniteBucket(metric), rated: false } });
  }

  /** `<histogram>_count`. */
  histogramCount<M extends HistogramName>(name: M, matchers: Matchers<LabelsOf<M> | TargetLabel> = {}): Vector {
    const metric = this.getMetric(name);
    if (metric.type !== 'histogram') throw new CatalogError(`${name} is a ${metric.type}, not a histogram: it has no _count series`);
    return this.select(`${name}_count`, metric, [...metric.labels, ...TARGET_LABELS], matchers as Matchers<string>, 'histogram-series', 0);
  }

  /** The metric in this builder's profile; refused when missing there or never set. */
  private getMetric(name: string): MetricDefinition {
    const metric = getMetric(name, this.profile);
    if (metric.neverSet) throw new CatalogError(`${name} (profile ${this.profile}, ${PROFILE_TITLES[this.profile]}): ${metric.neverSet}`);
    return metric;
  }

  /** Prometheus' synthetic `up` of every target (1 when the last scrape succeeded). */
  up(matchers: Matchers<TargetLabel>): Vector {
    const v = this.select('up', undefined, [...TARGET_LABELS], matchers as Matchers<string>, 'synthetic', 0);
    return new Vector(v.text, { ...v.info, max: 1 });
  }

  /** The series of a recording rule defined earlier with {@link record}. */
  recorded(name: string, matchers: Matchers<string> = {}): Vector {
    const source = this.recordings.get(name);
    if (!source) {
      throw new CatalogError(`unknown recorded series ${JSON.stringify(name)}: no recording rule defines it${suggest(name, [...this.recordings.keys()])}`);
    }
    const v = this.select(name, undefined, source.info.labels, matchers, 'recorded', source.info.min);
    return new Vector(v.text, {
      ...v.info,
      max: source.info.max,
      min: source.info.min,
      quantileCeiling: source.info.quantileCeiling,
      metrics: source.info.metrics,
    });
  }

  /**
   * Register a recording rule. The name must follow `level:metric:operations`, with the level
   * spelling the output labels (see {@link levelName}) and the metric a catalog metric
   * (without `_total` once rated).
   */
  record(name: string, expr: Vector): RecordedSeries {
    const m = RECORD_NAME.exec(name);
    if (!m) throw new CatalogError(`recording rule name ${JSON.stringify(name)} does not follow level:metric:operations`);
    const [, level, metricPart] = m;
    const expected = levelName(expr.info.labels);
    if (level !== expected) {
      throw new CatalogError(`recording rule ${name}: level ${JSON.stringify(level)} does not match its output labels (${labelList(expr.info.labels)}): expected ${JSON.stringify(expected)}`);
    }
    const candidates = expr.info.metrics.flatMap((metric) => [metric, metric.replace(/_total$/, '')]);
    if (!candidates.includes(metricPart)) {
      throw new CatalogError(`recording rule ${name}: metric part ${JSON.stringify(metricPart)} is none of the metrics it reads (${expr.info.metrics.join(', ')})`);
    }
    if (this.recordings.has(name)) throw new CatalogError(`recording rule ${name} is defined twice`);
    this.recordings.set(name, expr);
    return { name, expr };
  }

  /** Names of the recording rules defined so far. */
  recordedNames(): string[] {
    return [...this.recordings.keys()];
  }

  private select(
    name: string,
    metric: MetricDefinition | undefined,
    allowed: readonly string[],
    matchers: Matchers<string>,
    kind: NonNullable<VectorInfo['selector']>['kind'],
    min: number,
  ): Vector {
    const list: Matcher[] = [];
    for (const [label, spec] of Object.entries(matchers)) {
      if (spec === undefined) continue;
      const matcher: Matcher = typeof spec === 'string' ? { label, op: '=', value: spec } : { label, op: spec.op, value: spec.value };
      if (!allowed.includes(label)) {
        throw new CatalogError(`${name}{${label}${matcher.op}${quote(matcher.value)}}: ${name} has no label ${JSON.stringify(label)} (labels: ${labelList(allowed)})${suggest(label, allowed)}`);
      }
      checkLabelValue(name, matcher, this.profile);
      list.push(matcher);
    }
    for (const s of this.scope) {
      if (list.some((m) => m.label === s.label)) continue;
      if (allowed.includes(s.label)) list.push(s);
    }
    const text = list.length > 0 ? `${name}{${list.map((m) => `${m.label}${m.op}${quote(m.value)}`).join(',')}}` : name;
    const filters: Record<string, string> = {};
    const equalityLabels: Record<string, string> = {};
    for (const m of list) {
      filters[m.label] = `${m.label}${m.op}${quote(m.value)}`;
      if (m.op === '=') equalityLabels[m.label] = m.value;
    }
    return new Vector(text, {
      labels: [...allowed],
      filters,
      min,
      max: Infinity,
      selector: { name, kind, equalityLabels },
      metrics: [metric ? metric.name : name],
    });
  }
}

/** Rejects a matcher on a value a closed label never takes (`outcome=" failure "` selects nothing). */
function checkLabelValue(series: string, m: Matcher, profile: Profile): void {
  // Only catalog metrics' own labels are checked (recorded series keep them too).
  const def = PROFILE_LABELS[profile][m.label] as (typeof PROFILE_LABELS)[Profile][string] | undefined;
  if (!def || !def.closed) return;
  let values: string[];
  if (m.op === '=' || m.op === '!=') {
    values = [m.value];
  } else if (/^[A-Za-z0-9_-]+(\|[A-Za-z0-9_-]+)*$/.test(m.value)) {
    values = m.value.split('|');
  } else {
    return;
  }
  for (const v of values) {
    if (!def.values.includes(v)) {
      throw new CatalogError(`${series}{${m.label}${m.op}${quote(m.value)}}: ${JSON.stringify(v)} is not a value of ${m.label} in profile ${profile} (values: ${def.values.join(', ')})`);
    }
  }
}

function requireSelector(v: Vector, fn: string): NonNullable<VectorInfo['selector']> {
  if (!v.info.selector) {
    throw new CatalogError(`${fn}(${v.text}[…]): a range needs a plain series selector, not an expression (use a recording rule or a subquery)`);
  }
  return v.info.selector;
}

/** `rate(v[window])` of a counter (or histogram `_bucket`/`_count`). */
export function rate(v: Vector, window: Window): Vector {
  return counterFunction('rate', v, window);
}

/** `increase(v[window])` of a counter. */
export function increase(v: Vector, window: Window): Vector {
  return counterFunction('increase', v, window);
}

function counterFunction(fn: string, v: Vector, window: Window): Vector {
  const sel = requireSelector(v, fn);
  if (sel.kind !== 'counter' && sel.kind !== 'histogram-series') {
    throw new CatalogError(`${fn}(${v.text}[${window}]): ${sel.name} is ${sel.kind === 'gauge' ? 'a gauge' : `a ${sel.kind} series`}; ${fn}() is only meaningful on counters (use avg_over_time/max_over_time or deriv for gauges)`);
  }
  checkWindow(window, `${fn}(${v.text})`);
  const text = `${fn}(${v.text}[${window}])`;
  return new Vector(text, {
    labels: v.info.labels,
    filters: v.info.filters,
    min: 0,
    max: Infinity,
    histogram: v.info.histogram ? { ...v.info.histogram, rated: true } : undefined,
    base: `${fn}(${sel.name}[${window}])`,
    metrics: v.info.metrics,
  });
}

/** `<fn>_over_time(v[window])` of a gauge or recorded series. */
export function overTime(fn: 'avg' | 'max' | 'min', v: Vector, window: Window): Vector {
  const sel = requireSelector(v, `${fn}_over_time`);
  if (sel.kind === 'counter' || sel.kind === 'histogram-series') {
    throw new CatalogError(`${fn}_over_time(${v.text}[${window}]): ${sel.name} is a counter; use rate() or increase()`);
  }
  checkWindow(window, `${fn}_over_time(${v.text})`);
  return new Vector(`${fn}_over_time(${v.text}[${window}])`, {
    labels: v.info.labels,
    filters: v.info.filters,
    min: v.info.min,
    max: v.info.max,
    quantileCeiling: v.info.quantileCeiling,
    metrics: v.info.metrics,
  });
}

export type AggregationOp = 'sum' | 'avg' | 'max' | 'min' | 'count';

/** `op by (labels) (v)`; `by` must name labels the series carry. */
export function aggregate(op: AggregationOp, by: readonly string[], v: Vector): Vector {
  for (const label of by) {
    if (!v.info.labels.includes(label)) {
      throw new CatalogError(
        `${op} by (${by.join(', ')}) (${v.text}): label ${JSON.stringify(label)} is not a label of ${describe(v)} (labels: ${labelList(v.info.labels)})${suggest(label, v.info.labels)}`,
      );
    }
  }
  if (new Set(by).size !== by.length) throw new CatalogError(`${op} by (${by.join(', ')}): duplicate label`);
  if (v.info.histogram && !by.includes('le') && v.info.labels.includes('le')) {
    // Aggregating away `le` makes the buckets meaningless; allowed only for counting.
    if (op !== 'count') throw new CatalogError(`${op} by (${by.join(', ')}) (${v.text}): keep le when aggregating histogram buckets`);
  }
  const text = by.length > 0 ? `${op} by (${by.join(', ')}) (${v.text})` : `${op}(${v.text})`;
  let min = v.info.min;
  let max = v.info.max;
  if (op === 'sum') {
    min = v.info.min >= 0 ? 0 : -Infinity;
    max = v.info.max <= 0 ? 0 : Infinity;
  } else if (op === 'count') {
    min = 0;
    max = Infinity;
  }
  return new Vector(text, {
    labels: [...by],
    filters: v.info.filters,
    min,
    max,
    quantileCeiling: op === 'count' || op === 'sum' ? undefined : v.info.quantileCeiling,
    histogram: v.info.histogram && by.includes('le') ? v.info.histogram : undefined,
    base: op === 'sum' ? v.info.base : undefined,
    metrics: v.info.metrics,
  });
}

export const sum = (v: Vector): Vector => aggregate('sum', [], v);
export const sumBy = (by: readonly string[], v: Vector): Vector => aggregate('sum', by, v);
export const maxBy = (by: readonly string[], v: Vector): Vector => aggregate('max', by, v);
export const countBy = (by: readonly string[], v: Vector): Vector => aggregate('count', by, v);

/** `histogram_quantile(q, v)`: `v` must be rated `_bucket` series that keep `le`. */
export function histogramQuantile(q: number, v: Vector): Vector {
  if (!(q >= 0 && q <= 1)) throw new CatalogError(`histogram_quantile(${q}, …): the quantile must be between 0 and 1`);
  const h = v.info.histogram;
  if (!h || !v.info.labels.includes('le')) {
    throw new CatalogError(`histogram_quantile(${q}, ${v.text}): needs histogram _bucket series with the le label (aggregate with by (le, …))`);
  }
  if (!h.rated) throw new CatalogError(`histogram_quantile(${q}, ${v.text}): apply rate() to the buckets first`);
  return new Vector(`histogram_quantile(${formatNumber(q)}, ${v.text})`, {
    labels: v.info.labels.filter((l) => l !== 'le'),
    filters: v.info.filters,
    min: 0,
    max: h.ceiling,
    quantileCeiling: h.ceiling,
    metrics: v.info.metrics,
  });
}

export interface Matching {
  /** `on(labels)`: match on these labels only. */
  readonly on?: readonly string[];
}

type ArithmeticOp = '+' | '-' | '*' | '/';
type ComparisonOp = '>' | '<' | '>=' | '<=' | '==' | '!=';

function wrap(v: Vector, parentPrecedence: number, right: boolean): string {
  return v.precedence < parentPrecedence || (right && v.precedence === parentPrecedence) ? `(${v.text})` : v.text;
}

function modifier(matching?: Matching): string {
  return matching?.on ? ` on (${matching.on.join(', ')})` : '';
}

/** Checks that one-to-one vector matching pairs the series the author means. */
function checkVectorMatching(op: string, a: Vector, b: Vector, matching?: Matching): string[] {
  const where = `${a.text} ${op}${modifier(matching)} ${b.text}`;
  if (matching?.on) {
    for (const label of matching.on) {
      if (!a.info.labels.includes(label) || !b.info.labels.includes(label)) {
        throw new CatalogError(`${where}: on (${label}) names a label one side does not carry`);
      }
    }
    return [...matching.on];
  }
  const la = [...a.info.labels].sort();
  const lb = [...b.info.labels].sort();
  if (la.join(',') !== lb.join(',')) {
    throw new CatalogError(`${where}: the sides carry different labels (${labelList(la)} vs ${labelList(lb)}); aggregate both sides to the same labels (sum by (…)) or use on (…)`);
  }
  for (const label of la) {
    const fa = a.info.filters[label];
    const fb = b.info.filters[label];
    if (fa !== fb) {
      throw new CatalogError(
        `${where}: label ${JSON.stringify(label)} is filtered on one side only (${fa ?? 'no filter'} vs ${fb ?? 'no filter'}) and kept by both, so no series pair up; aggregate it away on both sides (sum by (…) without ${label})`,
      );
    }
  }
  return [...a.info.labels];
}

/** True when `a` reads a filtered subset of what `b` reads (same rate, every filter of `b` also on `a`). */
function isSubset(a: Vector, b: Vector): boolean {
  if (!a.info.base || a.info.base !== b.info.base) return false;
  return Object.entries(b.info.filters).every(([label, f]) => a.info.filters[label] === f);
}

function arithmetic(op: ArithmeticOp, a: Vector, b: Vector | Scalar, matching?: Matching): Vector {
  const p = PRECEDENCE[op];
  if (typeof b === 'number') {
    let [min, max] = [a.info.min, a.info.max];
    if (op === '*' || op === '/') {
      const k = op === '*' ? b : 1 / b;
      [min, max] = k >= 0 ? [min * k, max * k] : [max * k, min * k];
    } else {
      const k = op === '+' ? b : -b;
      [min, max] = [min + k, max + k];
    }
    return new Vector(`${wrap(a, p, false)} ${op} ${formatNumber(b)}`, { ...a.info, min, max, base: undefined, selector: undefined, histogram: undefined, quantileCeiling: undefined }, p);
  }
  const labels = checkVectorMatching(op, a, b, matching);
  let min = -Infinity;
  let max = Infinity;
  if (op === '/' && a.info.min >= 0 && b.info.min >= 0) {
    min = 0;
    if (isSubset(a, b)) max = 1;
  }
  return new Vector(`${wrap(a, p, false)} ${op}${modifier(matching)} ${wrap(b, p, true)}`, {
    labels,
    filters: Object.fromEntries(Object.entries(a.info.filters).filter(([l, f]) => b.info.filters[l] === f)),
    min,
    max,
    metrics: [...new Set([...a.info.metrics, ...b.info.metrics])],
  }, p);
}

export const div = (a: Vector, b: Vector | Scalar, matching?: Matching): Vector => arithmetic('/', a, b, matching);
export const mul = (a: Vector, b: Vector | Scalar, matching?: Matching): Vector => arithmetic('*', a, b, matching);

/**
 * `v <op> threshold` (filtering comparison). Throws when the comparison can never be true for
 * the values `v` can take — notably a `histogram_quantile` compared with a threshold at or above
 * the largest finite bucket, which the quantile never exceeds.
 */
export function compare(op: ComparisonOp, v: Vector, threshold: Scalar): Vector {
  const text = `${wrap(v, PRECEDENCE[op], false)} ${op} ${formatNumber(threshold)}`;
  const never =
    (op === '>' && threshold >= v.info.max) ||
    (op === '>=' && threshold > v.info.max) ||
    (op === '<' && threshold <= v.info.min) ||
    (op === '<=' && threshold < v.info.min) ||
    (op === '==' && (threshold > v.info.max || threshold < v.info.min));
  if (never) {
    if (v.info.quantileCeiling !== undefined) {
      throw new CatalogError(
        `${text}: can never be true: histogram_quantile never exceeds the largest finite bucket (${formatNumber(v.info.quantileCeiling)}) of ${describe(v)}; use a threshold below ${formatNumber(v.info.quantileCeiling)}`,
      );
    }
    throw new CatalogError(`${text}: can never be true: ${describe(v)} here is between ${formatNumber(v.info.min)} and ${formatNumber(v.info.max)}`);
  }
  return new Vector(text, { ...v.info, selector: undefined, base: undefined, histogram: undefined }, PRECEDENCE[op]);
}

export const gt = (v: Vector, threshold: Scalar): Vector => compare('>', v, threshold);
export const lt = (v: Vector, threshold: Scalar): Vector => compare('<', v, threshold);
export const eq = (v: Vector, threshold: Scalar): Vector => compare('==', v, threshold);

function setOperation(op: 'and' | 'or' | 'unless', a: Vector, b: Vector, matching?: Matching): Vector {
  if (matching?.on) {
    for (const label of matching.on) {
      if (!a.info.labels.includes(label) || (op !== 'or' && !b.info.labels.includes(label))) {
        throw new CatalogError(`${a.text} ${op}${modifier(matching)} ${b.text}: on (${label}) names a label a side does not carry`);
      }
    }
  } else if (op === 'and' || op === 'unless') {
    checkVectorMatching(op, a, b);
  }
  const p = PRECEDENCE[op];
  const labels = op === 'or' ? a.info.labels.filter((l) => b.info.labels.includes(l)) : a.info.labels;
  // Parenthesize nested set operations of another kind for readability (`(a and b) or (c and d)`).
  const side = (v: Vector, right: boolean) => (v.precedence <= PRECEDENCE.unless && v.precedence !== p ? `(${v.text})` : wrap(v, p, right));
  return new Vector(`${side(a, false)} ${op}${modifier(matching)} ${side(b, true)}`, {
    labels,
    filters: op === 'or' ? {} : a.info.filters,
    min: op === 'or' ? Math.min(a.info.min, b.info.min) : a.info.min,
    max: op === 'or' ? Math.max(a.info.max, b.info.max) : a.info.max,
    metrics: [...new Set([...a.info.metrics, ...b.info.metrics])],
  }, p);
}

export const and = (a: Vector, b: Vector, matching?: Matching): Vector => setOperation('and', a, b, matching);
export const or = (a: Vector, b: Vector, matching?: Matching): Vector => setOperation('or', a, b, matching);

/**
 * `absent(v)`: 1 with the equality-matcher labels of a bare selector when no series matches
 * (Prometheus derives labels only from a plain selector argument).
 */
export function absent(v: Vector): Vector {
  const labels = v.info.selector ? Object.keys(v.info.selector.equalityLabels) : [];
  return new Vector(`absent(${v.text})`, { labels, filters: v.info.filters, min: 1, max: 1, metrics: v.info.metrics });
}
