/** Port names and numbers of the release's pods and Services (no imports). */

/** Service and container port serving `/metrics`. */
export const METRICS_PORT_NAME = 'metrics';
/** The manager's `/healthz` and `/readyz` port. */
export const HEALTH_PORT_NAME = 'health';
/** The provider's gRPC port, which the manager dials. */
export const GRPC_PORT_NAME = 'grpc';

/** The provider's `--health-port` (`/healthz`; the chart and the manager use 8080 too). */
export const PROVIDER_HEALTH_PORT = 8080;
/** Defaults of the ports the values can change. */
export const DEFAULT_MANAGER_METRICS_PORT = 8080;
export const DEFAULT_MANAGER_HEALTH_PORT = 8081;
export const DEFAULT_PROVIDER_GRPC_PORT = 9443;
