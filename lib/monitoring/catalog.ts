/**
 * The VirtRigaud metrics catalog: the single source of truth for every metric the product spec
 * names (its tables and the metrics its own queries use but its tables omit), with type, labels,
 * known label values, buckets, help text and the component that serves it.
 *
 * Alert, recording-rule and dashboard expressions are built from this data through the typed
 * PromQL builder (`promql.ts`), which rejects unknown metrics and labels at build time.
 */
import { editDistance } from '../suggest';

/** Components that serve `/metrics`. */
export type ServingComponent = 'manager' | 'provider';

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** Duration histogram buckets of the spec, in seconds (`+Inf` is implicit). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

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

/** Outcomes that count as failed operations (`outcome` is `success`, `failure` or `error`). */
export const FAILED_OUTCOMES = ['failure', 'error'] as const;

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

export type LabelName = (typeof labelList)[number]['name'];

/** Every metric label of the catalog, by name. */
export const LABELS: Readonly<Record<LabelName, LabelDefinition>> = Object.fromEntries(labelList.map((l) => [l.name, l])) as unknown as Record<LabelName, LabelDefinition>;

/**
 * Labels every scraped series carries besides its own: Prometheus adds `job` and `instance`,
 * the Prometheus Operator adds `namespace`, `service`, `pod`, `container` and `endpoint` (the port name).
 */
export const TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint'] as const;
export type TargetLabel = (typeof TARGET_LABELS)[number];

/** Where a metric is listed in the spec. */
export type MetricGroup = 'manager' | 'operation' | 'build' | 'provider' | 'provider-specific' | 'error' | 'vsphere' | 'libvirt';

export const METRIC_GROUP_TITLES: Readonly<Record<MetricGroup, string>> = {
  manager: 'Manager: reconciliation',
  operation: 'VM operations',
  build: 'Build information',
  provider: 'Provider: gRPC',
  'provider-specific': 'Provider-specific',
  error: 'Errors',
  vsphere: 'Custom: vSphere provider',
  libvirt: 'Custom: libvirt provider',
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
  /** `table`: listed in the spec's tables; `queries`: used by the spec's queries and alert but missing from its tables. */
  readonly source: 'table' | 'queries';
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

export type MetricName = (typeof metricList)[number]['name'];
export type CounterName = Extract<(typeof metricList)[number], { type: 'counter' }>['name'];
export type GaugeName = Extract<(typeof metricList)[number], { type: 'gauge' }>['name'];
export type HistogramName = Extract<(typeof metricList)[number], { type: 'histogram' }>['name'];
/** Labels of one metric, as a type. */
export type LabelsOf<M extends MetricName> = Extract<(typeof metricList)[number], { name: M }>['labels'][number];

/** Every metric of the catalog, in spec order. */
export const METRICS: readonly MetricDefinition[] = metricList;

const metricsByName: ReadonlyMap<string, MetricDefinition> = new Map(METRICS.map((m) => [m.name, m]));

/** The metric named `name`, or an error naming the closest known metrics. */
export function getMetric(name: string): MetricDefinition {
  const metric = metricsByName.get(name);
  if (!metric) {
    throw new CatalogError(`unknown metric ${JSON.stringify(name)}: not in the VirtRigaud metrics catalog${suggest(name, [...metricsByName.keys()])}`);
  }
  return metric;
}

export function isCatalogMetric(name: string): name is MetricName {
  return metricsByName.has(name);
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
