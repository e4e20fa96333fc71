/**
 * The dashboard's rows and panels: titles, units, thresholds and queries. Queries that compute
 * what a recording rule records are built by the same functions (lib/promql/queries.ts), with
 * the panel's labels and Grafana's `$__rate_interval` window.
 */
import * as d from '@grafana/grafana-foundation-sdk/dashboard';
import { Profile } from '../catalog/catalog';
import { aggregate, countBy, maxBy, mul, div, PromQL, rate, sumBy, Vector } from '../promql';
import {
  errorsRate,
  p95,
  queueDepth,
  queueDepthAverage,
  reconcileRate,
  rpcErrorRatio,
  rpcRequestsRate,
  tasksInflight,
  vmOperationsErrorRatio,
  vmOperationsRate,
  workqueueDepth,
  workqueueDepthAverage,
} from '../promql/queries';

/** Range window of the panels' rates. */
const W = '$__rate_interval';

/** What the panels select: the release's namespace and the Prometheus jobs of its targets. */
export interface PanelContext {
  readonly q: PromQL;
  readonly namespace: string;
  readonly managerJob: string;
  readonly providerJob: string;
}

export interface Query {
  readonly expr: Vector;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly kind: 'stat' | 'timeseries';
  readonly unit: string;
  readonly width: number;
  readonly queries: readonly Query[];
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  readonly mappings?: d.ValueMapping[];
  /** Threshold steps (first step is the base colour). */
  readonly steps?: readonly { readonly value: number | null; readonly color: string }[];
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** Titles of the panels the spec asks for. */
export const SPEC_PANEL_TITLES = [
  'VM creation success rate',
  'Provider health',
  'Error rate by provider',
  'p95 VM creation time by provider',
  'p95 gRPC latency by method',
  'VM operations per second',
  'VM operations by provider',
  'Queue depth',
  'Inflight tasks',
] as const;

const UP_MAPPINGS: d.ValueMapping[] = [
  { type: d.MappingType.ValueToText, options: { '0': { text: 'DOWN', color: 'red', index: 0 }, '1': { text: 'UP', color: 'green', index: 1 } } },
];

const CIRCUIT_BREAKER_MAPPINGS: d.ValueMapping[] = [
  {
    type: d.MappingType.ValueToText,
    options: { '0': { text: 'CLOSED', color: 'green', index: 0 }, '1': { text: 'HALF-OPEN', color: 'orange', index: 1 }, '2': { text: 'OPEN', color: 'red', index: 2 } },
  },
];

const UP_STEPS = [
  { value: null, color: 'red' },
  { value: 1, color: 'green' },
] as const;

export function panelSpecs({ q, namespace, managerJob, providerJob }: PanelContext): RowSpec[] {
  /** The panel in these profiles only (built only there: its queries name that profile's families). */
  const only = (profiles: readonly Profile[], panel: () => PanelSpec): PanelSpec[] => (profiles.includes(q.profile) ? [panel()] : []);
  const rows: RowSpec[] = [
    {
      title: 'Overview',
      panels: [
        {
          title: 'VM creation success rate',
          description: 'Share of VM creations that succeeded (spec panel; numerator and denominator summed separately).',
          kind: 'stat',
          unit: 'percent',
          decimals: 2,
          width: 6,
          min: 0,
          max: 100,
          steps: [
            { value: null, color: 'red' },
            { value: 95, color: 'orange' },
            { value: 99, color: 'green' },
          ],
          queries: [{ expr: mul(div(vmOperationsRate(q, [], { operation: 'Create', outcome: 'success' }, W), vmOperationsRate(q, [], { operation: 'Create' }, W)), 100), legend: 'success rate' }],
        },
        ...only(['documented'], () => ({
          title: 'Provider health',
          description: 'Scrape status of every provider target (`up`; spec panel).',
          kind: 'stat' as const,
          unit: 'none',
          width: 8,
          mappings: UP_MAPPINGS,
          steps: UP_STEPS,
          queries: [{ expr: q.up({ job: providerJob, namespace }), legend: '{{service}} {{instance}}' }],
        })),
        ...only(['v0.3.11'], () => ({
          title: 'Provider health',
          description: 'State of the manager\'s circuit breaker for each provider it dials (spec panel; v0.3.11 providers serve no /metrics, so their scrape status says nothing).',
          kind: 'stat' as const,
          unit: 'none',
          width: 8,
          mappings: CIRCUIT_BREAKER_MAPPINGS,
          steps: [
            { value: null, color: 'green' },
            { value: 1, color: 'orange' },
            { value: 2, color: 'red' },
          ],
          queries: [{ expr: maxBy(['provider_type', 'provider'], q.metric('virtrigaud_circuit_breaker_state')), legend: '{{provider}} ({{provider_type}})' }],
        })),
        {
          title: 'Manager health',
          description: 'Scrape status of every manager replica (`up`).',
          kind: 'stat',
          unit: 'none',
          width: 5,
          mappings: UP_MAPPINGS,
          steps: UP_STEPS,
          queries: [{ expr: q.up({ job: managerJob, namespace }), legend: '{{pod}}' }],
        },
        {
          title: 'Versions',
          description: 'Running VirtRigaud versions (`virtrigaud_build_info`), by number of targets.',
          kind: 'stat',
          unit: 'none',
          width: 5,
          queries: [{ expr: countBy(['version'], q.metric('virtrigaud_build_info')), legend: '{{version}}' }],
        },
      ],
    },
    {
      title: 'Errors',
      panels: [
        {
          title: 'Error rate by provider',
          description: 'Share of VM operations that failed (outcome failure or error; v0.3.11: error), by provider. The spec\'s panel grouped virtrigaud_errors_total by provider_type, a label it does not carry.',
          kind: 'timeseries',
          unit: 'percentunit',
          min: 0,
          width: 8,
          queries: [
            {
              expr: vmOperationsErrorRatio(q, ['provider_type', 'provider'], {}, W),
              legend: '{{provider}} ({{provider_type}})',
            },
          ],
        },
        {
          title: 'Errors by component and reason',
          description: 'Errors per second (`virtrigaud_errors_total`) by component and reason.',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 8,
          queries: [{ expr: errorsRate(q, ['component', 'reason'], {}, W), legend: '{{component}}: {{reason}}' }],
        },
        {
          title: 'Provider gRPC error ratio by method',
          description: 'Share of provider gRPC requests with a status code other than OK (spec: provider-specific error rate).',
          kind: 'timeseries',
          unit: 'percentunit',
          min: 0,
          width: 8,
          queries: [
            {
              expr: rpcErrorRatio(q, ['provider_type', 'method'], {}, W),
              legend: '{{provider_type}} {{method}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Latency',
      panels: [
        ...only(['documented'], () => ({
          title: 'p95 VM creation time by provider',
          description: '95th percentile of VM creation time (spec query). Values stop at the largest finite bucket (300 s).',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 8,
          queries: [{ expr: p95(q, 'virtrigaud_vm_operations_duration_seconds', ['provider_type', 'provider'], { operation: 'Create' }, W), legend: '{{provider}} ({{provider_type}})' }],
        })),
        ...only(['documented'], () => ({
          title: 'p95 VM operation latency by operation',
          description: '95th percentile of VM operation duration by operation.',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 8,
          queries: [{ expr: p95(q, 'virtrigaud_vm_operations_duration_seconds', ['operation'], {}, W), legend: '{{operation}}' }],
        })),
        {
          title: 'p95 gRPC latency by method',
          description: '95th percentile of provider gRPC latency by method (spec query, with the `by` moved into the aggregation).',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 8,
          queries: [{ expr: p95(q, 'virtrigaud_provider_rpc_latency_seconds', ['provider_type', 'method'], {}, W), legend: '{{provider_type}} {{method}}' }],
        },
        {
          title: 'p95 reconcile duration by kind',
          description: '95th percentile of reconcile duration by resource kind.',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 12,
          queries: [{ expr: p95(q, 'virtrigaud_manager_reconcile_duration_seconds', ['kind'], {}, W), legend: '{{kind}}' }],
        },
        {
          title: 'p95 IP discovery time',
          description: '95th percentile of the time to discover VM IP addresses, by provider type.',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 12,
          queries: [{ expr: p95(q, 'virtrigaud_ip_discovery_duration_seconds', ['provider_type'], {}, W), legend: '{{provider_type}}' }],
        },
      ],
    },
    {
      title: 'Throughput',
      panels: [
        {
          title: 'VM operations per second',
          description: 'VM operations per second by operation and outcome (spec query).',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 12,
          queries: [{ expr: vmOperationsRate(q, ['operation', 'outcome'], {}, W), legend: '{{operation}} {{outcome}}' }],
        },
        {
          title: 'VM operations by provider',
          description: 'VM operations per second by provider (spec query, with the `by` moved into a sum).',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 12,
          queries: [{ expr: vmOperationsRate(q, ['provider_type', 'provider'], {}, W), legend: '{{provider}} ({{provider_type}})' }],
        },
        {
          title: 'Reconciles per second',
          description: 'Reconcile loops per second by kind and outcome.',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 8,
          queries: [{ expr: reconcileRate(q, ['kind', 'outcome'], {}, W), legend: '{{kind}} {{outcome}}' }],
        },
        {
          title: 'gRPC requests per second',
          description: 'Provider gRPC requests per second by method and status code.',
          kind: 'timeseries',
          unit: 'reqps',
          min: 0,
          width: 8,
          queries: [{ expr: rpcRequestsRate(q, ['provider_type', 'method', 'code'], {}, W), legend: '{{provider_type}} {{method}} {{code}}' }],
        },
        ...only(['documented'], () => ({
          title: 'VM lifecycle operations',
          description: 'Reconfigure, snapshot, clone and image-preparation operations per second.',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 8,
          queries: [
            { expr: sumBy(['provider_type', 'outcome'], rate(q.metric('virtrigaud_vm_reconfigure_total'), W)), legend: 'reconfigure {{provider_type}} {{outcome}}' },
            { expr: sumBy(['action', 'outcome'], rate(q.metric('virtrigaud_vm_snapshot_total'), W)), legend: 'snapshot {{action}} {{outcome}}' },
            { expr: sumBy(['linked', 'outcome'], rate(q.metric('virtrigaud_vm_clone_total'), W)), legend: 'clone linked={{linked}} {{outcome}}' },
            { expr: sumBy(['provider_type', 'outcome'], rate(q.metric('virtrigaud_vm_image_prepare_total'), W)), legend: 'image prepare {{provider_type}} {{outcome}}' },
          ],
        })),
        ...only(['v0.3.11'], () => ({
          title: 'Circuit-breaker failures per second',
          description: 'Provider RPCs failing with Unavailable, DeadlineExceeded, Internal or Unknown, as counted by the manager\'s circuit breaker per provider.',
          kind: 'timeseries' as const,
          unit: 'ops',
          min: 0,
          width: 8,
          queries: [{ expr: sumBy(['provider_type', 'provider'], rate(q.metric('virtrigaud_circuit_breaker_failures_total'), W)), legend: '{{provider}} ({{provider_type}})' }],
        })),
      ],
    },
    {
      title: 'Queues and tasks',
      panels: [
        ...only(['documented'], () => ({
          title: 'Queue depth',
          description: 'Work-queue depth by resource kind, and its 5-minute average (spec queries).',
          kind: 'timeseries',
          unit: 'short',
          min: 0,
          width: 12,
          queries: [
            { expr: queueDepth(q, ['kind']), legend: '{{kind}}' },
            { expr: queueDepthAverage(q, ['kind'], {}, '5m'), legend: '{{kind}} (5m average)' },
          ],
        })),
        ...only(['v0.3.11'], () => ({
          title: 'Queue depth',
          description: 'Work-queue depth by controller (controller-runtime\'s workqueue_depth; v0.3.11 never sets virtrigaud_queue_depth), and its 5-minute average (spec queries).',
          kind: 'timeseries' as const,
          unit: 'short',
          min: 0,
          width: 12,
          queries: [
            { expr: workqueueDepth(q, ['name']), legend: '{{name}}' },
            { expr: workqueueDepthAverage(q, ['name'], {}, '5m'), legend: '{{name}} (5m average)' },
          ],
        })),
        {
          title: 'Inflight tasks',
          description: 'Inflight provider tasks by provider (spec query, with the `by` moved into a sum).',
          kind: 'timeseries',
          unit: 'short',
          min: 0,
          width: 12,
          queries: [{ expr: tasksInflight(q, ['provider_type', 'provider']), legend: '{{provider}} ({{provider_type}})' }],
        },
      ],
    },
    {
      title: 'Provider-specific',
      // The vSphere and libvirt families exist in the documented catalog only (built only there).
      panels: q.profile !== 'documented' ? [] : [
        {
          title: 'vSphere API calls per second',
          description: 'vSphere API calls per second by datacenter and method.',
          kind: 'timeseries',
          unit: 'reqps',
          min: 0,
          width: 6,
          queries: [{ expr: sumBy(['datacenter', 'method'], rate(q.metric('virtrigaud_vsphere_api_calls_total'), W)), legend: '{{datacenter}} {{method}}' }],
        },
        {
          title: 'vSphere sessions created per second',
          description: 'vSphere sessions created per second by datacenter.',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 6,
          queries: [{ expr: sumBy(['datacenter'], rate(q.metric('virtrigaud_vsphere_sessions_total'), W)), legend: '{{datacenter}}' }],
        },
        {
          title: 'libvirt connections per second',
          description: 'libvirt connections opened per second by host.',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 6,
          queries: [{ expr: sumBy(['host'], rate(q.metric('virtrigaud_libvirt_connections_total'), W)), legend: '{{host}}' }],
        },
        {
          title: 'libvirt domains by state',
          description: 'libvirt domains by host and state (a gauge despite its _total name).',
          kind: 'timeseries',
          unit: 'short',
          min: 0,
          width: 6,
          queries: [{ expr: aggregate('sum', ['host', 'state'], q.metric('virtrigaud_libvirt_domains_total')), legend: '{{host}} {{state}}' }],
        },
      ],
    },
  ];
  return rows.filter((r) => r.panels.length > 0);
}
