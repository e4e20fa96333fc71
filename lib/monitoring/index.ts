/** virtrigaud-cdk8s/monitoring: the monitoring construct and the metrics and alert catalogs it is built from. */
export { Monitoring } from './monitoring';
export type { MonitoringProps } from './monitoring';
export type { MonitoringOptions } from '../props';
export { ALERT_NAMES, ALERTS, SEVERITIES } from '../alerts';
export type { AlertName, AlertSpec, Severity } from '../alerts';
export { PROFILES, DEFAULT_PROFILE } from '../profile';
export type { Profile } from '../profile';
export { validatePromQL, assertValidPromQL, PromQLError } from '../promql/validate';
export type { ValidateOptions } from '../promql/validate';
