import { createHash } from 'crypto';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  Provider,
  ProviderSpecRuntimeAffinity,
  ProviderSpecRuntimeEnvValueFromResourceFieldRefDivisor as Divisor,
  ProviderSpecRuntimeImagePullPolicy,
  ProviderSpecRuntimeLogFormat,
  ProviderSpecRuntimeLogLevel,
  ProviderSpecRuntimeMode,
  ProviderSpecRuntimeResourcesLimits as Limit,
  ProviderSpecRuntimeResourcesRequests as Request,
  ProviderSpecType,
} from '../../imports/infra.virtrigaud.io';
import { imageReference } from '../values/common';
import type { ProviderOptions } from '../props';
import { PROVIDER_DEFAULTS_ENV, PROVIDER_ENV } from '../conventions/env';
import { providersSchema, ProviderType, ProviderValues } from '../values/provider-values';
import { providerIssues } from '../values/schema';
import { DEFAULT_PROFILE, Profile } from '../profile';
import { addPartValidation } from '../parts/validation';
import { managedProviderServiceName, providerJobName, providerResourceName, ReleaseContext } from '../conventions/names';
import { GRPC_PORT_NAME, METRICS_PORT_NAME, PROVIDER_HEALTH_PORT } from '../conventions/ports';
import { releaseContext, ReleaseContextProps } from './context';
import { chartNamespace, parsePart } from '../parts/parse-part';
import { ParsedProps, partProps, ReleasePart } from '../parts/release-part';
import { INSTANCE_LABEL, JOB_LABEL, NAME_LABEL, objectMeta, PROVIDER_NAME_LABEL, PROVIDER_TYPE_LABEL, selectorLabels, standardLabels } from './labels';
import { envVars, envVarsWithDivisor, resourceQuantities, resourceRequirements, restrictedPodSpec, SURGE_ROLLING_UPDATE } from './pod';
import { restrictedContainerSecurityContext } from './security';

export const PROVIDER_CONTAINER = 'provider';
/** Port of `/healthz` and `/metrics` of every provider (`--health-port`). */
export const PROVIDER_METRICS_PORT = PROVIDER_HEALTH_PORT;
export { managedProviderServiceName, providerResourceName };
export const CREDENTIALS_MOUNT_PATH = '/etc/virtrigaud/credentials';
export const TLS_MOUNT_PATH = '/etc/virtrigaud/tls';
/** Pod annotation carrying a hash of the provider's (non-secret) settings. */
export const CONFIG_HASH_ANNOTATION = 'virtrigaud.io/config-hash';
/** Read-only for the owner and the pod's fsGroup (65532). */
const SECRET_FILE_MODE = 0o440;

/**
 * Image repository of a provider type (`projectbeskar/virtrigaud/provider-vsphere`).
 * @internal
 */
export function providerRepository(type: ProviderType): string {
  return `projectbeskar/virtrigaud/provider-${type}`;
}

/**
 * Secret with the provider's gRPC certificate (`tls.crt`, `tls.key`, `ca.crt`).
 * @internal
 */
export function providerTlsSecretName(ctx: ReleaseContext, provider: ProviderValues): string {
  return provider.tls.secretName ?? `${providerResourceName(ctx, provider.name)}-tls`;
}

/**
 * Labels of every object of a provider: standard labels plus the provider's name and type.
 * @internal
 */
export function providerLabels(ctx: ReleaseContext, provider: ProviderValues): Record<string, string> {
  return standardLabels(ctx, 'provider', { [PROVIDER_NAME_LABEL]: provider.name, [PROVIDER_TYPE_LABEL]: provider.type });
}

/**
 * Name of a provider's main object: `<release>-provider-<name>` for a Deployment; for a `Provider`
 * custom resource just `<name>` (what users write in `providerRef`, and the manager prefixes it again).
 * @internal
 */
export function providerObjectName(ctx: ReleaseContext, provider: ProviderValues): string {
  return provider.mode === 'custom-resource' ? provider.name : providerResourceName(ctx, provider.name);
}

/**
 * Labels selecting a provider's pods. `deployment` mode: the release's stable selector labels.
 * `custom-resource` mode: the labels the v0.3.11 manager puts on the pods it creates
 * (`app.kubernetes.io/name: virtrigaud-provider`, `app.kubernetes.io/instance: <Provider name>`).
 * @internal
 */
export function providerPodSelector(ctx: ReleaseContext, provider: ProviderValues): Record<string, string> {
  return provider.mode === 'custom-resource'
    ? { [NAME_LABEL]: 'virtrigaud-provider', [INSTANCE_LABEL]: provider.name }
    : selectorLabels(ctx, 'provider', { [PROVIDER_NAME_LABEL]: provider.name });
}

/**
 * Provider command-line flags (the image's entrypoint is `/usr/local/bin/provider-<type>`).
 * @internal
 */
export function providerArgs(provider: ProviderValues): string[] {
  return [`--port=${provider.grpcPort}`, `--health-port=${PROVIDER_METRICS_PORT}`];
}

/**
 * Path of the endpoint CA bundle (`caBundleKey`) inside the mounted credentials Secret.
 * @internal
 */
export function caBundlePath(key: string): string {
  return `${CREDENTIALS_MOUNT_PATH}/${key}`;
}

/**
 * `SSL_CERT_FILE` for `caBundleKey`: Go's TLS then trusts that bundle instead of the image's CAs.
 * @internal
 */
export function caBundleEnv(provider: ProviderValues): k8s.EnvVar[] {
  return provider.caBundleKey === undefined ? [] : [{ name: PROVIDER_ENV.caBundle, value: caBundlePath(provider.caBundleKey) }];
}

/** `PROVIDER_DEFAULT_*` of `defaults` (what the v0.3.11 manager derives from `spec.defaults`). */
function defaultsEnv(provider: ProviderValues): k8s.EnvVar[] {
  const d = provider.defaults ?? {};
  return (Object.keys(PROVIDER_DEFAULTS_ENV) as (keyof typeof PROVIDER_DEFAULTS_ENV)[]).flatMap((k) => (d[k] === undefined ? [] : [{ name: PROVIDER_DEFAULTS_ENV[k], value: d[k] }]));
}

/**
 * The provider's environment (`deployment` mode; the manager sets the same from a `Provider`). With TLS off, `VIRTRIGAUD_PROVIDER_INSECURE=true` is the explicit
 * plaintext opt-out VirtRigaud ≥ v0.3.7 providers need to start without certificates.
 * @internal
 */
export function providerEnv(provider: ProviderValues): k8s.EnvVar[] {
  return [
    { name: PROVIDER_ENV.type, value: provider.type },
    { name: PROVIDER_ENV.endpoint, value: provider.endpoint },
    { name: PROVIDER_ENV.namespace, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: PROVIDER_ENV.logLevel, value: provider.logLevel },
    { name: PROVIDER_ENV.logFormat, value: provider.logFormat },
    { name: PROVIDER_ENV.tlsEnabled, value: String(provider.tls.enabled) },
    ...(provider.tls.enabled ? [] : [{ name: PROVIDER_ENV.plaintext, value: 'true' }]),
    { name: PROVIDER_ENV.insecureSkipVerify, value: String(provider.insecureSkipVerify) },
    ...defaultsEnv(provider),
    ...caBundleEnv(provider),
    ...envVars(provider.env),
  ];
}

export interface VirtRigaudProviderProps {
  /** The release. @default - the defaults of the values, in the chart's namespace if it has one */
  readonly context?: ReleaseContextProps;
  /**
   * Which VirtRigaud the release targets (value `profile`): `mode: deployment` only with `documented`.
   * @default "v0.3.11"
   */
  readonly profile?: Profile;
  /** One entry of `providers`: its type and mode decide which fields it may have. */
  readonly values: ProviderOptions;
  /**
   * Secrets for pulling images (`deployment` mode; the v0.3.11 manager ignores them on `Provider`
   * objects, so they are not rendered there). @default - none
   */
  readonly imagePullSecrets?: readonly { readonly name: string }[];
}

/** `VirtRigaudProviderProps` as `VirtRigaud` hands them over. @internal */
export type ParsedProviderProps = ParsedProps<VirtRigaudProviderProps, { readonly values: ProviderValues }>;

/**
 * One VirtRigaud provider instance. `deployment` mode: ServiceAccount, Deployment and Service
 * `<release>-provider-<name>`. `custom-resource` mode: a `Provider` object of that name, from
 * which the VirtRigaud manager creates the Deployment and Service itself.
 */
export class VirtRigaudProvider extends Construct {
  /** Name of the provider's objects. */
  public readonly name: string;
  /** Labels selecting the provider's pods. */
  public readonly podSelector: Readonly<Record<string, string>>;
  /** The release this provider belongs to (after defaults). */
  public readonly context: ReleaseContext;
  /** gRPC port the provider serves to the manager. */
  public readonly grpcPort: number;
  /** Port of the provider's `/healthz` and `/metrics`. */
  public readonly metricsPort: number;
  /** Prometheus `job` of every provider target, as the alerts select them. */
  public readonly jobName: string;
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  public readonly deployment?: k8s.KubeDeployment;
  public readonly service?: k8s.KubeService;
  public readonly customResource?: Provider;

  constructor(scope: Construct, id: string, props: VirtRigaudProviderProps | ReleasePart) {
    super(scope, id);
    const { context: ctx, values: p, imagePullSecrets } = partProps<VirtRigaudProviderProps, ParsedProviderProps>(
      props,
      (raw) => ({ ...raw, context: releaseContext(raw.context, chartNamespace(this)), values: parsePart(providersSchema, [raw.values], ['providers'])[0] }),
      // Checked as the only entry of `providers`.
      (parsed) => addPartValidation(this, { key: ['providers', 0], issues: () => providerIssues({ ...parsed.context, profile: parsed.profile ?? DEFAULT_PROFILE }, parsed.values) }),
    );
    this.context = ctx;
    this.grpcPort = p.grpcPort;
    this.metricsPort = PROVIDER_METRICS_PORT;
    this.jobName = providerJobName(ctx);
    this.name = providerObjectName(ctx, p);
    this.podSelector = providerPodSelector(ctx, p);
    const image = imageReference(p.image, { repository: providerRepository(p.type), tag: ctx.version });
    const tlsSecret = p.tls.enabled ? providerTlsSecretName(ctx, p) : undefined;

    if (p.mode === 'custom-resource') {
      this.customResource = new Provider(this, 'provider', {
        metadata: objectMeta(ctx, this.name, 'provider', { labels: providerLabels(ctx, p) }),
        spec: {
          type: p.type as ProviderSpecType,
          endpoint: p.endpoint,
          credentialSecretRef: { name: p.credentialsSecret },
          ...(p.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
          ...(p.defaults && Object.keys(p.defaults).length > 0 ? { defaults: { ...p.defaults } } : {}),
          runtime: {
            mode: ProviderSpecRuntimeMode.REMOTE,
            image,
            imagePullPolicy: p.image.pullPolicy as ProviderSpecRuntimeImagePullPolicy,
            // (No imagePullSecrets and no probes: the v0.3.11 manager ignores both.)
            replicas: p.replicas,
            resources: resourceQuantities(p.resources, Request.fromString, Limit.fromString),
            securityContext: restrictedContainerSecurityContext(),
            service: { port: p.grpcPort, tls: { enabled: p.tls.enabled, ...(tlsSecret ? { secretRef: { name: tlsSecret } } : {}) } },
            logLevel: p.logLevel as ProviderSpecRuntimeLogLevel,
            logFormat: p.logFormat as ProviderSpecRuntimeLogFormat,
            ...(p.env.length > 0 || p.caBundleKey !== undefined ? { env: [...caBundleEnv(p), ...envVarsWithDivisor(p.env, Divisor.fromString)] } : {}),
            ...(Object.keys(p.nodeSelector).length > 0 ? { nodeSelector: p.nodeSelector } : {}),
            ...(p.tolerations.length > 0 ? { tolerations: p.tolerations } : {}),
            ...(Object.keys(p.affinity).length > 0 ? { affinity: p.affinity as ProviderSpecRuntimeAffinity } : {}),
          },
        },
      });
      return;
    }

    const labels = providerLabels(ctx, p);
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'service-account', {
      metadata: objectMeta(ctx, this.name, 'provider', { labels }),
      automountServiceAccountToken: false,
    });

    const volumes: k8s.Volume[] = [
      { name: 'credentials', secret: { secretName: p.credentialsSecret, defaultMode: SECRET_FILE_MODE } },
      ...(tlsSecret ? [{ name: 'tls', secret: { secretName: tlsSecret, defaultMode: SECRET_FILE_MODE } }] : []),
    ];
    const container: k8s.Container = {
      name: PROVIDER_CONTAINER,
      image,
      imagePullPolicy: p.image.pullPolicy,
      args: providerArgs(p),
      ports: [
        { name: GRPC_PORT_NAME, containerPort: p.grpcPort, protocol: 'TCP' },
        { name: METRICS_PORT_NAME, containerPort: PROVIDER_METRICS_PORT, protocol: 'TCP' },
      ],
      env: providerEnv(p),
      livenessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(PROVIDER_METRICS_PORT) }, initialDelaySeconds: 15, periodSeconds: 20 },
      readinessProbe: { httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(PROVIDER_METRICS_PORT) }, initialDelaySeconds: 5, periodSeconds: 10 },
      resources: resourceRequirements(p.resources),
      volumeMounts: [
        { name: 'credentials', mountPath: CREDENTIALS_MOUNT_PATH, readOnly: true },
        ...(tlsSecret ? [{ name: 'tls', mountPath: TLS_MOUNT_PATH, readOnly: true }] : []),
      ],
    };

    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: objectMeta(ctx, this.name, 'provider', { labels }),
      spec: {
        replicas: p.replicas,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { ...this.podSelector } },
        strategy: SURGE_ROLLING_UPDATE,
        template: {
          metadata: {
            labels: { ...labels, ...p.podLabels },
            annotations: {
              'kubectl.kubernetes.io/default-container': PROVIDER_CONTAINER,
              ...p.podAnnotations,
              [CONFIG_HASH_ANNOTATION]: configHash(p, image, tlsSecret),
            },
          },
          spec: restrictedPodSpec({
            serviceAccountName: this.name,
            automountServiceAccountToken: false,
            container,
            volumes,
            imagePullSecrets,
            pod: p,
            // Providers stage whole disks and images in /tmp: no size limit that would evict them.
            tmpSizeLimit: null,
          }),
        },
      },
    });

    this.service = new k8s.KubeService(this, 'service', {
      metadata: objectMeta(ctx, this.name, 'provider', { labels: { ...labels, [JOB_LABEL]: providerJobName(ctx) } }),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podSelector },
        ports: [
          { name: GRPC_PORT_NAME, port: p.grpcPort, targetPort: k8s.IntOrString.fromString(GRPC_PORT_NAME), protocol: 'TCP' },
          { name: METRICS_PORT_NAME, port: PROVIDER_METRICS_PORT, targetPort: k8s.IntOrString.fromString(METRICS_PORT_NAME), protocol: 'TCP' },
        ],
      },
    });
  }
}

/**
 * Hash of the provider's settings: Secret *names*, never Secret contents (which the toolkit does not
 * know). It changes exactly when the provider's configuration does, for tools that track rollouts.
 */
function configHash(p: ProviderValues, image: string, tlsSecret: string | undefined): string {
  const settings = {
    type: p.type, endpoint: p.endpoint, credentialsSecret: p.credentialsSecret, tlsSecret, grpcPort: p.grpcPort, image, logLevel: p.logLevel, logFormat: p.logFormat, env: p.env,
    // New settings enter the hash only when set, so existing releases keep their hash.
    ...(p.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    ...(p.caBundleKey !== undefined ? { caBundleKey: p.caBundleKey } : {}),
    ...(p.defaults !== undefined ? { defaults: p.defaults } : {}),
  };
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16);
}

