/**
 * The VM-creation SLO's error ratios: recorded per window by (namespace, operation), so the same
 * rules serve every operation; the burn-rate alerts (lib/alerts/slo-burn.ts) select `operation="Create"`.
 */
import { PromQL } from './builder';
import { vmOperationsErrorRatio } from './queries';
import { Vector } from './vector';

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
  build: (q: PromQL) => vmOperationsErrorRatio(q, ['namespace', 'operation'], {}, window),
}));
