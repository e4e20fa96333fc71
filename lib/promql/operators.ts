/**
 * PromQL functions and operators over `Vector`s. Each refuses what would silently return nothing
 * or never change: `rate()` of a gauge, `by` on a missing label, `histogram_quantile` without
 * `le`, vector matching whose sides carry different labels or filters, comparisons that can never
 * be true (a quantile above the histogram's largest finite bucket).
 */
import { CatalogError, suggest } from '../catalog/catalog';
import { checkWindow, describe, formatNumber, labelList, PRECEDENCE, Scalar, Vector, VectorInfo, Window } from './vector';

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
