/**
 * The typed core of the PromQL builder: matchers, windows and `Vector`, an expression with what
 * the builder knows about its series (labels, filters, value bounds, histogram facts).
 */
import { CatalogError } from '../catalog/catalog';

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
export const PRECEDENCE: Readonly<Record<string, number>> = {
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

export function quote(value: string): string {
  return JSON.stringify(value);
}

export function checkWindow(window: Window, where: string): void {
  if (!DURATION.test(window) && !(window in GRAFANA_WINDOW_MACROS)) {
    throw new CatalogError(`${where}: invalid range ${JSON.stringify(window)} (a Prometheus duration such as 5m, or $__rate_interval)`);
  }
}

export function describe(v: Vector): string {
  return v.info.metrics.length > 0 ? v.info.metrics.join(', ') : v.text;
}

export function labelList(labels: readonly string[]): string {
  return labels.length > 0 ? labels.join(', ') : '(none)';
}

