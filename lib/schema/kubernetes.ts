/**
 * Knowledge about the built-in Kubernetes 1.28 kinds: which kinds exist and their scope (cheap,
 * no file access), and their JSON schemas (from `vendor/kubernetes-1.28/_definitions.json`,
 * loaded and transformed on first use).
 */
import { readFileSync } from 'fs';
import { packagePath } from '../paths';
import { QUANTITY_PATTERN, DATE_TIME_PATTERN } from './patterns';
import { JsonSchema, transformSchema } from './transform';

export const KUBERNETES_DEFINITIONS_FILE = 'vendor/kubernetes-1.28/_definitions.json';
/** `$id` of the schema document that holds the transformed definitions. */
export const KUBERNETES_SCHEMA_ID = 'https://schemas.virtrigaud.invalid/kubernetes-1.28.json';

/**
 * Cluster-scoped kinds among the Kubernetes 1.28 resource kinds of the definitions file, which
 * carries no scope information. Every other kind of the file is namespaced. (`group/version Kind`,
 * core group without prefix.)
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'v1 ComponentStatus',
  'v1 Namespace',
  'v1 Node',
  'v1 PersistentVolume',
  'admissionregistration.k8s.io/v1 MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/v1 CustomResourceDefinition',
  'apiregistration.k8s.io/v1 APIService',
  'authentication.k8s.io/v1 SelfSubjectReview',
  'authentication.k8s.io/v1alpha1 SelfSubjectReview',
  'authentication.k8s.io/v1beta1 SelfSubjectReview',
  'authentication.k8s.io/v1 TokenReview',
  'authorization.k8s.io/v1 SelfSubjectAccessReview',
  'authorization.k8s.io/v1 SelfSubjectRulesReview',
  'authorization.k8s.io/v1 SubjectAccessReview',
  'certificates.k8s.io/v1 CertificateSigningRequest',
  'certificates.k8s.io/v1alpha1 ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema',
  'flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration',
  'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema',
  'flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration',
  'internal.apiserver.k8s.io/v1alpha1 StorageVersion',
  'networking.k8s.io/v1 IngressClass',
  'networking.k8s.io/v1alpha1 ClusterCIDR',
  'networking.k8s.io/v1alpha1 IPAddress',
  'node.k8s.io/v1 RuntimeClass',
  'rbac.authorization.k8s.io/v1 ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
  'resource.k8s.io/v1alpha2 ResourceClass',
  'scheduling.k8s.io/v1 PriorityClass',
  'storage.k8s.io/v1 CSIDriver',
  'storage.k8s.io/v1 CSINode',
  'storage.k8s.io/v1 StorageClass',
  'storage.k8s.io/v1 VolumeAttachment',
]);

/**
 * Every resource kind (a definition with a group-version-kind and ObjectMeta metadata) of the
 * Kubernetes 1.28 definitions, as `apiVersion kind`. Kept in sync with the vendored file by a test,
 * so that scope questions need not load the 1 MB definitions.
 */
export const KUBERNETES_RESOURCE_KINDS: readonly string[] = [
  'admissionregistration.k8s.io/v1 MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1alpha1 ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicyBinding',
  'apiextensions.k8s.io/v1 CustomResourceDefinition',
  'apiregistration.k8s.io/v1 APIService',
  'apps/v1 ControllerRevision',
  'apps/v1 DaemonSet',
  'apps/v1 Deployment',
  'apps/v1 ReplicaSet',
  'apps/v1 StatefulSet',
  'authentication.k8s.io/v1 SelfSubjectReview',
  'authentication.k8s.io/v1 TokenRequest',
  'authentication.k8s.io/v1 TokenReview',
  'authentication.k8s.io/v1alpha1 SelfSubjectReview',
  'authentication.k8s.io/v1beta1 SelfSubjectReview',
  'authorization.k8s.io/v1 LocalSubjectAccessReview',
  'authorization.k8s.io/v1 SelfSubjectAccessReview',
  'authorization.k8s.io/v1 SelfSubjectRulesReview',
  'authorization.k8s.io/v1 SubjectAccessReview',
  'autoscaling/v1 HorizontalPodAutoscaler',
  'autoscaling/v1 Scale',
  'autoscaling/v2 HorizontalPodAutoscaler',
  'batch/v1 CronJob',
  'batch/v1 Job',
  'certificates.k8s.io/v1 CertificateSigningRequest',
  'certificates.k8s.io/v1alpha1 ClusterTrustBundle',
  'coordination.k8s.io/v1 Lease',
  'discovery.k8s.io/v1 EndpointSlice',
  'events.k8s.io/v1 Event',
  'flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema',
  'flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration',
  'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema',
  'flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration',
  'internal.apiserver.k8s.io/v1alpha1 StorageVersion',
  'networking.k8s.io/v1 Ingress',
  'networking.k8s.io/v1 IngressClass',
  'networking.k8s.io/v1 NetworkPolicy',
  'networking.k8s.io/v1alpha1 ClusterCIDR',
  'networking.k8s.io/v1alpha1 IPAddress',
  'node.k8s.io/v1 RuntimeClass',
  'policy/v1 Eviction',
  'policy/v1 PodDisruptionBudget',
  'rbac.authorization.k8s.io/v1 ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1 Role',
  'rbac.authorization.k8s.io/v1 RoleBinding',
  'resource.k8s.io/v1alpha2 PodSchedulingContext',
  'resource.k8s.io/v1alpha2 ResourceClaim',
  'resource.k8s.io/v1alpha2 ResourceClaimTemplate',
  'resource.k8s.io/v1alpha2 ResourceClass',
  'scheduling.k8s.io/v1 PriorityClass',
  'storage.k8s.io/v1 CSIDriver',
  'storage.k8s.io/v1 CSINode',
  'storage.k8s.io/v1 CSIStorageCapacity',
  'storage.k8s.io/v1 StorageClass',
  'storage.k8s.io/v1 VolumeAttachment',
  'v1 Binding',
  'v1 ComponentStatus',
  'v1 ConfigMap',
  'v1 Endpoints',
  'v1 Event',
  'v1 LimitRange',
  'v1 Namespace',
  'v1 Node',
  'v1 PersistentVolume',
  'v1 PersistentVolumeClaim',
  'v1 Pod',
  'v1 PodTemplate',
  'v1 ReplicationController',
  'v1 ResourceQuota',
  'v1 Secret',
  'v1 Service',
  'v1 ServiceAccount',
];

const RESOURCE_KIND_SET: ReadonlySet<string> = new Set(KUBERNETES_RESOURCE_KINDS);

/** Whether a built-in kind is namespaced; undefined when it is not a Kubernetes 1.28 resource kind. */
export function kubernetesKindNamespaced(apiVersion: string, kind: string): boolean | undefined {
  const key = `${apiVersion} ${kind}`;
  if (!RESOURCE_KIND_SET.has(key)) return undefined;
  return !CLUSTER_SCOPED_KINDS.has(key);
}

type Definitions = Record<string, JsonSchema>;

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

const DEF_PREFIX = '#/definitions/';
const JSON_SCHEMA_PROPS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps';

function defRef(name: string): JsonSchema {
  return { $ref: `${KUBERNETES_SCHEMA_ID}${DEF_PREFIX}${name}` };
}

/**
 * Definitions whose vendored form is wrong or too loose for validation, replaced wholesale.
 * (The `JSONSchemaPropsOr*` wrappers are untyped in the definitions; `if`/`then`/`else` keeps
 * their error messages precise where `anyOf` would report every branch.)
 */
function replacementDefinitions(): Record<string, JsonSchema> {
  return {
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: ['string', 'number'], pattern: QUANTITY_PATTERN },
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: ['integer', 'string'] },
    'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', pattern: DATE_TIME_PATTERN },
    'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', pattern: DATE_TIME_PATTERN },
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray': {
      if: { type: 'array' },
      then: { items: defRef(JSON_SCHEMA_PROPS) },
      else: defRef(JSON_SCHEMA_PROPS),
    },
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': {
      if: { type: 'boolean' },
      else: defRef(JSON_SCHEMA_PROPS),
    },
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': {
      if: { type: 'array' },
      then: { items: { type: 'string' } },
      else: defRef(JSON_SCHEMA_PROPS),
    },
    // Any JSON value (CRD `default`, `example`, `enum` items).
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': {},
  };
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const C = 'io.k8s.api.core.v1.';

/**
 * Closed sets of values the 1.28 API server enforces but the OpenAPI v2 definitions only name in
 * descriptions (`protocol: HTTP` would otherwise pass). For an array property the items are
 * constrained. Every entry must name an existing property (checked when loading).
 */
export const ENUM_PATCHES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  [`${C}ContainerPort`]: { protocol: PROTOCOLS },
  [`${C}ServicePort`]: { protocol: PROTOCOLS },
  'io.k8s.api.networking.v1.NetworkPolicyPort': { protocol: PROTOCOLS },
  [`${C}Container`]: { imagePullPolicy: ['Always', 'IfNotPresent', 'Never'], terminationMessagePolicy: ['File', 'FallbackToLogsOnError'] },
  [`${C}EphemeralContainer`]: { imagePullPolicy: ['Always', 'IfNotPresent', 'Never'], terminationMessagePolicy: ['File', 'FallbackToLogsOnError'] },
  [`${C}ServiceSpec`]: {
    type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    sessionAffinity: ['None', 'ClientIP'],
    ipFamilyPolicy: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
  },
  [`${C}PodSpec`]: {
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    dnsPolicy: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
    preemptionPolicy: ['PreemptLowerPriority', 'Never'],
  },
  [`${C}PodSecurityContext`]: { fsGroupChangePolicy: ['OnRootMismatch', 'Always'] },
  [`${C}SeccompProfile`]: { type: ['Localhost', 'RuntimeDefault', 'Unconfined'] },
  [`${C}HTTPGetAction`]: { scheme: ['HTTP', 'HTTPS'] },
  [`${C}Toleration`]: { operator: ['', 'Exists', 'Equal'], effect: ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] },
  [`${C}TopologySpreadConstraint`]: {
    whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'],
    nodeAffinityPolicy: ['Honor', 'Ignore'],
    nodeTaintsPolicy: ['Honor', 'Ignore'],
  },
  [`${C}NodeSelectorRequirement`]: { operator: [...SELECTOR_OPERATORS, 'Gt', 'Lt'] },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { operator: SELECTOR_OPERATORS },
  'io.k8s.api.apps.v1.DeploymentStrategy': { type: ['Recreate', 'RollingUpdate'] },
  'io.k8s.api.networking.v1.NetworkPolicySpec': { policyTypes: ['Ingress', 'Egress'] },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': { unhealthyPodEvictionPolicy: ['IfHealthyBudget', 'AlwaysAllow'] },
  'io.k8s.api.rbac.v1.Subject': { kind: ['User', 'Group', 'ServiceAccount'] },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec': { scope: ['Cluster', 'Namespaced'] },
};

function applyEnumPatches(definitions: Definitions): void {
  for (const [def, props] of Object.entries(ENUM_PATCHES)) {
    const properties = definitions[def]?.properties as Record<string, JsonSchema> | undefined;
    for (const [prop, values] of Object.entries(props)) {
      const target = properties?.[prop];
      if (!target) throw new Error(`ENUM_PATCHES: ${def} has no property ${prop}`);
      if (target.type === 'array') target.items = { ...(target.items as JsonSchema), enum: [...values] };
      else target.enum = [...values];
    }
  }
}

export interface KubernetesSchemas {
  /** The document with every transformed definition, `$id` {@link KUBERNETES_SCHEMA_ID}. */
  readonly definitionsSchema: JsonSchema;
  /** The root schema of a resource kind (refers into {@link definitionsSchema}), or undefined. */
  kindSchema(apiVersion: string, kind: string): JsonSchema | undefined;
  /** Every `apiVersion kind` that has a resource schema. */
  readonly resourceKinds: readonly string[];
}

let cached: KubernetesSchemas | undefined;

/** Loads and transforms the vendored definitions (about 30 ms; done once). */
export function loadKubernetesSchemas(): KubernetesSchemas {
  if (cached) return cached;
  const raw = JSON.parse(readFileSync(packagePath(KUBERNETES_DEFINITIONS_FILE), 'utf8')) as { definitions: Definitions };
  const replacements = replacementDefinitions();
  const rewriteRef = (ref: string): string =>
    ref.startsWith(DEF_PREFIX) ? `${KUBERNETES_SCHEMA_ID}${ref}` : ref;
  const definitions: Definitions = {};
  const roots = new Map<string, { def: string; raw: JsonSchema }>();
  for (const [name, def] of Object.entries(raw.definitions)) {
    definitions[name] = replacements[name] ?? transformSchema(def, { structural: false, rewriteRef });
    const gvks = def['x-kubernetes-group-version-kind'] as GroupVersionKind[] | undefined;
    const meta = (def.properties as Record<string, JsonSchema> | undefined)?.metadata;
    if (!gvks || gvks.length !== 1 || meta?.$ref !== `${DEF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`) continue;
    roots.set(`${apiVersionOf(gvks[0])} ${gvks[0].kind}`, { def: name, raw: def });
  }
  applyEnumPatches(definitions);
  const definitionsSchema: JsonSchema = { $id: KUBERNETES_SCHEMA_ID, definitions };

  cached = {
    definitionsSchema,
    resourceKinds: [...roots.keys()].sort(),
    kindSchema(apiVersion: string, kind: string): JsonSchema | undefined {
      const root = roots.get(`${apiVersion} ${kind}`);
      if (!root) return undefined;
      const base = definitions[root.def];
      const properties = {
        ...(base.properties as Record<string, JsonSchema>),
        apiVersion: { const: apiVersion },
        kind: { const: kind },
      };
      const required = [...new Set([...((base.required as string[] | undefined) ?? []), 'apiVersion', 'kind', 'metadata'])];
      return { type: 'object', properties, required, additionalProperties: false };
    },
  };
  return cached;
}
