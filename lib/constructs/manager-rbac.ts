import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { clusterScoped } from './cluster-scoped';
import { ReleaseContext, resourceName } from './context';
import { objectMeta } from './labels';

const ALL_VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const READ = ['get', 'list', 'watch'];
const STATUS_WRITE = ['get', 'patch', 'update'];
const GROUP = 'infra.virtrigaud.io';

/** With sub-resources: `x`, `x/status`, `x/finalizers`. */
function withSubresources(resources: string[], subresources: string[]): string[] {
  return resources.flatMap((r) => [r, ...subresources.map((s) => `${r}/${s}`)]);
}

/** The manager's ClusterRole rules: exactly those of upstream chart 0.3.11's ClusterRole, less its leases (test/constructs/rbac-upstream.test.ts). */
export const MANAGER_CLUSTER_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: [GROUP], resources: withSubresources(['virtualmachines', 'providers', 'vmsnapshots', 'vmmigrations'], ['status', 'finalizers']), verbs: ALL_VERBS },
  { apiGroups: [GROUP], resources: withSubresources(['vmclones'], ['status', 'finalizers']), verbs: ['get', 'list', 'patch', 'update', 'watch'] },
  { apiGroups: [GROUP], resources: ['vmsets'], verbs: READ },
  { apiGroups: [GROUP], resources: ['vmsets/status'], verbs: STATUS_WRITE },
  { apiGroups: [GROUP], resources: withSubresources(['vmclasses'], ['status']), verbs: ['create', 'get', 'list', 'patch', 'update', 'watch'] },
  { apiGroups: [GROUP], resources: ['vmimages', 'vmnetworkattachments'], verbs: READ },
  { apiGroups: [GROUP], resources: ['vmimages/status'], verbs: STATUS_WRITE },
  { apiGroups: [''], resources: ['secrets'], verbs: READ },
  { apiGroups: [''], resources: ['pods'], verbs: READ },
  { apiGroups: [''], resources: ['services', 'persistentvolumeclaims'], verbs: ALL_VERBS },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ALL_VERBS },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

/** What `--metrics-secure` needs: the manager reviews scrapers' tokens and permissions. */
export const METRICS_AUTH_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
  { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
];

/** Leader election in the release namespace. */
export const LEADER_ELECTION_RULES: readonly k8s.PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create', 'get', 'list', 'update'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
];

export interface ManagerRbacProps {
  readonly context: ReleaseContext;
  /** ServiceAccount the manager runs as. */
  readonly serviceAccountName: string;
  /** Render the leader-election Role and RoleBinding. @default true */
  readonly leaderElection?: boolean;
  /** Grant what `--metrics-secure` needs, and `get /metrics` to this scraper. @default - metrics not secured */
  readonly secureMetrics?: { readonly scraperServiceAccount: { readonly name: string; readonly namespace: string } };
}

/** ClusterRole, ClusterRoleBinding and leader-election Role/RoleBinding of the manager. */
export class ManagerRbac extends Construct {
  constructor(scope: Construct, id: string, props: ManagerRbacProps) {
    super(scope, id);
    const ctx = props.context;
    const name = resourceName(ctx, 'manager');
    const subject: k8s.Subject = { kind: 'ServiceAccount', name: props.serviceAccountName, namespace: ctx.namespace };
    const clusterMeta = (n: string) => objectMeta(ctx, n, 'manager', { namespaced: false });

    clusterScoped(new k8s.KubeClusterRole(this, 'cluster-role', {
      metadata: clusterMeta(name),
      rules: [...MANAGER_CLUSTER_RULES, ...(props.secureMetrics ? METRICS_AUTH_RULES : [])],
    }));
    clusterScoped(new k8s.KubeClusterRoleBinding(this, 'cluster-role-binding', {
      metadata: clusterMeta(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [subject],
    }));

    if (props.leaderElection ?? true) {
      const leaderName = resourceName(ctx, 'leader-election');
      new k8s.KubeRole(this, 'leader-election-role', {
        metadata: objectMeta(ctx, leaderName, 'manager'),
        rules: [...LEADER_ELECTION_RULES],
      });
      new k8s.KubeRoleBinding(this, 'leader-election-role-binding', {
        metadata: objectMeta(ctx, leaderName, 'manager'),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: leaderName },
        subjects: [subject],
      });
    }

    if (props.secureMetrics) {
      const readerName = resourceName(ctx, 'metrics-reader');
      const scraper = props.secureMetrics.scraperServiceAccount;
      clusterScoped(new k8s.KubeClusterRole(this, 'metrics-reader-role', {
        metadata: clusterMeta(readerName),
        rules: [{ nonResourceUrLs: ['/metrics'], verbs: ['get'] }],
      }));
      clusterScoped(new k8s.KubeClusterRoleBinding(this, 'metrics-reader-binding', {
        metadata: clusterMeta(readerName),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: readerName },
        subjects: [{ kind: 'ServiceAccount', name: scraper.name, namespace: scraper.namespace }],
      }));
    }
  }
}
