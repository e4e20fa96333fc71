import { z } from 'zod';
import { managedProviderServiceName, MAX_SERVICE_NAME_LENGTH, providerResourceName, ReleaseContext } from '../conventions/names';
import { annotationMap, cidr, dnsLabel, dnsSubdomain, labelMap, labelSelector, port } from './common';
import { MANAGED_MANAGER_FLAGS, managerSchema, ManagerValues } from './manager-values';
import { monitoringValuesSchema } from './monitoring-values';
import { providersSchema, ProviderValues } from './provider-values';
import { DEFAULT_PROFILE, Profile, PROFILES } from '../profile';

/** A namespace selector that must name something: `{}` would admit every namespace. */
const namespaceSelector = (what: string) =>
  labelSelector.refine((s) => Object.keys(s.matchLabels ?? {}).length + (s.matchExpressions?.length ?? 0) > 0, {
    error: `an empty selector admits every namespace: name the ${what} namespace (matchLabels: {kubernetes.io/metadata.name: <namespace>}), or, to admit every namespace on purpose, say so with matchExpressions: [{key: kubernetes.io/metadata.name, operator: Exists}]`,
  });

export const networkPoliciesSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Render NetworkPolicies that allow exactly the traffic VirtRigaud needs.'),
    monitoring: z
      .strictObject({
        namespaceSelector: namespaceSelector('monitoring')
          .default({ matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } })
          .describe('Namespaces from which metrics may be scraped (never empty: `{}` would admit every namespace).'),
        podSelector: labelSelector.default({}).describe('Pods in those namespaces that may scrape (empty: all).'),
      })
      .prefault({})
      .describe('Who may scrape metrics and probe health.'),
    dns: z
      .strictObject({
        namespaceSelector: namespaceSelector('DNS').default({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }).describe('Namespace of the cluster DNS.'),
        podSelector: labelSelector.default({ matchLabels: { 'k8s-app': 'kube-dns' } }).describe('Cluster DNS pods.'),
        port: port.default(53).describe('DNS port (UDP and TCP).'),
      })
      .prefault({})
      .describe('Egress to the cluster DNS.'),
    apiServer: z
      .strictObject({
        cidrs: z
          .array(cidr)
          .min(1, { error: 'must list at least one CIDR: an egress rule without addresses would allow every destination' })
          .default(['0.0.0.0/0'])
          .describe('Addresses of the API server endpoints (narrow to the control-plane addresses).'),
        ports: z
          .array(port)
          .min(1, { error: 'must list at least one port: an egress rule without ports would allow every port' })
          .default([443, 6443])
          .describe('API server ports.'),
      })
      .prefault({})
      .describe('Egress of the manager to the Kubernetes API server.'),
  })
  .prefault({})
  .describe('NetworkPolicies.');

const PSS_ENFORCE = 'pod-security.kubernetes.io/enforce';

/** Labels the toolkit sets (on every object, or on the provider objects and Services); a commonLabels value for them would be silently replaced. */
const TOOLKIT_LABELS = [
  ...['name', 'instance', 'component', 'version', 'managed-by', 'part-of'].map((k) => `app.kubernetes.io/${k}`),
  ...['provider', 'provider-type', 'job'].map((k) => `virtrigaud.io/${k}`),
];

/** The values that make the release context (`ReleaseContext`): the values schema and each construct used on its own check them alike. */
const releaseFields = {
  releaseName: dnsLabel('releaseName')
    .refine((s) => s.length <= 30, { error: (iss) => `releaseName may have at most 30 characters (it prefixes every name); got ${JSON.stringify(iss.input)}` })
    .refine((s) => /^[a-z]/.test(s), { error: (iss) => `releaseName must start with a letter (it prefixes Service names, which are DNS-1035 labels); got ${JSON.stringify(iss.input)}` })
    .default('virtrigaud')
    .describe('Release name: the `app.kubernetes.io/instance` label and the prefix of every resource name. Unique per cluster: cluster-scoped objects (ClusterRoles, their bindings) carry it too.'),
  namespace: dnsLabel('namespace').default('virtrigaud-system').describe('Namespace of the release.'),
  commonLabels: labelMap
    .superRefine((labels, ctx) => {
      for (const key of Object.keys(labels)) {
        if (TOOLKIT_LABELS.includes(key)) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is set by the toolkit; commonLabels cannot override it` });
      }
    })
    .default({})
    .describe('Labels added to every object (never to selectors).'),
  commonAnnotations: annotationMap.default({}).describe('Annotations added to every object.'),
};

/** The release context of a construct used on its own: the values keys it comes from. */
export const releaseContextSchema = z.strictObject({ ...releaseFields, version: z.string().optional() });

/** A problem found by a rule of the release, at a key path relative to the part it checks. */
export interface PartIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The release's rules of the `manager` values (they need no other part): the values schema and a manager used on its own run them. */
export function managerIssues(manager: ManagerValues): PartIssue[] {
  const issues: PartIssue[] = [];
  if (manager.replicas > 1 && !manager.leaderElection.enabled) {
    issues.push({ path: ['leaderElection', 'enabled'], message: `must be true when manager.replicas is ${manager.replicas}: two active managers would reconcile the same objects` });
  }
  manager.extraArgs.forEach((arg, i) => {
    const flag = arg.split('=')[0];
    if (MANAGED_MANAGER_FLAGS.includes(flag)) {
      issues.push({ path: ['extraArgs', i], message: `${flag} is set by the toolkit; use the matching value (manager.metrics, manager.healthPort, manager.leaderElection, manager.logLevel, manager.logFormat) instead` });
    }
  });
  return issues;
}

/** The release's rules of one provider (its mode under the profile, the names the release gives it): the values schema and a provider used on its own run them. */
export function providerIssues(release: { readonly profile: Profile } & Pick<ReleaseContext, 'releaseName' | 'namespace'>, provider: ProviderValues): PartIssue[] {
  const issues: PartIssue[] = [];
  if (provider.mode === 'deployment' && release.profile === 'v0.3.11') {
    issues.push({
      path: ['mode'],
      message:
        'mode: deployment cannot be used with VirtRigaud v0.3.11 (profile: v0.3.11): its manager dials only the provider Services it creates itself from Provider objects, so VMs naming this provider would stay at "Provider not found". Use mode: custom-resource (the default); mode: deployment is only for profile: documented',
    });
  }
  const fullName = providerResourceName(release, provider.name);
  if (fullName.length > MAX_SERVICE_NAME_LENGTH || !/^[a-z]/.test(fullName)) {
    issues.push({ path: ['name'], message: `${JSON.stringify(provider.name)} makes the name ${JSON.stringify(fullName)} (${fullName.length} characters); Service names may have at most ${MAX_SERVICE_NAME_LENGTH}: shorten the provider name to at most ${MAX_SERVICE_NAME_LENGTH - providerResourceName(release, '').length} characters` });
  }
  const managedName = managedProviderServiceName(release, provider.name);
  if (provider.mode === 'custom-resource' && managedName.length > MAX_SERVICE_NAME_LENGTH) {
    issues.push({ path: ['name'], message: `with mode: custom-resource the VirtRigaud manager names the provider Service ${JSON.stringify(managedName)} (${managedName.length} characters); Service names may have at most ${MAX_SERVICE_NAME_LENGTH}: shorten the provider name or the namespace` });
  }
  if (provider.tls.enabled && provider.tls.secretName === undefined && `${fullName}-tls`.length > 253) {
    issues.push({ path: ['tls', 'secretName'], message: 'the default TLS Secret name is too long; set tls.secretName' });
  }
  return issues;
}

export const valuesSchema = z
  .strictObject({
    profile: z
      .enum(PROFILES, { error: (iss) => `unknown profile ${JSON.stringify(iss.input)}: use ${PROFILES.join(' or ')}` })
      .default(DEFAULT_PROFILE)
      .describe(
        'Which VirtRigaud the release targets: `v0.3.11` (the version installed, as shipped: the manager serves every metric and runs the providers itself) or `documented` (the spec\'s metrics catalog, providers serving `/metrics`). Selects the metrics catalog the alerts, recording rules and dashboard are built from, and whether `mode: deployment` providers can be used.',
      ),
    releaseName: releaseFields.releaseName,
    namespace: releaseFields.namespace,
    createNamespace: z.boolean().default(true).describe('Render the Namespace object.'),
    namespaceLabels: labelMap
      .default({ [PSS_ENFORCE]: 'restricted' })
      // Labels added here must not silently drop the enforcement: it stays unless set to another level.
      .transform((labels) => ({ [PSS_ENFORCE]: 'restricted', ...labels }))
      .describe(`Labels of the rendered Namespace. It always enforces Pod Security "restricted" (\`${PSS_ENFORCE}: restricted\`) unless this map sets another level.`),
    commonLabels: releaseFields.commonLabels,
    commonAnnotations: releaseFields.commonAnnotations,
    imagePullSecrets: z
      .array(z.strictObject({ name: dnsSubdomain('imagePullSecrets[].name').describe('Secret name.') }))
      .default([])
      .describe(
        'Secrets for pulling images, for every pod the release renders (`- name: regcred`). Provider pods of `mode: custom-resource` are built by the VirtRigaud manager, which ignores pull secrets: add the Secret to the `default` ServiceAccount of the namespace, which those pods run as.',
      ),
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
    const add = (prefix: PropertyKey[], issues: readonly PartIssue[]) => {
      for (const issue of issues) ctx.addIssue({ code: 'custom', path: [...prefix, ...issue.path], message: issue.message });
    };
    add(['manager'], managerIssues(values.manager));
    values.providers.forEach((provider, i) => {
      add(['providers', i], providerIssues(values, provider));
      const fullName = providerResourceName(values, provider.name);
      if (provider.mode === 'deployment' && values.manager.serviceAccount.name === fullName) {
        ctx.addIssue({ code: 'custom', path: ['manager', 'serviceAccount', 'name'], message: `${JSON.stringify(fullName)} is also the ServiceAccount of providers[${i}] (${provider.name}): one would overwrite the other; choose another name` });
      }
    });
  });

/** Values as users write them (every key optional). */
export type ValuesInput = z.input<typeof valuesSchema>;
/** Values after defaults: what constructs receive. */
export type Values = z.output<typeof valuesSchema>;
export type NetworkPoliciesValues = Values['networkPolicies'];
