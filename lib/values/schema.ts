import { z } from 'zod';
import {
  annotationMap,
  dnsLabel,
  dnsSubdomain,
  imageSchema,
  labelMap,
  podValuesShape,
  resourcesSchema,
} from './common';
import { monitoringValuesSchema } from './monitoring-values';
import { providersSchema } from './provider-values';

/** Flags the manager construct sets itself; `manager.extraArgs` may not repeat them. */
export const MANAGED_MANAGER_FLAGS = ['--metrics-bind-address', '--health-probe-bind-address', '--leader-elect', '--metrics-secure', '--zap-log-level', '--zap-encoder'];

const labelSelector = z.strictObject({
  matchLabels: labelMap.optional().describe('Labels to match.'),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional()
    .describe('Set-based requirements.'),
});

const port = z.number().int().min(1).max(65535);

export const managerSchema = z
  .strictObject({
    replicas: z.number().int().min(0).max(20).default(1).describe('Manager replicas; extra replicas are leader-election standbys.'),
    image: imageSchema({ registry: 'ghcr.io', repository: 'projectbeskar/virtrigaud/manager' }).describe('Manager image.'),
    resources: resourcesSchema({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } }).describe('Manager container resources.'),
    extraArgs: z
      .array(z.string().regex(/^--[a-z0-9][-a-z0-9]*(=.*)?$/, 'must be a flag such as --zap-devel or --enable-http2=true'))
      .default([])
      .describe('Extra command-line flags of the manager.'),
    logLevel: z.enum(['debug', 'info', 'error']).default('info').describe('`--zap-log-level` of the manager.'),
    logFormat: z.enum(['json', 'console']).default('json').describe('`--zap-encoder` of the manager.'),
    leaderElection: z
      .strictObject({ enabled: z.boolean().default(true).describe('Run with `--leader-elect` (required when replicas > 1).') })
      .prefault({})
      .describe('Leader election.'),
    metrics: z
      .strictObject({
        port: port.default(8080).describe('Port of `/metrics` (Service port `metrics`).'),
        secure: z
          .boolean()
          .default(false)
          .describe('Serve `/metrics` over HTTPS with Kubernetes authentication and authorization (`--metrics-secure`); scrapers then need `get` on the non-resource URL `/metrics`.'),
        scraperServiceAccount: z
          .strictObject({
            name: dnsSubdomain('manager.metrics.scraperServiceAccount.name').default('prometheus-k8s').describe('ServiceAccount Prometheus scrapes with.'),
            namespace: dnsLabel('manager.metrics.scraperServiceAccount.namespace').default('monitoring').describe('Its namespace.'),
          })
          .prefault({})
          .describe('With `secure`: the ServiceAccount granted `get` on `/metrics`.'),
      })
      .prefault({})
      .describe('Manager metrics endpoint.'),
    healthPort: port.default(8081).describe('Port of `/healthz` and `/readyz` (Service port `health`).'),
    serviceAccount: z
      .strictObject({
        name: dnsSubdomain('manager.serviceAccount.name').optional().describe('ServiceAccount name. Default: `<release>-manager`.'),
        annotations: annotationMap.default({}).describe('Annotations of the ServiceAccount (e.g. workload identity).'),
      })
      .prefault({})
      .describe('Manager ServiceAccount (always created; its token is mounted: the manager talks to the API server).'),
    podDisruptionBudget: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Render a PodDisruptionBudget when replicas > 1.'),
        minAvailable: z.number().int().min(0).default(1).describe('`minAvailable` of the PodDisruptionBudget.'),
      })
      .prefault({})
      .describe('Manager PodDisruptionBudget.'),
    terminationGracePeriodSeconds: z.number().int().min(0).default(10).describe('Pod termination grace period.'),
    ...podValuesShape(),
  })
  .prefault({})
  .describe('The VirtRigaud manager (controller).');

export const networkPoliciesSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Render NetworkPolicies that allow exactly the traffic VirtRigaud needs.'),
    monitoring: z
      .strictObject({
        namespaceSelector: labelSelector
          .default({ matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } })
          .describe('Namespaces from which metrics may be scraped.'),
        podSelector: labelSelector.default({}).describe('Pods in those namespaces that may scrape (empty: all).'),
      })
      .prefault({})
      .describe('Who may scrape metrics and probe health.'),
    dns: z
      .strictObject({
        namespaceSelector: labelSelector.default({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }).describe('Namespace of the cluster DNS.'),
        podSelector: labelSelector.default({ matchLabels: { 'k8s-app': 'kube-dns' } }).describe('Cluster DNS pods.'),
        port: port.default(53).describe('DNS port (UDP and TCP).'),
      })
      .prefault({})
      .describe('Egress to the cluster DNS.'),
    apiServer: z
      .strictObject({
        cidrs: z.array(z.string()).default(['0.0.0.0/0']).describe('Addresses of the API server endpoints (narrow to the control-plane addresses).'),
        ports: z.array(port).default([443, 6443]).describe('API server ports.'),
      })
      .prefault({})
      .describe('Egress of the manager to the Kubernetes API server.'),
  })
  .prefault({})
  .describe('NetworkPolicies.');

export const valuesSchema = z
  .strictObject({
    releaseName: dnsLabel('releaseName')
      .refine((s) => s.length <= 30, { error: (iss) => `releaseName may have at most 30 characters (it prefixes every name); got ${JSON.stringify(iss.input)}` })
      .default('virtrigaud')
      .describe('Release name: the `app.kubernetes.io/instance` label and the prefix of every resource name.'),
    namespace: dnsLabel('namespace').default('virtrigaud-system').describe('Namespace of the release.'),
    createNamespace: z.boolean().default(true).describe('Render the Namespace object.'),
    namespaceLabels: labelMap
      .default({ 'pod-security.kubernetes.io/enforce': 'restricted' })
      .describe('Labels of the rendered Namespace (by default it enforces Pod Security "restricted").'),
    commonLabels: labelMap.default({}).describe('Labels added to every object (never to selectors).'),
    commonAnnotations: annotationMap.default({}).describe('Annotations added to every object.'),
    imagePullSecrets: z
      .array(z.strictObject({ name: dnsSubdomain('imagePullSecrets[].name').describe('Secret name.') }))
      .default([])
      .describe('Secrets for pulling images, for every pod (`- name: regcred`).'),
    crds: z
      .strictObject({
        install: z.boolean().default(true).describe('Render the 10 VirtRigaud CustomResourceDefinitions.'),
        annotations: annotationMap.default({}).describe('Extra annotations of the CRDs (e.g. `argocd.argoproj.io/sync-options: Prune=false`).'),
      })
      .prefault({})
      .describe('VirtRigaud CustomResourceDefinitions.'),
    manager: managerSchema,
    providers: providersSchema,
    networkPolicies: networkPoliciesSchema,
    monitoring: monitoringValuesSchema,
  })
  .superRefine((values, ctx) => {
    if (values.manager.replicas > 1 && !values.manager.leaderElection.enabled) {
      ctx.addIssue({ code: 'custom', path: ['manager', 'leaderElection', 'enabled'], message: `must be true when manager.replicas is ${values.manager.replicas}: two active managers would reconcile the same objects` });
    }
    values.manager.extraArgs.forEach((arg, i) => {
      const flag = arg.split('=')[0];
      if (MANAGED_MANAGER_FLAGS.includes(flag)) {
        ctx.addIssue({ code: 'custom', path: ['manager', 'extraArgs', i], message: `${flag} is set by the toolkit; use the matching value (manager.metrics, manager.healthPort, manager.leaderElection, manager.logLevel, manager.logFormat) instead` });
      }
    });
    const seen = new Map<string, number>();
    values.providers.forEach((provider, i) => {
      const first = seen.get(provider.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['providers', i, 'name'], message: `duplicate provider name ${JSON.stringify(provider.name)} (also providers[${first}].name)` });
      } else {
        seen.set(provider.name, i);
      }
      const fullName = `${values.releaseName}-provider-${provider.name}`;
      if (fullName.length > 63 || !/^[a-z]/.test(fullName)) {
        ctx.addIssue({ code: 'custom', path: ['providers', i, 'name'], message: `${JSON.stringify(provider.name)} makes the name ${JSON.stringify(fullName)} (${fullName.length} characters); Service names may have at most 63: shorten the provider name to at most ${63 - values.releaseName.length - 10} characters` });
      }
      if (provider.tls.enabled && provider.tls.secretName === undefined && `${fullName}-tls`.length > 253) {
        ctx.addIssue({ code: 'custom', path: ['providers', i, 'tls', 'secretName'], message: 'the default TLS Secret name is too long; set tls.secretName' });
      }
    });
  });

/** Values as users write them (every key optional). */
export type ValuesInput = z.input<typeof valuesSchema>;
/** Values after defaults: what constructs receive. */
export type Values = z.output<typeof valuesSchema>;
export type ManagerValues = Values['manager'];
export type NetworkPoliciesValues = Values['networkPolicies'];
