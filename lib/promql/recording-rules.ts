/**
 * Recording rules (`level:metric:operations`) for the spec's example queries, corrected.
 *
 * Every rule keeps the `namespace` label (the release's namespace): recorded series are global
 * in Prometheus, and two releases in two namespaces must never record the same series.
 * Ratios sum numerator and denominator separately before dividing.
 */
import { Profile } from '../catalog/catalog';
import { PromQL } from './builder';
import {
  errorsRate,
  p95,
  queueDepth,
  queueDepthAverage,
  rpcErrorRatio,
  rpcRequestsRate,
  tasksInflight,
  vmOperationsErrorRatio,
  vmOperationsRate,
  workqueueDepth,
  workqueueDepthAverage,
} from './queries';
import { Matchers, Vector } from './vector';

export { RATE_WINDOW } from './queries';

export interface RecordingRuleSpec {
  readonly name: string;
  /** What the series means, for the metrics reference. */
  readonly help: string;
  /** Which example query of the spec it answers, if any. */
  readonly specQuery?: string;
  /** Profiles whose catalog has what it reads. Missing: every profile. */
  readonly profiles?: readonly Profile[];
  /**
   * The expression; `matchers` (on labels the output keeps) are pushed down to the raw selectors,
   * so an alert can inline `build(q, { operation: 'Create' })` when recording rules are off.
   */
  build(q: PromQL, matchers?: Matchers<string>): Vector;
}

export const RECORDING_RULES: readonly RecordingRuleSpec[] = [
  {
    name: 'namespace:virtrigaud_vm_operations:rate5m',
    help: 'VM operations per second.',
    specQuery: 'Throughput: VM operations per second',
    build: (q, m = {}) => vmOperationsRate(q, ['namespace'], m),
  },
  {
    name: 'namespace_operation:virtrigaud_vm_operations:rate5m',
    help: 'VM operations per second by operation.',
    build: (q, m = {}) => vmOperationsRate(q, ['namespace', 'operation'], m),
  },
  {
    name: 'namespace_provider:virtrigaud_vm_operations:rate5m',
    help: 'VM operations per second by provider (labels provider_type, provider).',
    specQuery: 'Throughput: operations by provider',
    build: (q, m = {}) => vmOperationsRate(q, ['namespace', 'provider_type', 'provider'], m),
  },
  {
    name: 'namespace:virtrigaud_vm_operations:error_ratio_rate5m',
    help: 'Share of VM operations that failed (outcome failure or error; v0.3.11: error).',
    specQuery: 'Error rate: overall error rate',
    build: (q, m = {}) => vmOperationsErrorRatio(q, ['namespace'], m),
  },
  {
    name: 'namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m',
    help: 'Share of VM operations that failed, by provider.',
    build: (q, m = {}) => vmOperationsErrorRatio(q, ['namespace', 'provider_type', 'provider'], m),
  },
  {
    name: 'namespace_provider_type:virtrigaud_provider_rpc_requests:error_ratio_rate5m',
    help: 'Share of provider gRPC requests with a status code other than OK, by provider type.',
    specQuery: 'Error rate: provider-specific error rate',
    build: (q, m = {}) => rpcErrorRatio(q, ['namespace', 'provider_type'], m),
  },
  {
    name: 'namespace_provider_type_method:virtrigaud_provider_rpc_requests:rate5m',
    help: 'Provider gRPC requests per second by provider type and method.',
    build: (q, m = {}) => rpcRequestsRate(q, ['namespace', 'provider_type', 'method'], m),
  },
  {
    name: 'namespace_operation:virtrigaud_vm_operations_duration_seconds:p95_rate5m',
    profiles: ['documented'],
    help: '95th percentile of VM operation duration by operation (seconds).',
    specQuery: 'Latency: 95th percentile VM creation time',
    build: (q, m = {}) => p95(q, 'virtrigaud_vm_operations_duration_seconds', ['namespace', 'operation'], m),
  },
  {
    name: 'namespace_provider_operation:virtrigaud_vm_operations_duration_seconds:p95_rate5m',
    profiles: ['documented'],
    help: '95th percentile of VM operation duration by provider and operation (seconds).',
    build: (q, m = {}) => p95(q, 'virtrigaud_vm_operations_duration_seconds', ['namespace', 'provider_type', 'provider', 'operation'], m),
  },
  {
    name: 'namespace_provider_type_method:virtrigaud_provider_rpc_latency_seconds:p95_rate5m',
    help: '95th percentile of provider gRPC latency by provider type and method (seconds).',
    specQuery: 'Latency: gRPC request latency by method',
    build: (q, m = {}) => p95(q, 'virtrigaud_provider_rpc_latency_seconds', ['namespace', 'provider_type', 'method'], m),
  },
  {
    name: 'namespace_kind:virtrigaud_queue_depth:sum',
    profiles: ['documented'],
    help: 'Current work-queue depth by resource kind.',
    specQuery: 'Queue depth: current queue depth',
    build: (q, m = {}) => queueDepth(q, ['namespace', 'kind'], m),
  },
  {
    name: 'namespace_kind:virtrigaud_queue_depth:avg_over_time5m',
    profiles: ['documented'],
    help: 'Work-queue depth by resource kind, averaged over 5 minutes.',
    specQuery: 'Queue depth: average queue depth over time',
    build: (q, m = {}) => queueDepthAverage(q, ['namespace', 'kind'], m),
  },
  {
    name: 'namespace_name:workqueue_depth:sum',
    profiles: ['v0.3.11'],
    help: 'Current work-queue depth by controller (controller-runtime; v0.3.11 never sets virtrigaud_queue_depth).',
    specQuery: 'Queue depth: current queue depth',
    build: (q, m = {}) => workqueueDepth(q, ['namespace', 'name'], m),
  },
  {
    name: 'namespace_name:workqueue_depth:avg_over_time5m',
    profiles: ['v0.3.11'],
    help: 'Work-queue depth by controller, averaged over 5 minutes.',
    specQuery: 'Queue depth: average queue depth over time',
    build: (q, m = {}) => workqueueDepthAverage(q, ['namespace', 'name'], m),
  },
  {
    name: 'namespace_provider:virtrigaud_provider_tasks_inflight:sum',
    help: 'Inflight provider tasks by provider.',
    specQuery: 'Inflight tasks: inflight tasks by provider',
    build: (q, m = {}) => tasksInflight(q, ['namespace', 'provider_type', 'provider'], m),
  },
  {
    name: 'namespace_component_reason:virtrigaud_errors:rate5m',
    help: 'Errors per second by component and reason.',
    specQuery: 'Dashboard: error rate (the spec groups by provider_type, which virtrigaud_errors_total does not carry)',
    build: (q, m = {}) => errorsRate(q, ['namespace', 'component', 'reason'], m),
  },
];

const byName = new Map(RECORDING_RULES.map((r) => [r.name, r]));

/** Whether a recording rule exists in `profile`. */
export const ruleInProfile = (rule: { readonly profiles?: readonly Profile[] }, profile: Profile): boolean => rule.profiles === undefined || rule.profiles.includes(profile);

export function recordingRule(name: string): RecordingRuleSpec {
  const rule = byName.get(name);
  if (!rule) throw new Error(`no recording rule ${name}`);
  return rule;
}

/**
 * The series of recording rule `name` with `matchers`: the recorded series when recording
 * rules are rendered (`q` must have them registered), the rule's expression inline otherwise.
 */
export function recordedOrInline(q: PromQL, name: string, matchers: Matchers<string>, useRecorded: boolean): Vector {
  return useRecorded ? q.recorded(name, matchers) : recordingRule(name).build(q, matchers);
}

