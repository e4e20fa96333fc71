import { z } from 'zod';
import { ALERT_NAMES, ALERTS, AlertSpec, MAX_BURN_FACTOR, SEVERITIES } from '../alerts';
import { ALL_LABEL_NAMES, TARGET_LABELS } from '../catalog/catalog';
import { DNS1123_SUBDOMAIN } from '../conventions/patterns';
import { annotationMap, duration, labelMap } from './common';

/** Prometheus label names (`[a-zA-Z_][a-zA-Z0-9_]*`). */
const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const promLabelMap = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const key of Object.keys(labels)) {
    if (!PROM_LABEL_NAME.test(key)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `invalid Prometheus label name ${JSON.stringify(key)}: use [a-zA-Z_][a-zA-Z0-9_]*` });
    }
  }
});

/** The name of a Secret or ConfigMap, or '' for none. */
const objectNameOrEmpty = (what: string) =>
  z.string().refine((s) => s === '' || (s.length <= 253 && DNS1123_SUBDOMAIN.test(s)), {
    error: (iss) => `${what} must be empty or a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.', at most 253 characters); got ${JSON.stringify(iss.input)}`,
  });

const secretOrConfigMapKey = (what: string, defaultKey: string) =>
  z
    .strictObject({
      secretName: objectNameOrEmpty('secretName').default('').describe(`Secret (in the release namespace) holding the ${what}; empty: none.`),
      configMapName: objectNameOrEmpty('configMapName').default('').describe(`ConfigMap (in the release namespace) holding the ${what}; empty: none.`),
      key: z.string().min(1).default(defaultKey).describe('Key in that Secret or ConfigMap.'),
    })
    .prefault({})
    .superRefine((ref, ctx) => {
      if (ref.secretName !== '' && ref.configMapName !== '') {
        ctx.addIssue({ code: 'custom', path: ['configMapName'], message: 'set either secretName or configMapName, not both' });
      }
    });

const tlsConfigSchema = (defaults: { insecureSkipVerify: boolean; emptyServerName: string }) =>
  z
    .strictObject({
      insecureSkipVerify: z
        .boolean()
        .default(defaults.insecureSkipVerify)
        .describe('Skip verification of the serving certificate (e.g. controller-runtime\'s self-signed one). Ignored when a CA is set.'),
      serverName: z.string().default('').describe(`Server name the certificate must be valid for; empty: ${defaults.emptyServerName}.`),
      ca: secretOrConfigMapKey('CA certificate that signs the serving certificate', 'ca.crt').describe('CA bundle; when set, the certificate is verified.'),
    })
    .prefault({});

const authorizationSchema = (defaults: { mode: 'serviceAccountToken' | 'secret' | 'none' }) =>
  z
    .strictObject({
      mode: z
        .enum(['serviceAccountToken', 'secret', 'none'])
        .default(defaults.mode)
        .describe(
          '`serviceAccountToken`: Prometheus sends its own ServiceAccount token (read from `tokenFile` in the Prometheus pod), as Kubernetes authn/authz on `/metrics` expects; `secret`: a bearer token from `secret`; `none`: no Authorization header.',
        ),
      tokenFile: z.string().min(1).default('/var/run/secrets/kubernetes.io/serviceaccount/token').describe('Token file in the Prometheus pod (mode `serviceAccountToken`).'),
      secret: z
        .strictObject({
          name: objectNameOrEmpty('secret.name').default('').describe('Secret in the release namespace (mode `secret`).'),
          key: z.string().min(1).default('token').describe('Key of the token in the Secret.'),
        })
        .prefault({})
        .describe('Bearer token Secret (mode `secret`).'),
    })
    .prefault({})
    .superRefine((auth, ctx) => {
      if (auth.mode === 'secret' && auth.secret.name === '') {
        ctx.addIssue({ code: 'custom', path: ['secret', 'name'], message: 'mode "secret" needs secret.name' });
      }
    });

const relabelConfig = z.strictObject({
  sourceLabels: z.array(z.string()).optional().describe('Labels whose values are joined and matched.'),
  separator: z.string().optional().describe('Separator of the joined source label values (default `;`).'),
  targetLabel: z.string().optional().describe('Label the result is written to.'),
  regex: z.string().optional().describe('Regular expression matched against the joined values (default `(.*)`).'),
  modulus: z.number().int().optional().describe('Modulus of `hashmod`.'),
  replacement: z.string().optional().describe('Replacement value (default `$1`).'),
  action: z
    .enum(['replace', 'keep', 'drop', 'hashmod', 'labelmap', 'labeldrop', 'labelkeep', 'lowercase', 'uppercase', 'keepequal', 'dropequal'])
    .optional()
    .describe('Relabel action (default `replace`).'),
});
export type RelabelConfig = z.output<typeof relabelConfig>;

const CATALOG_LABELS: readonly string[] = [...ALL_LABEL_NAMES, ...TARGET_LABELS, 'le', '__name__'];

function thresholdSchema(spec: AlertSpec) {
  const t = spec.threshold!;
  let schema = z.number();
  if (t.above !== undefined) schema = schema.gt(t.above);
  if (t.atLeast !== undefined) schema = schema.min(t.atLeast);
  if (t.below !== undefined) schema = schema.lt(t.below, { error: `must be below ${t.below}: ${t.meaning}` });
  return schema.default(t.default).describe(`Threshold (${t.unit}): ${t.meaning}.`);
}

/** Settings of one alert after defaults. */
export interface AlertValues {
  readonly enabled: boolean;
  readonly for: string;
  readonly severity: (typeof SEVERITIES)[number];
  readonly labels: Readonly<Record<string, string>>;
  /** Only for alerts with a threshold. */
  readonly threshold?: number;
}

/** Settings of one alert as written in values (every key optional). */
export type AlertValuesInput =
  | {
      enabled?: boolean;
      for?: string;
      severity?: (typeof SEVERITIES)[number];
      labels?: Record<string, string>;
      threshold?: number;
    }
  | undefined;

function alertSchema(spec: AlertSpec): z.ZodPrefault<z.ZodType<AlertValues, NonNullable<AlertValuesInput>>> {
  const shape = {
    enabled: z.boolean().default(true).describe(`Render ${spec.name}.`),
    for: duration.default(spec.for).describe('How long the condition must hold before the alert fires.'),
    severity: z.enum(SEVERITIES).default(spec.severity).describe('`severity` label: critical, warning or info.'),
    labels: promLabelMap
      .default({})
      .describe('Extra labels of the alert (e.g. `team`); `severity` is set by the key above.')
      .superRefine((labels, ctx) => {
        if ('severity' in labels) ctx.addIssue({ code: 'custom', path: ['severity'], message: 'set the severity with the alert\'s `severity` key' });
      }),
    ...(spec.threshold ? { threshold: thresholdSchema(spec) } : {}),
  };
  // The shape differs per alert (threshold or not); the declared type is their union.
  return z.strictObject(shape).prefault({}).describe(`${spec.name}: ${spec.summary}`) as unknown as z.ZodPrefault<z.ZodType<AlertValues, NonNullable<AlertValuesInput>>>;
}

type AlertShape = { [K in (typeof ALERT_NAMES)[number]]: ReturnType<typeof alertSchema> };

const alertsSchema = z
  .strictObject(Object.fromEntries(ALERT_NAMES.map((name) => [name, alertSchema(ALERTS[name])])) as AlertShape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown alert name${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}: the alerts are ${ALERT_NAMES.join(', ')}`
        : undefined,
  })
  .prefault({})
  .describe('Per-alert settings, keyed by alert name. Unknown names are errors.');

const MIN_OBJECTIVE = 1 - 1 / MAX_BURN_FACTOR;

export const monitoringValuesSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Render the monitoring objects (ServiceMonitors, PrometheusRule, dashboard); needs the Prometheus Operator CRDs.'),
    additionalLabels: labelMap
      .default({})
      .describe('Labels added to the ServiceMonitors, the PrometheusRule and the dashboard ConfigMap (kube-prometheus-stack selects by `release: <its release>`).'),
    serviceMonitors: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Render the ServiceMonitors `<release>-manager` and `<release>-providers`.'),
        interval: duration.default('30s').describe('Scrape interval.'),
        scrapeTimeout: duration.default('10s').describe('Scrape timeout; at most the interval.'),
        honorLabels: z.boolean().default(false).describe('Keep the targets\' labels on collisions with target labels.'),
        dropLabels: z
          .array(z.string().regex(PROM_LABEL_NAME, 'must be a Prometheus label name'))
          .default(['vm', 'vm_name', 'vm_id', 'vm_uuid', 'uuid', 'moref'])
          .describe('High-cardinality labels (VM names and IDs) dropped from every scraped sample (a `labeldrop` metric relabeling). Catalog labels may not be dropped.'),
        metricRelabelings: z.array(relabelConfig).default([]).describe('Extra metric relabelings, after `dropLabels`.'),
        relabelings: z.array(relabelConfig).default([]).describe('Extra target relabelings.'),
        manager: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Render the manager ServiceMonitor.'),
            tlsConfig: tlsConfigSchema({ insecureSkipVerify: true, emptyServerName: 'the manager Service\'s DNS name `<release>-manager.<namespace>.svc` when a CA is set, else the target address' }).describe('TLS of the scrape when `manager.metrics.secure` is true (HTTPS).'),
            authorization: authorizationSchema({ mode: 'serviceAccountToken' }).describe('Credentials of the scrape when `manager.metrics.secure` is true.'),
          })
          .prefault({})
          .describe('Manager ServiceMonitor; scheme follows `manager.metrics.secure`.'),
        providers: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Render the providers ServiceMonitor (only with `profile: documented` and providers in `deployment` mode: v0.3.11 providers serve no `/metrics`, and otherwise it would select no Service).'),
            scheme: z.enum(['http', 'https']).default('http').describe('Scheme of the providers\' `/metrics`.'),
            tlsConfig: tlsConfigSchema({ insecureSkipVerify: false, emptyServerName: 'the target address' }).describe('TLS of the scrape when `scheme` is https.'),
            authorization: authorizationSchema({ mode: 'none' }).describe('Credentials of the scrape.'),
          })
          .prefault({})
          .describe('Providers ServiceMonitor.'),
      })
      .prefault({})
      .superRefine((sm, ctx) => {
        if (durationSeconds(sm.scrapeTimeout) > durationSeconds(sm.interval)) {
          ctx.addIssue({ code: 'custom', path: ['scrapeTimeout'], message: `must not exceed interval (${sm.interval}); Prometheus rejects the scrape config` });
        }
        sm.dropLabels.forEach((label, i) => {
          if (CATALOG_LABELS.includes(label)) {
            ctx.addIssue({ code: 'custom', path: ['dropLabels', i], message: `${JSON.stringify(label)} is a label of the metrics catalog or a target label; dropping it would break the rules and the dashboard` });
          }
        });
      })
      .describe('ServiceMonitors (monitoring.coreos.com/v1).'),
    rules: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Render the PrometheusRule `<release>-alerts`.'),
        runbookUrlPattern: z
          .string()
          .regex(/^https?:\/\/\S*\{alertname\}\S*$/, 'must be an http(s) URL containing {alertname}')
          .default('https://github.com/projectbeskar/virtrigaud-cdk8s/blob/main/docs/runbooks/{alertname}.md')
          .describe('`runbook_url` of every alert; `{alertname}` is replaced by the alert name. The runbooks ship in this toolkit\'s `docs/runbooks/`; point the pattern at wherever your team publishes them (a fork, an internal wiki).'),
        recordingRules: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Render the recording rules (group `virtrigaud.recording`); alerts then read the recorded series.'),
          })
          .prefault({})
          .describe('Recording rules for the frequent queries.'),
        alerts: alertsSchema,
        slo: z
          .strictObject({
            vmCreation: z
              .strictObject({
                enabled: z.boolean().default(true).describe('Render the VM-creation SLO recording rules and its two burn-rate alerts.'),
                objective: z
                  .number()
                  .gt(MIN_OBJECTIVE, {
                    error: `must be above ${Number(MIN_OBJECTIVE.toPrecision(6))} (1 - 1/${MAX_BURN_FACTOR}): with a lower objective a ${MAX_BURN_FACTOR}x burn rate exceeds a 100% error ratio and the fast-burn alert could never fire`,
                  })
                  .lt(1, { error: 'must be below 1 (an objective of 100% leaves no error budget)' })
                  .default(0.99)
                  .describe('Share of VM creations that must succeed (e.g. 0.99).'),
              })
              .prefault({})
              .describe('SLO: VM creations succeed (multiwindow, multi-burn-rate alerts).'),
          })
          .prefault({})
          .describe('Service-level objectives.'),
      })
      .prefault({})
      .describe('PrometheusRule: alerts, recording rules and SLOs.'),
    dashboard: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Render the Grafana dashboard ConfigMap `<release>-dashboard`.'),
        uid: z
          .string()
          .regex(/^[a-zA-Z0-9_-]{0,40}$/, 'must be at most 40 characters [a-zA-Z0-9_-]')
          .default('')
          .describe('Dashboard uid; empty: `<release>-overview`.'),
        title: z.string().default('').describe('Dashboard title; empty: `VirtRigaud / Overview` (plus the release name when it is not `virtrigaud`).'),
        labels: labelMap.default({ grafana_dashboard: '1' }).describe('Labels the Grafana dashboard sidecar selects the ConfigMap by.'),
        annotations: annotationMap.default({ grafana_folder: 'VirtRigaud' }).describe('Annotations of the ConfigMap (the sidecar\'s folder annotation).'),
        tags: z.array(z.string()).default(['virtrigaud']).describe('Dashboard tags.'),
        refresh: z.string().regex(/^(\d+[smhd])?$/, 'must be a Grafana refresh interval such as 30s or 1m').default('30s').describe('Auto-refresh interval; empty: off.'),
        timeFrom: z.string().default('now-6h').describe('Start of the default time range.'),
      })
      .prefault({})
      .describe('Grafana dashboard in a ConfigMap for the Grafana sidecar.'),
  })
  .prefault({})
  .describe('Monitoring with the Prometheus Operator and Grafana.');

export type MonitoringValues = z.output<typeof monitoringValuesSchema>;
export type MonitoringValuesInput = z.input<typeof monitoringValuesSchema>;

/** Seconds of a Prometheus duration (`1h30m` → 5400). */
export function durationSeconds(d: string): number {
  const factors: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * factors[unit];
  return total;
}
