/**
 * Every alert, one module each (facts, wording per profile, runbook, expression, promtool cases).
 * The values schema reads their defaults, lib/monitoring renders them, the docs print them and
 * test/monitoring/promtool.test.ts runs their cases.
 */
import { highErrorRate } from './high-error-rate';
import { managerDown } from './manager-down';
import { providerDown } from './provider-down';
import { queueBacklog } from './queue-backlog';
import { fastBurn, slowBurn } from './slo-burn';
import { slowVMCreation } from './slow-vm-creation';
import type { AlertDefinition } from './types';

/** Every alert of the rule set, in the order they are rendered. */
const DEFINITIONS = [providerDown, managerDown, highErrorRate, slowVMCreation, queueBacklog, fastBurn, slowBurn] as const;

export type AlertName = (typeof DEFINITIONS)[number]['name'];
export const ALERT_NAMES: readonly AlertName[] = DEFINITIONS.map((d) => d.name);
export const ALERTS = Object.fromEntries(DEFINITIONS.map((d) => [d.name, d])) as Readonly<Record<AlertName, AlertDefinition<AlertName>>>;

/** An alert definition (the name the library exported before). */
export type AlertSpec = AlertDefinition<AlertName>;

export * from './types';
export { CIRCUIT_BREAKER_HALF_OPEN, CIRCUIT_BREAKER_WINDOW } from './provider-down';
export { MAX_BURN_FACTOR, SLO_BURN_WINDOWS, SLO_OPERATION, burnRateExpression } from './slo-burn';
export type { SloAlertName } from './slo-burn';
