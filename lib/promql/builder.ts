/**
 * The selectors of the builder, checked against the metrics catalog of a profile: metrics,
 * labels and closed label values, `up`, and the recording rules registered so far.
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
import { labelList, Matcher, Matchers, quote, Vector, VectorInfo } from './vector';

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
