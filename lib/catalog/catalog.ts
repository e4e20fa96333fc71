/**
 * The VirtRigaud metrics catalog, one per profile (`lib/profile.ts`):
 * - `documented`: every metric the product spec names (its tables and the metrics its own queries
 *   use but its tables omit);
 * - `v0.3.11`: what VirtRigaud v0.3.11 registers (`internal/obs/metrics/metrics.go`, vendored under
 *   `vendor/virtrigaud-v0.3.11/` and compared with this list by a test) plus the controller-runtime
 *   family the rules use, with the label values and buckets that release emits.
 * Each metric has type, labels, known label values, buckets, help text and the component serving it.
 *
 * Alert, recording-rule and dashboard expressions are built from this data through the typed
 * PromQL builder (`promql.ts`), which rejects metrics, labels and label values the profile lacks.
 */
import { DEFAULT_PROFILE, Profile, PROFILES } from '../profile';
import { editDistance } from '../suggest';

export { DEFAULT_PROFILE, PROFILES };
export type { Profile };

/** Components that serve `/metrics`. */
export type ServingComponent = 'manager' | 'provider';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Duration histogram buckets of the spec, in seconds (`+Inf` is implicit). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

/** Prometheus' `ExponentialBuckets(start, factor, count)`. */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Number((start * factor ** i).toPrecision(12)));
}

/** v0.3.11 reconcile and RPC latency buckets: `ExponentialBuckets(0.001, 2, 15)`, top 16.384 s. */
export const V0311_DURATION_BUCKETS: readonly number[] = exponentialBuckets(0.001, 2, 15);
/** v0.3.11 IP discovery buckets: `ExponentialBuckets(0.1, 2, 10)`, top 51.2 s. */
export const V0311_IP_DISCOVERY_BUCKETS: readonly number[] = exponentialBuckets(0.1, 2, 10);

/** A label of the catalog: one definition shared by every metric that carries it. */
export interface LabelDefinition {
  readonly name: string;
  readonly description: string;
  /** Values the spec names. */
  readonly values: readonly string[];
  /**
   * `true` when `values` is the complete set: a matcher on another value is an error
   * (it would silently select nothing). `false` when the spec gives examples only.
   */
  readonly closed: boolean;
}

/** gRPC status codes (the complete set, as `code` of `virtrigaud_provider_rpc_requests_total`). */
export const GRPC_CODES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

/** gRPC status codes as v0.3.11 writes them (Go's `codes.Code.String()`). */
export const GO_GRPC_CODES = [
  'OK', 'Canceled', 'Unknown', 'InvalidArgument', 'DeadlineExceeded', 'NotFound', 'AlreadyExists',
  'PermissionDenied', 'ResourceExhausted', 'FailedPrecondition', 'Aborted', 'OutOfRange',
  'Unimplemented', 'Internal', 'Unavailable', 'DataLoss', 'Unauthenticated',
] as const;

/** Outcomes that count as failed operations, per profile. */
export const FAILED_OUTCOMES: Readonly<Record<Profile, readonly string[]>> = {
  documented: ['failure', 'error'],
  'v0.3.11': ['error'],
};

const labelList = [
  { name: 'provider_type', description: 'The type of provider.', values: ['vsphere', 'libvirt', 'proxmox'], closed: true },
  { name: 'provider', description: 'The name of the provider instance.', values: [], closed: false },
  { name: 'outcome', description: 'The result of an operation.', values: ['success', 'failure', 'error'], closed: true },
  { name: 'kind', description: 'The Kubernetes resource kind.', values: ['VirtualMachine', 'VMClass', 'VMImage', 'VMSnapshot', 'VMClone', 'VMSet', 'VMMigration', 'VMNetworkAttachment', 'VMPlacementPolicy', 'Provider'], closed: false },
  { name: 'component', description: 'The component generating the metric.', values: ['manager', 'provider'], closed: true },
  { name: 'operation', description: 'Type of VM operation.', values: ['Create', 'Delete', 'Power', 'Describe', 'Reconfigure'], closed: true },
  { name: 'method', description: 'gRPC (or vSphere API) method name.', values: ['CreateVM', 'DeleteVM', 'PowerVM', 'DescribeVM', 'ReconfigureVM'], closed: false },
  { name: 'code', description: 'gRPC status code.', values: [...GRPC_CODES], closed: true },
  { name: 'action', description: 'Snapshot action.', values: ['create', 'delete', 'revert'], closed: true },
  { name: 'linked', description: 'Whether a clone is linked.', values: ['true', 'false'], closed: true },
  { name: 'reason', description: 'Error reason.', values: ['ConnectionFailed', 'AuthenticationError'], closed: false },
  { name: 'version', description: 'VirtRigaud version of the binary.', values: [], closed: false },
  { name: 'git_sha', description: 'Git commit the binary was built from.', values: [], closed: false },
  { name: 'go_version', description: 'Go version the binary was built with.', values: [], closed: false },
  { name: 'datacenter', description: 'vSphere datacenter.', values: [], closed: false },
  { name: 'host', description: 'libvirt host.', values: [], closed: false },
  { name: 'state', description: 'libvirt domain state.', values: ['running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'], closed: false },
] as const satisfies readonly LabelDefinition[];

/** Labels of v0.3.11 as it emits them (`internal/obs/metrics`, the controllers, the gRPC client). */
const v0311LabelList = [
  { name: 'provider_type', description: 'The Provider\'s `spec.type`.', values: ['vsphere', 'libvirt', 'proxmox'], closed: true },
  { name: 'provider', description: 'The name of the Provider object.', values: [], closed: false },
  { name: 'outcome', description: 'The result: reconciles `success`, `error` or `requeue`; VM operations `success` or `error` (of the synchronous RPC).', values: ['success', 'error', 'requeue'], closed: true },
  { name: 'kind', description: 'The reconciled kind.', values: ['VirtualMachine', 'Provider', 'VMClass', 'VMImage', 'VMNetworkAttachment', 'VMSet', 'VMSnapshot', 'VMClone', 'VMMigration', 'VMAdoption'], closed: false },
  { name: 'component', description: 'The component recording the metric (`manager` in every v0.3.11 call).', values: ['manager', 'provider'], closed: true },
  { name: 'operation', description: 'VM operation.', values: ['Create', 'Delete', 'Power', 'Describe', 'Reconfigure'], closed: true },
  {
    name: 'method',
    description: 'Short name of the provider gRPC method the manager called.',
    values: ['Validate', 'Create', 'Delete', 'Power', 'Reconfigure', 'HardwareUpgrade', 'Describe', 'TaskStatus', 'SnapshotCreate', 'SnapshotDelete', 'SnapshotRevert', 'Clone', 'ImagePrepare', 'GetCapabilities', 'ExportDisk', 'ImportDisk', 'GetDiskInfo', 'ListVMs'],
    closed: true,
  },
  { name: 'code', description: 'gRPC status code (Go\'s `codes.Code.String()`); a fast-failing circuit breaker counts as `Unavailable`.', values: [...GO_GRPC_CODES], closed: true },
  {
    name: 'reason',
    description: 'Error reason (kebab-case).',
    values: ['get-vm', 'add-finalizer', 'remove-finalizer', 'deps-not-found', 'deps-error', 'provider-resolve', 'provider-validate', 'image-prepare', 'provider-task-status', 'provider-describe', 'provider-delete', 'get-provider', 'runtime-spec-invalid', 'tls-not-configured', 'service-reconcile-failed', 'deployment-reconcile-failed', 'cleanup-failed'],
    closed: false,
  },
  { name: 'version', description: 'VirtRigaud version of the binary.', values: [], closed: false },
  { name: 'git_sha', description: 'Git commit the binary was built from.', values: [], closed: false },
  { name: 'go_version', description: 'Go version the binary was built with.', values: [], closed: false },
  { name: 'name', description: 'controller-runtime controller name (`virtualmachine`, `provider`, `vmclass`, … lower-case kinds).', values: ['virtualmachine', 'provider', 'vmclass', 'vmimage', 'vmnetworkattachment', 'vmadoption', 'vmsnapshot', 'vmmigration'], closed: false },
] as const satisfies readonly LabelDefinition[];

export type LabelName = (typeof labelList)[number]['name'] | (typeof v0311LabelList)[number]['name'];

const byLabelName = (list: readonly LabelDefinition[]) => Object.fromEntries(list.map((l) => [l.name, l])) as Readonly<Record<string, LabelDefinition>>;

/** Every metric label of each profile, by name. */
export const PROFILE_LABELS: Readonly<Record<Profile, Readonly<Record<string, LabelDefinition>>>> = {
  documented: byLabelName(labelList),
  'v0.3.11': byLabelName(v0311LabelList),
};

/** Every label name of any profile. */
export const ALL_LABEL_NAMES: readonly string[] = [...new Set([...labelList, ...v0311LabelList].map((l) => l.name))];

/**
 * Labels every scraped series carries besides its own: Prometheus adds `job` and `instance`,
 * the Prometheus Operator adds `namespace`, `service`, `pod`, `container` and `endpoint` (the port name).
 */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint'] as const;
export type TargetLabel = (typeof TARGET_LABELS)[number];

/** Where a metric is listed in the spec (or, for v0.3.11 only, what it is about). */
export type MetricGroup = 'manager' | 'operation' | 'build' | 'provider' | 'provider-specific' | 'error' | 'vsphere' | 'libvirt' | 'resilience' | 'controller-runtime';

export const METRIC_GROUP_TITLES: Readonly<Record<MetricGroup, string>> = {
  manager: 'Manager: reconciliation',
  operation: 'VM operations',
  build: 'Build information',
  provider: 'Provider: gRPC',
  'provider-specific': 'Provider-specific',
  error: 'Errors',
  vsphere: 'Custom: vSphere provider',
  libvirt: 'Custom: libvirt provider',
  resilience: 'Circuit breakers (one per Provider object)',
  'controller-runtime': 'controller-runtime (served by the manager)',
};

export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly LabelName[];
  /** Finite histogram buckets (seconds); histograms only. */
  readonly buckets?: readonly number[];
  /** Components that serve the metric on `/metrics` (as the spec describes the product). */
  readonly servedBy: readonly ServingComponent[];
  /** Provider types whose providers serve it (custom metrics only). */
  readonly providerTypes?: readonly string[];
  readonly group: MetricGroup;
  /**
   * `table`: listed in the spec's tables; `queries`: used by the spec's queries and alert but missing
   * from its tables; `registered`: registered by VirtRigaud's code; `controller-runtime`: served by
   * the manager's controller-runtime.
   */
  readonly source: 'table' | 'queries' | 'registered' | 'controller-runtime';
  /** Registered but never set: no series ever appears, so expressions may not read it. */
  readonly neverSet?: string;
  /** Known problems kept for compatibility with the documented name. */
  readonly notes?: readonly string[];
}

const metricList = [
  {
    name: 'virtrigaud_manager_reconcile_total', type: 'counter', help: 'Total number of reconcile loops.',
    labels: ['kind', 'outcome'], servedBy: ['manager'], group: 'manager', source: 'table',
  },
  {
    name: 'virtrigaud_manager_reconcile_duration_seconds', type: 'histogram', help: 'Time spent in reconcile loops.',
    labels: ['kind'], buckets: DURATION_BUCKETS, servedBy: ['manager'], group: 'manager', source: 'table',
  },
  {
    name: 'virtrigaud_queue_depth', type: 'gauge', help: 'Current queue depth for each resource kind.',
    labels: ['kind'], servedBy: ['manager'], group: 'manager', source: 'table',
  },
  {
    name: 'virtrigaud_vm_operations_total', type: 'counter', help: 'Total VM operations.',
    labels: ['operation', 'provider_type', 'provider', 'outcome'], servedBy: ['manager'], group: 'operation', source: 'table',
  },
  {
    name: 'virtrigaud_vm_operations_duration_seconds', type: 'histogram', help: 'Duration of VM operations.',
    labels: ['operation', 'provider_type', 'provider'], buckets: DURATION_BUCKETS, servedBy: ['manager'], group: 'operation', source: 'queries',
    notes: ['Used by the spec\'s latency query and its VirtrigaudSlowVMCreation alert but missing from its metric tables; declared here with the labels of virtrigaud_vm_operations_total minus outcome.'],
  },
  {
    name: 'virtrigaud_vm_reconfigure_total', type: 'counter', help: 'Total VM reconfiguration operations.',
    labels: ['provider_type', 'outcome'], servedBy: ['manager'], group: 'operation', source: 'table',
  },
  {
    name: 'virtrigaud_vm_snapshot_total', type: 'counter', help: 'Total VM snapshot operations.',
    labels: ['action', 'provider_type', 'outcome'], servedBy: ['manager'], group: 'operation', source: 'table',
  },
  {
    name: 'virtrigaud_vm_clone_total', type: 'counter', help: 'Total VM clone operations.',
    labels: ['linked', 'provider_type', 'outcome'], servedBy: ['manager'], group: 'operation', source: 'table',
  },
  {
    name: 'virtrigaud_vm_image_prepare_total', type: 'counter', help: 'Total VM image preparation operations.',
    labels: ['provider_type', 'outcome'], servedBy: ['manager'], group: 'operation', source: 'table',
  },
  {
    name: 'virtrigaud_build_info', type: 'gauge', help: 'Build information (always 1).',
    labels: ['version', 'git_sha', 'go_version'], servedBy: ['manager', 'provider'], group: 'build', source: 'table',
  },
  {
    name: 'virtrigaud_provider_rpc_requests_total', type: 'counter', help: 'Total gRPC requests.',
    labels: ['provider_type', 'method', 'code'], servedBy: ['provider'], group: 'provider', source: 'table',
  },
  {
    name: 'virtrigaud_provider_rpc_latency_seconds', type: 'histogram', help: 'gRPC request latency.',
    labels: ['provider_type', 'method'], buckets: DURATION_BUCKETS, servedBy: ['provider'], group: 'provider', source: 'table',
  },
  {
    name: 'virtrigaud_provider_tasks_inflight', type: 'gauge', help: 'Number of inflight tasks.',
    labels: ['provider_type', 'provider'], servedBy: ['provider'], group: 'provider', source: 'table',
  },
  {
    name: 'virtrigaud_ip_discovery_duration_seconds', type: 'histogram', help: 'Time to discover VM IP addresses.',
    labels: ['provider_type'], buckets: DURATION_BUCKETS, servedBy: ['provider'], group: 'provider-specific', source: 'table',
  },
  {
    name: 'virtrigaud_errors_total', type: 'counter', help: 'Total errors by reason and component.',
    labels: ['reason', 'component'], servedBy: ['manager', 'provider'], group: 'error', source: 'table',
    notes: ['Carries no provider_type label: the spec\'s "Error Rate by Provider" panel groups by (component, provider_type), which is always empty for provider_type; the dashboard groups errors by (component, reason) and shows the error rate by provider from virtrigaud_vm_operations_total.'],
  },
  {
    name: 'virtrigaud_vsphere_sessions_total', type: 'counter', help: 'Total vSphere sessions created.',
    labels: ['datacenter'], servedBy: ['provider'], providerTypes: ['vsphere'], group: 'vsphere', source: 'table',
  },
  {
    name: 'virtrigaud_vsphere_api_calls_total', type: 'counter', help: 'Total vSphere API calls.',
    labels: ['method', 'datacenter'], servedBy: ['provider'], providerTypes: ['vsphere'], group: 'vsphere', source: 'table',
  },
  {
    name: 'virtrigaud_libvirt_connections_total', type: 'counter', help: 'Total libvirt connections.',
    labels: ['host'], servedBy: ['provider'], providerTypes: ['libvirt'], group: 'libvirt', source: 'table',
  },
  {
    name: 'virtrigaud_libvirt_domains_total', type: 'gauge', help: 'Current number of domains by state.',
    labels: ['host', 'state'], servedBy: ['provider'], providerTypes: ['libvirt'], group: 'libvirt', source: 'table',
    notes: ['A gauge whose name ends in _total (promlint: non-counter metrics should not have the _total suffix); the documented name is kept. Never rate() it.'],
  },
] as const satisfies readonly MetricDefinition[];

/** What VirtRigaud v0.3.11 registers (`internal/obs/metrics/metrics.go`) and the controller-runtime family used here. */
const v0311MetricList = [
  {
    name: 'virtrigaud_build_info', type: 'gauge', help: 'Build information for virtrigaud components (always 1).',
    labels: ['version', 'git_sha', 'go_version', 'component'], servedBy: ['manager'], group: 'build', source: 'registered',
  },
  {
    name: 'virtrigaud_manager_reconcile_total', type: 'counter', help: 'Total number of reconcile operations by kind and outcome.',
    labels: ['kind', 'outcome'], servedBy: ['manager'], group: 'manager', source: 'registered',
  },
  {
    name: 'virtrigaud_manager_reconcile_duration_seconds', type: 'histogram', help: 'Duration of reconcile operations by kind.',
    labels: ['kind'], buckets: V0311_DURATION_BUCKETS, servedBy: ['manager'], group: 'manager', source: 'registered',
  },
  {
    name: 'virtrigaud_queue_depth', type: 'gauge', help: '[DEPRECATED v0.3.6] Current depth of work queue by kind.',
    labels: ['kind'], servedBy: ['manager'], group: 'manager', source: 'registered',
    neverSet: 'registered but never set in v0.3.11 (deprecated): no series ever appears; use workqueue_depth{name}',
  },
  {
    name: 'virtrigaud_vm_operations_total', type: 'counter', help: 'Total number of VM operations by operation, provider type, provider, and outcome (of the synchronous RPC).',
    labels: ['operation', 'provider_type', 'provider', 'outcome'], servedBy: ['manager'], group: 'operation', source: 'registered',
  },
  {
    name: 'virtrigaud_provider_rpc_requests_total', type: 'counter', help: 'Total number of provider RPC requests by provider type, method, and code (counted by the manager\'s gRPC client).',
    labels: ['provider_type', 'method', 'code'], servedBy: ['manager'], group: 'provider', source: 'registered',
  },
  {
    name: 'virtrigaud_provider_rpc_latency_seconds', type: 'histogram', help: 'Latency of provider RPC requests by provider type and method.',
    labels: ['provider_type', 'method'], buckets: V0311_DURATION_BUCKETS, servedBy: ['manager'], group: 'provider', source: 'registered',
  },
  {
    name: 'virtrigaud_provider_tasks_inflight', type: 'gauge', help: 'Number of inflight tasks by provider type and provider.',
    labels: ['provider_type', 'provider'], servedBy: ['manager'], group: 'provider', source: 'registered',
  },
  {
    name: 'virtrigaud_errors_total', type: 'counter', help: 'Total number of errors by reason and component.',
    labels: ['reason', 'component'], servedBy: ['manager'], group: 'error', source: 'registered',
  },
  {
    name: 'virtrigaud_ip_discovery_duration_seconds', type: 'histogram', help: 'Duration of IP discovery operations by provider type.',
    labels: ['provider_type'], buckets: V0311_IP_DISCOVERY_BUCKETS, servedBy: ['manager'], group: 'provider-specific', source: 'registered',
  },
  {
    name: 'virtrigaud_circuit_breaker_state', type: 'gauge', help: 'Circuit breaker state (0=closed, 1=half-open, 2=open), one per Provider object the manager has dialled.',
    labels: ['provider_type', 'provider'], servedBy: ['manager'], group: 'resilience', source: 'registered',
  },
  {
    name: 'virtrigaud_circuit_breaker_failures_total', type: 'counter', help: 'Total number of circuit breaker failures (provider RPCs failing with Unavailable, DeadlineExceeded, Internal or Unknown).',
    labels: ['provider_type', 'provider'], servedBy: ['manager'], group: 'resilience', source: 'registered',
  },
  {
    name: 'workqueue_depth', type: 'gauge', help: 'Current depth of a controller\'s work queue (controller-runtime).',
    labels: ['name'], servedBy: ['manager'], group: 'controller-runtime', source: 'controller-runtime',
  },
] as const satisfies readonly MetricDefinition[];

type AnyMetric = (typeof metricList)[number] | (typeof v0311MetricList)[number];
export type MetricName = AnyMetric['name'];
export type CounterName = Extract<AnyMetric, { type: 'counter' }>['name'];
export type GaugeName = Extract<AnyMetric, { type: 'gauge' }>['name'];
export type HistogramName = Extract<AnyMetric, { type: 'histogram' }>['name'];
/** Labels of one metric (in any profile), as a type. */
export type LabelsOf<M extends MetricName> = Extract<AnyMetric, { name: M }>['labels'][number];

/** Every metric of each profile, in catalog order. */
export const PROFILE_METRICS: Readonly<Record<Profile, readonly MetricDefinition[]>> = {
  documented: metricList,
  'v0.3.11': v0311MetricList,
};

/** One-line description of each profile, for messages and docs. */
export const PROFILE_TITLES: Readonly<Record<Profile, string>> = {
  'v0.3.11': 'VirtRigaud v0.3.11 as shipped',
  documented: 'the documented metrics catalog (spec)',
};

const metricsByName: Readonly<Record<Profile, ReadonlyMap<string, MetricDefinition>>> = {
  documented: new Map(metricList.map((m) => [m.name, m])),
  'v0.3.11': new Map(v0311MetricList.map((m) => [m.name, m])),
};

/** The metric named `name` in `profile`, or an error naming the closest known metrics. */
export function getMetric(name: string, profile: Profile): MetricDefinition {
  const metric = metricsByName[profile].get(name);
  if (!metric) {
    const elsewhere = PROFILES.filter((p) => p !== profile && metricsByName[p].has(name));
    throw new CatalogError(
      elsewhere.length > 0
        ? `metric ${JSON.stringify(name)} does not exist in profile ${profile} (${PROFILE_TITLES[profile]}); only in ${elsewhere.join(', ')}`
        : `unknown metric ${JSON.stringify(name)}: not in the VirtRigaud metrics catalog (profile ${profile})${suggest(name, [...metricsByName[profile].keys()])}`,
    );
  }
  return metric;
}

export function isCatalogMetric(name: string, profile: Profile): name is MetricName {
  return metricsByName[profile].has(name);
}

/** The largest finite bucket bound of a histogram: `histogram_quantile` never returns more. */
export function largestFiniteBucket(metric: MetricDefinition): number {
  if (metric.type !== 'histogram' || !metric.buckets || metric.buckets.length === 0) {
    throw new CatalogError(`${metric.name} is a ${metric.type}, not a histogram`);
  }
  return Math.max(...metric.buckets);
}

/** Thrown when an expression refers to something the catalog does not have. */
export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

/** `; did you mean …?` for the known names closest to `name` (edit distance), or ''. */
export function suggest(name: string, known: readonly string[]): string {
  const scored = known.map((k) => ({ k, d: editDistance(name, k) })).sort((a, b) => a.d - b.d || a.k.localeCompare(b.k));
  const close = scored.filter((s) => s.d <= Math.max(3, Math.floor(name.length / 3))).slice(0, 3);
  return close.length > 0 ? `; did you mean ${close.map((s) => s.k).join(', ')}?` : '';
}
