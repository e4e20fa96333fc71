import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { imageReference } from '../values/common';

import type { ManagerOptions } from '../props';
import { managerSchema, ManagerValues } from '../values/manager-values';
import { managerIssues } from '../values/schema';
import { addPartValidation } from '../parts/validation';
import { managerJobName, ReleaseContext, releaseContext, ReleaseContextProps } from './context';
import { managerName } from '../conventions/names';
import { JOB_LABEL, objectMeta, selectorLabels, standardLabels } from './labels';
import { ManagerRbac } from './manager-rbac';
import { chartNamespace, parsePart } from '../parts/parse-part';
import { ParsedProps, partProps, ReleasePart } from '../parts/release-part';
import { envVars, resourceRequirements, restrictedPodSpec, SURGE_ROLLING_UPDATE } from './pod';
import { HEALTH_PORT_NAME, METRICS_PORT_NAME } from '../conventions/ports';

export const MANAGER_CONTAINER = 'manager';
export const MANAGER_REPOSITORY = 'projectbeskar/virtrigaud/manager';

export interface ManagerProps {
  /** The release. @default - the defaults of the values, in the chart's namespace if it has one */
  readonly context?: ReleaseContextProps;
  /** The `manager` values. @default - every key at its default (see `ManagerOptions`) */
  readonly values?: ManagerOptions;
  /** Secrets for pulling images. @default - none */
  readonly imagePullSecrets?: readonly { readonly name: string }[];
}

/** `ManagerProps` as `VirtRigaud` hands them over. @internal */
export type ParsedManagerProps = ParsedProps<ManagerProps, { readonly values: ManagerValues }>;

/**
 * Manager command-line flags.
 * @internal
 */
export function managerArgs(values: ManagerValues): string[] {
  return [
    `--metrics-bind-address=0.0.0.0:${values.metrics.port}`,
    `--health-probe-bind-address=0.0.0.0:${values.healthPort}`,
    ...(values.leaderElection.enabled ? ['--leader-elect'] : []),
    ...(values.metrics.secure ? ['--metrics-secure'] : []),
    `--zap-log-level=${values.logLevel}`,
    `--zap-encoder=${values.logFormat}`,
    ...values.extraArgs,
  ];
}

/**
 * The VirtRigaud manager: ServiceAccount, RBAC, Deployment, Service and (with replicas > 1)
 * PodDisruptionBudget `<release>-manager`.
 */
export class VirtRigaudManager extends Construct {
  /** Name of the Deployment, Service and ServiceAccount. */
  public readonly name: string;
  /** Labels selecting the manager pods. */
  public readonly podSelector: Readonly<Record<string, string>>;
  /** The release this manager belongs to (after defaults). */
  public readonly context: ReleaseContext;
  /** Port of `/metrics` (Service port `metrics`). */
  public readonly metricsPort: number;
  /** Port of `/healthz` and `/readyz` (Service port `health`). */
  public readonly healthPort: number;
  /** Prometheus `job` of the manager targets, as the alerts select them. */
  public readonly jobName: string;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;

  constructor(scope: Construct, id: string, props: ManagerProps | ReleasePart = {}) {
    super(scope, id);
    const { context: ctx, values, imagePullSecrets } = partProps<ManagerProps, ParsedManagerProps>(
      props,
      (raw) => ({ ...raw, context: releaseContext(raw.context, chartNamespace(this)), values: parsePart(managerSchema, raw.values ?? {}, ['manager']) }),
      (parsed) => addPartValidation(this, { key: ['manager'], issues: () => managerIssues(parsed.values) }),
    );
    this.context = ctx;
    this.metricsPort = values.metrics.port;
    this.healthPort = values.healthPort;
    this.jobName = managerJobName(ctx);
    this.name = managerName(ctx);
    this.podSelector = selectorLabels(ctx, 'manager');
    const serviceAccountName = values.serviceAccount.name ?? this.name;

    new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: objectMeta(ctx, serviceAccountName, 'manager', { annotations: values.serviceAccount.annotations }),
      automountServiceAccountToken: true,
    });

    new ManagerRbac(this, 'rbac', {
      context: ctx,
      serviceAccountName,
      leaderElection: values.leaderElection.enabled,
      secureMetrics: values.metrics.secure ? { scraperServiceAccount: values.metrics.scraperServiceAccount } : undefined,
    });

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: objectMeta(ctx, this.name, 'manager'),
      spec: {
        replicas: values.replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { ...this.podSelector } },
        strategy: SURGE_ROLLING_UPDATE,
        template: {
          metadata: {
            labels: { ...standardLabels(ctx, 'manager'), ...values.podLabels },
            annotations: { 'kubectl.kubernetes.io/default-container': MANAGER_CONTAINER, ...values.podAnnotations },
          },
          spec: restrictedPodSpec({
            serviceAccountName,
            automountServiceAccountToken: true,
            terminationGracePeriodSeconds: values.terminationGracePeriodSeconds,
            imagePullSecrets,
            pod: values,
            container: {
              name: MANAGER_CONTAINER,
              image: imageReference(values.image, { repository: MANAGER_REPOSITORY, tag: ctx.version }),
              imagePullPolicy: values.image.pullPolicy,
              command: ['/manager'],
              args: managerArgs(values),
              ports: [
                { name: METRICS_PORT_NAME, containerPort: values.metrics.port, protocol: 'TCP' },
                { name: HEALTH_PORT_NAME, containerPort: values.healthPort, protocol: 'TCP' },
              ],
              ...(values.env.length > 0 ? { env: envVars(values.env) } : {}),
              livenessProbe: {
                httpGet: { path: '/healthz', port: k8s.IntOrString.fromString(HEALTH_PORT_NAME) },
                initialDelaySeconds: 15,
                periodSeconds: 20,
              },
              readinessProbe: {
                httpGet: { path: '/readyz', port: k8s.IntOrString.fromString(HEALTH_PORT_NAME) },
                initialDelaySeconds: 5,
                periodSeconds: 10,
              },
              resources: resourceRequirements(values.resources),
            },
          }),
        },
      },
    });

    this.service = new k8s.KubeService(this, 'service', {
      metadata: objectMeta(ctx, this.name, 'manager', { labels: { [JOB_LABEL]: managerJobName(ctx) } }),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podSelector },
        ports: [
          { name: METRICS_PORT_NAME, port: values.metrics.port, targetPort: k8s.IntOrString.fromString(METRICS_PORT_NAME), protocol: 'TCP' },
          { name: HEALTH_PORT_NAME, port: values.healthPort, targetPort: k8s.IntOrString.fromString(HEALTH_PORT_NAME), protocol: 'TCP' },
        ],
      },
    });

    if (values.replicas > 1 && values.podDisruptionBudget.enabled) {
      new k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata: objectMeta(ctx, this.name, 'manager'),
        spec: {
          minAvailable: k8s.IntOrString.fromNumber(values.podDisruptionBudget.minAvailable),
          selector: { matchLabels: { ...this.podSelector } },
        },
      });
    }
  }
}
