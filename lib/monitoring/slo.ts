/**
 * SLO: VM creations succeed. Multiwindow, multi-burn-rate alerts (Google SRE workbook):
 * page when the error ratio exceeds 14.4x the budget over 1h and 5m, or 6x over 6h and 30m;
 * ticket at 3x over 1d and 2h, or 1x over 3d and 6h.
 *
 * The error ratio is recorded per window by (namespace, operation), so the same rules serve
 * every operation; the alerts select `operation="Create"`.
 */
import { SLO_BURN_WINDOWS } from '../catalog/alert-catalog';
import { opsErrorRatio } from './recording-rules';
import { and, gt, or, PromQL, Vector } from './promql';

export const SLO_OPERATION = 'Create';

/** Every window a burn-rate alert reads, shortest first. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

export const sloRecordName = (window: string) => `namespace_operation:virtrigaud_vm_operations:error_ratio_rate${window}`;

export interface SloRecordingRule {
  readonly name: string;
  readonly window: string;
  readonly help: string;
  build(q: PromQL): Vector;
}

export const SLO_RECORDING_RULES: readonly SloRecordingRule[] = SLO_WINDOWS.map((window) => ({
  name: sloRecordName(window),
  window,
  help: `Share of VM operations that failed over ${window}, by operation (SLO error ratio).`,
  build: (q: PromQL) => opsErrorRatio(q, ['namespace', 'operation'], {}, window),
}));

export type SloAlertName = keyof typeof SLO_BURN_WINDOWS;

/**
 * `(ratio_long > f·budget and ratio_short > f·budget) or (…)` for each window pair of the alert.
 * Requires the SLO recording rules registered in `q`.
 */
export function burnRateExpression(q: PromQL, alert: SloAlertName, objective: number): Vector {
  const budget = 1 - objective;
  const pairs = SLO_BURN_WINDOWS[alert].map(({ long, short, factor }) => {
    const threshold = factor * budget;
    const ratio = (window: string) => q.recorded(sloRecordName(window), { operation: SLO_OPERATION });
    return and(gt(ratio(long), threshold), gt(ratio(short), threshold));
  });
  return pairs.reduce((acc, pair) => or(acc, pair));
}
