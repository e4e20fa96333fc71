/**
 * What an alert definition holds (one module per alert, as the monitoring mixins do): its facts
 * and defaults, its wording and runbook per profile, its expression (typed PromQL builder) and its
 * promtool cases (hand-written input series and the alerts expected from them).
 */
import type { Profile } from '../catalog/catalog';
import type { PromQL, Vector } from '../promql';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Values an alert's description is rendered with. */
export interface DescriptionParams {
  /** `for` as words (`5 minutes`). */
  readonly forText: string;
  readonly threshold?: number;
  /** SLO objective (0.99). */
  readonly objective?: number;
}

export interface ThresholdSpec {
  readonly default: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  /** Inclusive lower bound. */
  readonly atLeast?: number;
  /** Exclusive upper bound (a threshold at or above it could never be reached). */
  readonly below?: number;
  readonly unit: string;
  readonly meaning: string;
}

export interface RunbookText {
  readonly meaning: string;
  readonly impact: string;
  /** Steps; the queries they quote built with the profile's builder `q` (as the panels showing the same are). */
  readonly diagnosis: (q: PromQL) => readonly string[];
  readonly mitigation: readonly string[];
}

/** What an alert says and means under one profile, where that differs from the spec's version. */
export interface AlertVariant {
  readonly summary?: string;
  readonly description?: (params: DescriptionParams) => string;
  readonly runbook?: RunbookText;
}

/** What an expression needs to know about the release. */
export interface AlertContext {
  readonly q: PromQL;
  readonly namespace: string;
  readonly managerJob: string;
  readonly providerJob: string;
  /**
   * Provider Services the release renders: each is checked for absence. `undefined`: unknown,
   * so the down alert fires when the provider job has no target at all; empty: no absence check.
   */
  readonly providerServices: readonly string[] | undefined;
  /** Whether this release's ServiceMonitors scrape the manager and the providers (absence is only an error then). */
  readonly scraped: { readonly manager: boolean; readonly providers: boolean };
  /** Alerts read recorded series (recording rules rendered). */
  readonly useRecorded: boolean;
  readonly objective: number;
}

// ---------------------------------------------------------------------------------------------
// promtool cases
// ---------------------------------------------------------------------------------------------

export type Labels = Readonly<Record<string, string>>;

export interface InputSeries {
  readonly metric: string;
  readonly labels: Labels;
  /** promtool expanding notation: `0+10x30`, `1x5 stale`, `_x3 1x10`. */
  readonly values: string;
}

/** A firing alert as promtool must see it: its labels (without `severity`) and rendered description. */
export interface ExpectedAlert {
  readonly labels: Labels;
  readonly description: string;
}

export interface AlertCheck {
  /** Evaluation time (`15m`). */
  readonly at: string;
  /** The alert checked; default: the alert the case belongs to. */
  readonly alert?: string;
  /** Every alert firing then; empty: silent. */
  readonly firing: readonly ExpectedAlert[];
}

/**
 * Rule files a case holds for (the test release `virtrigaud` in `virtrigaud-system`, default
 * values): `recorded` (recording rules on; providers unknown, or with profile v0.3.11 provider
 * `esx`), `inline` (the same with recording rules off), `providers` (providers `esx` and `kvm`
 * known), `no-providers` (a release without providers).
 */
export type RuleSetup = 'recorded' | 'inline' | 'providers' | 'no-providers';

export interface PromtoolCase {
  readonly name: string;
  /** @default ['recorded', 'inline'] */
  readonly setups?: readonly RuleSetup[];
  readonly series: readonly InputSeries[];
  readonly checks: readonly AlertCheck[];
}

/** The cases of one alert under one profile, with the annotations and severity every firing alert carries. */
export interface PromtoolTests {
  readonly severity: Severity;
  readonly summary: string;
  readonly cases: readonly PromtoolCase[];
}

// ---------------------------------------------------------------------------------------------

export interface AlertDefinition<N extends string = string> {
  readonly name: N;
  /**
   * Profiles the alert exists in, and for the others why it does not (the docs print the reason).
   * Missing: every profile.
   */
  readonly absentFrom?: Partial<Readonly<Record<Profile, string>>>;
  /** Per-profile wording (e.g. which signal the alert reads in v0.3.11). */
  readonly variants?: Partial<Readonly<Record<Profile, AlertVariant>>>;
  /** `spec`: one of the spec's four alerts; `slo`: the VM-creation SLO pair; `extra`: added by the toolkit. */
  readonly origin: 'spec' | 'slo' | 'extra';
  readonly severity: Severity;
  readonly for: string;
  readonly threshold?: ThresholdSpec;
  /** Static sentence ending in a period. */
  readonly summary: string;
  /** Prometheus template (`{{ $labels.x }}`, `{{ $value }}`). */
  description(params: DescriptionParams): string;
  readonly runbook: RunbookText;
  /** The expression (`threshold`: the value's or the default, when the alert has one). */
  expression(c: AlertContext, threshold: number | undefined): Vector;
  /** promtool cases for each profile the alert exists in. */
  readonly tests: Partial<Readonly<Record<Profile, PromtoolTests>>>;
}

/** An alert definition, its name kept as a literal type. */
export const defineAlert = <N extends string>(definition: AlertDefinition<N>): AlertDefinition<N> => definition;

/** Whether `alert` exists in `profile`. */
export function alertInProfile(alert: Pick<AlertDefinition, 'absentFrom'>, profile: Profile): boolean {
  return alert.absentFrom?.[profile] === undefined;
}

/** The alert's summary, description and runbook under `profile`. */
export function alertText(alert: AlertDefinition, profile: Profile): Required<AlertVariant> {
  const v = alert.variants?.[profile] ?? {};
  return { summary: v.summary ?? alert.summary, description: v.description ?? alert.description, runbook: v.runbook ?? alert.runbook };
}

/** An expression or a name as Markdown code. */
export const code = (v: Vector | string): string => `\`${v}\``;

export const requireThreshold = (name: string, t: number | undefined): number => {
  if (t === undefined) throw new Error(`${name} needs a threshold`);
  return t;
};

/** `0.1` → `10%`. */
export const percent = (x: number) => `${Number((x * 100).toPrecision(6))}%`;

/** `5m` → `5 minutes`, `1h30m` → `1 hour 30 minutes`, `0s` → `0 seconds`. */
export function humanizeDuration(duration: string): string {
  const units: Record<string, string> = { y: 'year', w: 'week', d: 'day', h: 'hour', m: 'minute', s: 'second', ms: 'millisecond' };
  const parts = [...duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)].map(([, n, u]) => `${Number(n)} ${units[u]}${Number(n) === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(' ') : duration;
}
