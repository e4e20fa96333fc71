/**
 * The VM-creation SLO pair: multiwindow, multi-burn-rate alerts (Google SRE workbook). Page when the
 * error ratio exceeds 14.4x the budget over 1h and 5m, or 6x over 6h and 30m; ticket at 3x over
 * 1d and 2h, or 1x over 3d and 6h. They read the SLO error ratios recorded per window
 * (lib/promql/slo.ts) with `operation="Create"`.
 */
import { and, gt, increase, or, PromQL, sumBy, Vector } from '../promql';
import { errorsRate } from '../promql/queries';
import { recordingRule } from '../promql/recording-rules';
import { sloRecordName } from '../promql/slo';
import { esx, NS, opsSeries } from './fixtures';
import { code, defineAlert, percent, PromtoolCase } from './types';

export const SLO_OPERATION = 'Create';

/** Burn-rate windows of the SLO alerts (Google SRE workbook, "multiwindow, multi-burn-rate alerts"). */
export const SLO_BURN_WINDOWS = {
  VirtrigaudVMCreationErrorBudgetFastBurn: [
    { long: '1h', short: '5m', factor: 14.4 },
    { long: '6h', short: '30m', factor: 6 },
  ],
  VirtrigaudVMCreationErrorBudgetSlowBurn: [
    { long: '1d', short: '2h', factor: 3 },
    { long: '3d', short: '6h', factor: 1 },
  ],
} as const;

/** Highest burn factor: an objective must leave `factor × (1 − objective) < 1` or the alert could never fire. */
export const MAX_BURN_FACTOR = 14.4;

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

// promtool cases: `failed` is the outcome of a failed operation (`failure` in the spec, `error` in v0.3.11).
const creations = (failed: string, successPerMin: number, failurePerMin: number) => [
  opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, `0+${successPerMin}x90`),
  opsSeries({ ...esx, operation: 'Create', outcome: failed }, `0+${failurePerMin}x90`),
  // Deletions fail a lot but are not VM creations: they must not count.
  opsSeries({ ...esx, operation: 'Delete', outcome: failed }, '0+50x90'),
];
const labels = (alertname: string) => ({ alertname, namespace: NS, operation: 'Create' });
const fastBurning = (ratio: string) => ({
  labels: labels('VirtrigaudVMCreationErrorBudgetFastBurn'),
  description: `VM creations in namespace ${NS} are failing at ${ratio} over the long window, at least 6 times the error budget of the 99% success objective (14.4x over 1h and 5m, or 6x over 6h and 30m).`,
});
const slowBurning = (ratio: string) => ({
  labels: labels('VirtrigaudVMCreationErrorBudgetSlowBurn'),
  description: `VM creations in namespace ${NS} are failing at ${ratio} over the long window, at least the error budget of the 99% success objective (3x over 1d and 2h, or 1x over 3d and 6h).`,
});

const fastCases = (failed: string): PromtoolCase[] => [
  {
    name: `SLO fast burn (${failed}): 20% of creations fail (20x the budget): fires after for (2m), not before`,
    series: creations(failed, 80, 20),
    checks: [
      { at: '2m', firing: [] },
      { at: '3m', firing: [fastBurning('20%')] },
    ],
  },
  {
    name: `SLO fast burn (${failed}): silent at 5% (5x the budget)`,
    series: creations(failed, 95, 5),
    checks: [
      { at: '30m', firing: [] },
      { at: '90m', firing: [] },
    ],
  },
  { name: `SLO fast burn (${failed}): silent at 0.5% (within the budget)`, series: creations(failed, 199, 1), checks: [{ at: '90m', firing: [] }] },
];

const slowCases = (failed: string): PromtoolCase[] => [
  {
    name: `SLO slow burn (${failed}): 20% of creations fail: fires after for (1h), not before`,
    series: creations(failed, 80, 20),
    checks: [
      { at: '60m', firing: [] },
      { at: '61m', firing: [slowBurning('20%')] },
    ],
  },
  { name: `SLO slow burn (${failed}): 5% of creations fail (5x the budget): fires`, series: creations(failed, 95, 5), checks: [{ at: '61m', firing: [slowBurning('5%')] }] },
  { name: `SLO slow burn (${failed}): silent at 0.5% (within the budget)`, series: creations(failed, 199, 1), checks: [{ at: '90m', firing: [] }] },
];

export const fastBurn = defineAlert({
  name: 'VirtrigaudVMCreationErrorBudgetFastBurn',
  origin: 'slo',
  severity: 'critical',
  for: '2m',
  summary: 'VM creation is burning its error budget fast.',
  description: ({ objective }) =>
    `VM creations in namespace {{ $labels.namespace }} are failing at {{ $value | humanizePercentage }} over the long window, at least 6 times the error budget of the ${percent(objective ?? 0)} success objective (14.4x over 1h and 5m, or 6x over 6h and 30m).`,
  runbook: {
    meaning:
      'The VM-creation success SLO is being violated fast: the error ratio of `virtrigaud_vm_operations_total{operation="Create"}` is above 14.4 times the error budget over both 1 hour and 5 minutes, or above 6 times over both 6 hours and 30 minutes. At 14.4x, 2% of a 30-day budget is spent in one hour.',
    impact: 'A large share of VM creations fails now; at this rate the monthly error budget is exhausted within about two days.',
    diagnosis: (q) => [
      `Error ratio per provider: ${code(recordingRule('namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m').name)}.`,
      `Failure reasons: ${code(errorsRate(q, ['component', 'reason']))}.`,
      'Check VirtrigaudProviderDown and VirtrigaudHighErrorRate, which usually fire alongside.',
    ],
    mitigation: [
      'Fix the failing provider or hypervisor (see VirtrigaudHighErrorRate).',
      'Pause bulk VM creation (VMSets) until creations succeed again.',
    ],
  },
  expression: (c) => burnRateExpression(c.q, 'VirtrigaudVMCreationErrorBudgetFastBurn', c.objective),
  tests: {
    documented: { severity: 'critical', summary: 'VM creation is burning its error budget fast.', cases: fastCases('failure') },
    'v0.3.11': { severity: 'critical', summary: 'VM creation is burning its error budget fast.', cases: fastCases('error') },
  },
});

export const slowBurn = defineAlert({
  name: 'VirtrigaudVMCreationErrorBudgetSlowBurn',
  origin: 'slo',
  severity: 'warning',
  for: '1h',
  summary: 'VM creation is burning its error budget.',
  description: ({ objective }) =>
    `VM creations in namespace {{ $labels.namespace }} are failing at {{ $value | humanizePercentage }} over the long window, at least the error budget of the ${percent(objective ?? 0)} success objective (3x over 1d and 2h, or 1x over 3d and 6h).`,
  runbook: {
    meaning:
      'The VM-creation success SLO is being violated slowly: the error ratio of `virtrigaud_vm_operations_total{operation="Create"}` is above 3 times the error budget over both 1 day and 2 hours, or above the budget over both 3 days and 6 hours.',
    impact: 'If it continues, the error budget of the SLO period is spent before the period ends.',
    diagnosis: (q) => [
      'Long-window error ratio: `namespace_operation:virtrigaud_vm_operations:error_ratio_rate1d{operation="Create"}`.',
      `Which providers and reasons contribute: ${code(sumBy(['provider', 'outcome'], increase(q.metric('virtrigaud_vm_operations_total', { operation: 'Create' }), '1d')))}.`,
    ],
    mitigation: [
      'Open a ticket: fix the recurring failure cause (flaky hypervisor, capacity, bad templates) during working hours.',
      'If the objective is unrealistic for the environment, change `monitoring.rules.slo.vmCreation.objective`.',
    ],
  },
  expression: (c) => burnRateExpression(c.q, 'VirtrigaudVMCreationErrorBudgetSlowBurn', c.objective),
  tests: {
    documented: { severity: 'warning', summary: 'VM creation is burning its error budget.', cases: slowCases('failure') },
    'v0.3.11': { severity: 'warning', summary: 'VM creation is burning its error budget.', cases: slowCases('error') },
  },
});
