/**
 * ServiceMonitors `<release>-manager` and `<release>-providers` (monitoring.coreos.com/v1).
 *
 * They select the manager and provider Services by their selector labels in the release
 * namespace, scrape the port named `metrics` at `/metrics`, and take the Prometheus `job` from
 * the Service label `virtrigaud.io/job` (`jobLabel`), so the job names the alerts use
 * (`managerJobName`, `providerJobName`) are the ones Prometheus gives the targets.
 */
import { Construct } from 'constructs';
import {
  ServiceMonitor,
  ServiceMonitorSpecEndpoints,
  ServiceMonitorSpecEndpointsMetricRelabelings,
  ServiceMonitorSpecEndpointsMetricRelabelingsAction,
  ServiceMonitorSpecEndpointsRelabelings,
  ServiceMonitorSpecEndpointsRelabelingsAction,
  ServiceMonitorSpecEndpointsScheme,
  ServiceMonitorSpecEndpointsTlsConfig,
} from '../../imports/monitoring.coreos.com';
import { ReleaseContext, resourceName } from '../conventions/names';
import { JOB_LABEL, objectMeta, selectorLabels } from '../conventions/labels';
import { METRICS_PORT_NAME } from '../conventions/ports';
import type { MonitoringValues, RelabelConfig } from '../values/monitoring-values';

/** Service port name both ServiceMonitors scrape. */
export { METRICS_PORT_NAME };
export const METRICS_PATH = '/metrics';

type ServiceMonitorValues = MonitoringValues['serviceMonitors'];
type TlsValues = ServiceMonitorValues['manager']['tlsConfig'];
type AuthorizationValues = ServiceMonitorValues['manager']['authorization'];

export interface ServiceMonitorsProps {
  readonly context: ReleaseContext;
  readonly values: ServiceMonitorValues;
  readonly additionalLabels: Readonly<Record<string, string>>;
  /** The manager serves `/metrics` over HTTPS with Kubernetes authn/authz. */
  readonly managerSecure: boolean;
  /** Name of the manager's Service (in the release namespace). */
  readonly managerServiceName: string;
}

/**
 * TLS of a scrape. `serviceDnsName`: the server name a verified certificate is checked against when
 * `serverName` is empty (Prometheus scrapes Pod IPs, which serving certificates rarely name).
 */
function tlsConfig(tls: TlsValues, serviceDnsName?: string): ServiceMonitorSpecEndpointsTlsConfig {
  const { secretName, configMapName, key } = tls.ca;
  const ca = secretName !== '' ? { secret: { name: secretName, key } } : configMapName !== '' ? { configMap: { name: configMapName, key } } : undefined;
  const serverName = tls.serverName !== '' ? tls.serverName : ca ? serviceDnsName : undefined;
  return {
    ...(ca ? { ca } : { insecureSkipVerify: tls.insecureSkipVerify }),
    ...(serverName ? { serverName } : {}),
  };
}

function authorization(auth: AuthorizationValues): Partial<ServiceMonitorSpecEndpoints> {
  switch (auth.mode) {
    case 'serviceAccountToken':
      // A ServiceMonitor's `authorization` (v0.93.0) takes a Secret only, no file; bearerTokenFile
      // (deprecated, still supported) is how a ServiceMonitor sends Prometheus' own token.
      return { bearerTokenFile: auth.tokenFile };
    case 'secret':
      return { authorization: { type: 'Bearer', credentials: { name: auth.secret.name, key: auth.secret.key } } };
    default:
      return {};
  }
}

/** Metric relabelings: drop the high-cardinality labels, then the user's. */
export function metricRelabelings(values: ServiceMonitorValues): ServiceMonitorSpecEndpointsMetricRelabelings[] {
  const drop: ServiceMonitorSpecEndpointsMetricRelabelings[] =
    values.dropLabels.length > 0 ? [{ action: ServiceMonitorSpecEndpointsMetricRelabelingsAction.LABELDROP, regex: `(${[...values.dropLabels].sort().join('|')})` }] : [];
  return [...drop, ...values.metricRelabelings.map((r) => relabel(r) as ServiceMonitorSpecEndpointsMetricRelabelings)];
}

function relabel(r: RelabelConfig): ServiceMonitorSpecEndpointsRelabelings {
  return {
    ...(r.sourceLabels !== undefined ? { sourceLabels: r.sourceLabels } : {}),
    ...(r.separator !== undefined ? { separator: r.separator } : {}),
    ...(r.targetLabel !== undefined ? { targetLabel: r.targetLabel } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.modulus !== undefined ? { modulus: r.modulus } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action !== undefined ? { action: r.action as ServiceMonitorSpecEndpointsRelabelingsAction } : {}),
  };
}

function endpoint(values: ServiceMonitorValues, security: Partial<ServiceMonitorSpecEndpoints>): ServiceMonitorSpecEndpoints {
  const relabelings = values.relabelings.map(relabel);
  const metric = metricRelabelings(values);
  return {
    port: METRICS_PORT_NAME,
    path: METRICS_PATH,
    interval: values.interval,
    scrapeTimeout: values.scrapeTimeout,
    ...(values.honorLabels ? { honorLabels: true } : {}),
    ...security,
    ...(relabelings.length > 0 ? { relabelings } : {}),
    ...(metric.length > 0 ? { metricRelabelings: metric } : {}),
  };
}

/** `serviceDnsName`: the manager Service's `<name>.<namespace>.svc`, the server name a CA-verified scrape expects by default. */
export function managerEndpoint(values: ServiceMonitorValues, secure: boolean, serviceDnsName?: string): ServiceMonitorSpecEndpoints {
  return endpoint(
    values,
    secure
      ? { scheme: ServiceMonitorSpecEndpointsScheme.HTTPS, tlsConfig: tlsConfig(values.manager.tlsConfig, serviceDnsName), ...authorization(values.manager.authorization) }
      : { scheme: ServiceMonitorSpecEndpointsScheme.HTTP },
  );
}

export function providersEndpoint(values: ServiceMonitorValues): ServiceMonitorSpecEndpoints {
  const p = values.providers;
  return endpoint(values, {
    scheme: p.scheme === 'https' ? ServiceMonitorSpecEndpointsScheme.HTTPS : ServiceMonitorSpecEndpointsScheme.HTTP,
    ...(p.scheme === 'https' ? { tlsConfig: tlsConfig(p.tlsConfig) } : {}),
    ...authorization(p.authorization),
  });
}

/** Creates the enabled ServiceMonitors; returns them by component. */
export function createServiceMonitors(scope: Construct, props: ServiceMonitorsProps): { manager?: ServiceMonitor; providers?: ServiceMonitor } {
  const { context: ctx, values } = props;
  if (!values.enabled) return {};
  const make = (id: string, name: string, component: 'manager' | 'provider', ep: ServiceMonitorSpecEndpoints) =>
    new ServiceMonitor(scope, id, {
      metadata: objectMeta(ctx, name, 'monitoring', { labels: props.additionalLabels }),
      spec: {
        jobLabel: JOB_LABEL,
        selector: { matchLabels: selectorLabels(ctx, component) },
        namespaceSelector: { matchNames: [ctx.namespace] },
        endpoints: [ep],
      },
    });
  return {
    manager: values.manager.enabled
      ? make('manager-service-monitor', resourceName(ctx, 'manager'), 'manager', managerEndpoint(values, props.managerSecure, `${props.managerServiceName}.${ctx.namespace}.svc`))
      : undefined,
    providers: values.providers.enabled ? make('providers-service-monitor', resourceName(ctx, 'providers'), 'provider', providersEndpoint(values)) : undefined,
  };
}
