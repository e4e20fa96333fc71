/**
 * The Grafana dashboard, built with `@grafana/grafana-foundation-sdk` from the metrics catalog:
 * the spec's panels (corrected) and a panel for every other metric of the catalog, a
 * `datasource` variable, a stable uid, read-only. Shipped in a ConfigMap the Grafana sidecar
 * picks up (`grafana_dashboard: "1"`).
 *
 * Only the SDK's `dashboard` (and `common`) modules are loaded at run time (~40 ms); panel
 * options are typed with the `timeseries`/`stat`/`prometheus` types, which cost nothing at run time.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as d from '@grafana/grafana-foundation-sdk/dashboard';
import type { Builder, Dataquery } from '@grafana/grafana-foundation-sdk/cog';
import type { Dataquery as PrometheusQuery } from '@grafana/grafana-foundation-sdk/prometheus';
import type { Options as StatOptions } from '@grafana/grafana-foundation-sdk/stat';
import type { Options as TimeseriesOptions } from '@grafana/grafana-foundation-sdk/timeseries';
import { Construct } from 'constructs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { ReleaseContext, managerJobName, providerJobName, resourceName } from '../conventions/names';
import { objectMeta } from '../conventions/labels';
import type { MonitoringValues } from '../values/monitoring-values';
import { DEFAULT_PROFILE, FAILED_OUTCOMES, Profile } from '../catalog/catalog';
import {
  aggregate,
  countBy,
  div,
  maxBy,
  histogramQuantile,
  Matchers,
  mul,
  ne,
  oneOf,
  overTime,
  PromQL,
  rate,
  sum,
  sumBy,
  Vector,
} from '../promql';
import { assertValidPromQL, ValidateOptions } from './promql-validate';

export type DashboardValues = MonitoringValues['dashboard'];

/** Range window of the panels' rates. */
const W = '$__rate_interval';
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

interface Query {
  readonly expr: Vector;
  readonly legend: string;
}

interface PanelSpec {
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

interface RowSpec {
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

function panelSpecs(ctx: ReleaseContext, q: PromQL): RowSpec[] {
  const ops = (m: Matchers<string> = {}) => rate(q.metric('virtrigaud_vm_operations_total', m), W);
  const p95 = (by: string[], bucket: Vector) => histogramQuantile(0.95, sumBy([...by, 'le'], rate(bucket, W)));
  const failed = oneOf(FAILED_OUTCOMES[q.profile]);
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
          queries: [{ expr: mul(div(sum(ops({ operation: 'Create', outcome: 'success' })), sum(ops({ operation: 'Create' }))), 100), legend: 'success rate' }],
        },
        ...only(['documented'], () => ({
          title: 'Provider health',
          description: 'Scrape status of every provider target (`up`; spec panel).',
          kind: 'stat' as const,
          unit: 'none',
          width: 8,
          mappings: UP_MAPPINGS,
          steps: UP_STEPS,
          queries: [{ expr: q.up({ job: providerJobName(ctx), namespace: ctx.namespace }), legend: '{{service}} {{instance}}' }],
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
          queries: [{ expr: q.up({ job: managerJobName(ctx), namespace: ctx.namespace }), legend: '{{pod}}' }],
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
              expr: div(sumBy(['provider_type', 'provider'], ops({ outcome: failed })), sumBy(['provider_type', 'provider'], ops())),
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
          queries: [{ expr: sumBy(['component', 'reason'], rate(q.metric('virtrigaud_errors_total'), W)), legend: '{{component}}: {{reason}}' }],
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
              expr: div(
                sumBy(['provider_type', 'method'], rate(q.metric('virtrigaud_provider_rpc_requests_total', { code: ne('OK') }), W)),
                sumBy(['provider_type', 'method'], rate(q.metric('virtrigaud_provider_rpc_requests_total'), W)),
              ),
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
          queries: [{ expr: p95(['provider_type', 'provider'], q.bucket('virtrigaud_vm_operations_duration_seconds', { operation: 'Create' })), legend: '{{provider}} ({{provider_type}})' }],
        })),
        ...only(['documented'], () => ({
          title: 'p95 VM operation latency by operation',
          description: '95th percentile of VM operation duration by operation.',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 8,
          queries: [{ expr: p95(['operation'], q.bucket('virtrigaud_vm_operations_duration_seconds')), legend: '{{operation}}' }],
        })),
        {
          title: 'p95 gRPC latency by method',
          description: '95th percentile of provider gRPC latency by method (spec query, with the `by` moved into the aggregation).',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 8,
          queries: [{ expr: p95(['provider_type', 'method'], q.bucket('virtrigaud_provider_rpc_latency_seconds')), legend: '{{provider_type}} {{method}}' }],
        },
        {
          title: 'p95 reconcile duration by kind',
          description: '95th percentile of reconcile duration by resource kind.',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 12,
          queries: [{ expr: p95(['kind'], q.bucket('virtrigaud_manager_reconcile_duration_seconds')), legend: '{{kind}}' }],
        },
        {
          title: 'p95 IP discovery time',
          description: '95th percentile of the time to discover VM IP addresses, by provider type.',
          kind: 'timeseries',
          unit: 's',
          min: 0,
          width: 12,
          queries: [{ expr: p95(['provider_type'], q.bucket('virtrigaud_ip_discovery_duration_seconds')), legend: '{{provider_type}}' }],
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
          queries: [{ expr: sumBy(['operation', 'outcome'], ops()), legend: '{{operation}} {{outcome}}' }],
        },
        {
          title: 'VM operations by provider',
          description: 'VM operations per second by provider (spec query, with the `by` moved into a sum).',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 12,
          queries: [{ expr: sumBy(['provider_type', 'provider'], ops()), legend: '{{provider}} ({{provider_type}})' }],
        },
        {
          title: 'Reconciles per second',
          description: 'Reconcile loops per second by kind and outcome.',
          kind: 'timeseries',
          unit: 'ops',
          min: 0,
          width: 8,
          queries: [{ expr: sumBy(['kind', 'outcome'], rate(q.metric('virtrigaud_manager_reconcile_total'), W)), legend: '{{kind}} {{outcome}}' }],
        },
        {
          title: 'gRPC requests per second',
          description: 'Provider gRPC requests per second by method and status code.',
          kind: 'timeseries',
          unit: 'reqps',
          min: 0,
          width: 8,
          queries: [{ expr: sumBy(['provider_type', 'method', 'code'], rate(q.metric('virtrigaud_provider_rpc_requests_total'), W)), legend: '{{provider_type}} {{method}} {{code}}' }],
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
            { expr: sumBy(['kind'], q.metric('virtrigaud_queue_depth')), legend: '{{kind}}' },
            { expr: sumBy(['kind'], overTime('avg', q.metric('virtrigaud_queue_depth'), '5m')), legend: '{{kind}} (5m average)' },
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
            { expr: sumBy(['name'], q.metric('workqueue_depth')), legend: '{{name}}' },
            { expr: sumBy(['name'], overTime('avg', q.metric('workqueue_depth'), '5m')), legend: '{{name}} (5m average)' },
          ],
        })),
        {
          title: 'Inflight tasks',
          description: 'Inflight provider tasks by provider (spec query, with the `by` moved into a sum).',
          kind: 'timeseries',
          unit: 'short',
          min: 0,
          width: 12,
          queries: [{ expr: sumBy(['provider_type', 'provider'], q.metric('virtrigaud_provider_tasks_inflight')), legend: '{{provider}} ({{provider_type}})' }],
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

/** A Prometheus target as the SDK types it (`cog.Builder<Dataquery>`). */
class PrometheusTarget implements Builder<Dataquery> {
  constructor(private readonly query: PrometheusQuery) {}
  build(): PrometheusQuery {
    return this.query;
  }
}

function statOptions(): StatOptions {
  return {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    orientation: common.VizOrientation.Auto,
    textMode: common.BigValueTextMode.Auto,
    colorMode: common.BigValueColorMode.Value,
    graphMode: common.BigValueGraphMode.None,
    justifyMode: common.BigValueJustifyMode.Auto,
    wideLayout: true,
    showPercentChange: false,
    percentChangeColorMode: common.PercentChangeColorMode.Standard,
  };
}

function timeseriesOptions(): TimeseriesOptions {
  return {
    legend: { displayMode: common.LegendDisplayMode.List, placement: common.LegendPlacement.Bottom, showLegend: true, calcs: [] },
    tooltip: { mode: common.TooltipDisplayMode.Multi, sort: common.SortOrder.Descending },
  };
}

export interface DashboardBuild {
  readonly uid: string;
  readonly title: string;
  /** The dashboard model. */
  readonly dashboard: d.Dashboard;
  /** Pretty-printed JSON, as stored in the ConfigMap. */
  readonly json: string;
  /** Every query with its panel title. */
  readonly queries: readonly { readonly panel: string; readonly expr: string }[];
}

export function dashboardUid(ctx: ReleaseContext, values: DashboardValues): string {
  return values.uid !== '' ? values.uid : resourceName(ctx, 'overview').slice(0, 40);
}

export function dashboardTitle(ctx: ReleaseContext, values: DashboardValues): string {
  if (values.title !== '') return values.title;
  return ctx.releaseName === 'virtrigaud' ? 'VirtRigaud / Overview' : `VirtRigaud / Overview (${ctx.releaseName})`;
}

/** Builds the dashboard; every query is validated (Grafana macros substituted). */
export function buildDashboard(ctx: ReleaseContext, values: DashboardValues, validate: ValidateOptions = {}, profile: Profile = DEFAULT_PROFILE): DashboardBuild {
  const q = new PromQL({ profile, scope: { namespace: ctx.namespace } });
  const uid = dashboardUid(ctx, values);
  const title = dashboardTitle(ctx, values);
  const builder = new d.DashboardBuilder(title)
    .uid(uid)
    .description('VirtRigaud manager and providers: health, errors, latency, throughput, queues and provider-specific metrics. Generated by virtrigaud-cdk8s from the metrics catalog; changes made in Grafana are not kept.')
    .tags([...values.tags])
    .readonly()
    .timezone('browser')
    .tooltip(d.DashboardCursorSync.Crosshair)
    .time({ from: values.timeFrom, to: 'now' })
    .withVariable(new d.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'));
  if (values.refresh !== '') builder.refresh(values.refresh);

  const queries: { panel: string; expr: string }[] = [];
  let id = 1;
  for (const row of panelSpecs(ctx, q)) {
    builder.withRow(new d.RowBuilder(row.title).id(id++));
    for (const p of row.panels) {
      const panel = new d.PanelBuilder()
        .type(p.kind)
        .id(id++)
        .title(p.title)
        .description(p.description)
        .datasource(DATASOURCE)
        .span(p.width)
        .height(p.kind === 'stat' ? 5 : 8)
        .unit(p.unit)
        .options(p.kind === 'stat' ? statOptions() : timeseriesOptions());
      if (p.min !== undefined) panel.min(p.min);
      if (p.max !== undefined) panel.max(p.max);
      if (p.decimals !== undefined) panel.decimals(p.decimals);
      if (p.mappings) panel.mappings(p.mappings);
      if (p.steps) panel.thresholds(new d.ThresholdsConfigBuilder().mode(d.ThresholdsMode.Absolute).steps(p.steps.map((s) => ({ ...s }))));
      p.queries.forEach((query, i) => {
        assertValidPromQL(`dashboard panel "${p.title}" query ${i + 1}`, query.expr.text, { ...validate, grafanaMacros: true });
        queries.push({ panel: p.title, expr: query.expr.text });
        panel.withTarget(
          new PrometheusTarget({
            refId: String.fromCharCode(65 + i),
            datasource: DATASOURCE,
            expr: query.expr.text,
            legendFormat: query.legend,
            range: true,
            _implementsDataqueryVariant() {},
          }),
        );
      });
      builder.withPanel(panel);
    }
  }
  const dashboard = builder.build();
  return { uid, title, dashboard, json: JSON.stringify(dashboard, null, 2) + '\n', queries };
}

/** Name of the dashboard's key in the ConfigMap. */
export const dashboardFileName = (uid: string) => `${uid}.json`;

export interface DashboardConfigMapProps {
  readonly context: ReleaseContext;
  readonly values: DashboardValues;
  readonly additionalLabels: Readonly<Record<string, string>>;
  readonly build: DashboardBuild;
}

/** The ConfigMap `<release>-dashboard` the Grafana sidecar loads. */
export function createDashboardConfigMap(scope: Construct, id: string, props: DashboardConfigMapProps): k8s.KubeConfigMap {
  const { context: ctx, values, build } = props;
  return new k8s.KubeConfigMap(scope, id, {
    metadata: objectMeta(ctx, resourceName(ctx, 'dashboard'), 'monitoring', {
      labels: { ...props.additionalLabels, ...values.labels },
      annotations: values.annotations,
    }),
    data: { [dashboardFileName(build.uid)]: build.json },
  });
}
