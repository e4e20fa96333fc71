/**
 * The expression library: the queries the recording rules record, the alerts read and the
 * dashboard panels show, each built once. `by` names the output labels (the recording rules keep
 * `namespace`, the panels do not); `window` is the range (`5m` in rules, `$__rate_interval` in panels).
 */
import { FAILED_OUTCOMES, HistogramName } from '../catalog/catalog';
import { PromQL } from './builder';
import { div, histogramQuantile, overTime, rate, sumBy } from './operators';
import { Matchers, ne, oneOf, Vector, Window } from './vector';

/** Window of the recorded rates (the spec's queries use 5m). */
export const RATE_WINDOW = '5m';

type M = Matchers<string>;

/** `outcome=~"…"` of failed operations in the builder's profile. */
export const failedOutcomes = (q: PromQL) => oneOf(FAILED_OUTCOMES[q.profile]);

/** VM operations per second. */
export const vmOperationsRate = (q: PromQL, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  sumBy(by, rate(q.metric('virtrigaud_vm_operations_total', m), window));

/** Share of VM operations that failed (numerator and denominator summed separately). */
export const vmOperationsErrorRatio = (q: PromQL, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  div(vmOperationsRate(q, by, { ...m, outcome: failedOutcomes(q) }, window), vmOperationsRate(q, by, m, window));

/** Provider gRPC requests per second. */
export const rpcRequestsRate = (q: PromQL, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  sumBy(by, rate(q.metric('virtrigaud_provider_rpc_requests_total', m), window));

/** Share of provider gRPC requests with a status code other than OK. */
export const rpcErrorRatio = (q: PromQL, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  div(rpcRequestsRate(q, by, { ...m, code: ne('OK') }, window), rpcRequestsRate(q, by, m, window));

/** 95th percentile of a histogram (`le` kept through the sum). */
export const p95 = (q: PromQL, histogram: HistogramName, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  histogramQuantile(0.95, sumBy([...by, 'le'], rate(q.bucket(histogram, m), window)));

/** The manager's work-queue depth: `virtrigaud_queue_depth` (by kind; never set by v0.3.11). */
export const queueDepth = (q: PromQL, by: readonly string[], m: M = {}): Vector => sumBy(by, q.metric('virtrigaud_queue_depth', m));
export const queueDepthAverage = (q: PromQL, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  sumBy(by, overTime('avg', q.metric('virtrigaud_queue_depth', m), window));

/** controller-runtime's work-queue depth (by controller `name`), what v0.3.11 sets instead. */
export const workqueueDepth = (q: PromQL, by: readonly string[], m: M = {}): Vector => sumBy(by, q.metric('workqueue_depth', m));
export const workqueueDepthAverage = (q: PromQL, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  sumBy(by, overTime('avg', q.metric('workqueue_depth', m), window));

/** Inflight provider tasks. */
export const tasksInflight = (q: PromQL, by: readonly string[], m: M = {}): Vector => sumBy(by, q.metric('virtrigaud_provider_tasks_inflight', m));

/** Reconciles per second (`virtrigaud_manager_reconcile_total`). */
export const reconcileRate = (q: PromQL, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  sumBy(by, rate(q.metric('virtrigaud_manager_reconcile_total', m), window));

/** Errors per second (`virtrigaud_errors_total`). */
export const errorsRate = (q: PromQL, by: readonly string[], m: M = {}, window: Window = RATE_WINDOW): Vector =>
  sumBy(by, rate(q.metric('virtrigaud_errors_total', m), window));
