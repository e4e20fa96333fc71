/**
 * The manager's RBAC against VirtRigaud v0.3.11's own rules (vendored unchanged with their
 * LICENSE, see vendor/virtrigaud-v0.3.11/SOURCES):
 * - charts/virtrigaud/templates/manager-rbac.yaml: the chart's ClusterRole, which we follow
 *   exactly, except that its leases rule lives in our leader-election Role;
 * - config/rbac/role.yaml: what controller-gen reads from the code's kubebuilder markers, all of
 *   which the manager must hold (the chart adds pods, listed by vmmigration_controller.go, and
 *   more verbs on status and finalizers);
 * - config/rbac/leader_election_role.yaml: the kustomize leader-election Role, which covers ours.
 */
import { readFileSync } from 'fs';
import { Testing } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { VirtRigaudManager } from '../../lib/constructs/manager';
import { packagePath } from '../../lib/paths';
import { managerSchema } from '../../lib/values/manager-values';
import { ctx } from '../release-context';

interface Rule { apiGroups?: string[]; resources?: string[]; verbs: string[]; nonResourceURLs?: string[] }

const upstream = (path: string) => readFileSync(packagePath('vendor/virtrigaud-v0.3.11', path), 'utf8');

/** Every (group, resource, verb) a list of rules grants, as `group/resource:verb`. */
function grants(rules: readonly Rule[]): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    expect(r.nonResourceURLs).toBeUndefined();
    for (const g of r.apiGroups ?? []) for (const res of r.resources ?? []) for (const v of r.verbs) out.add(`${g}/${res}:${v}`);
  }
  return [...out].sort();
}

/** The rules of the chart's ClusterRole: the YAML between its `rules:` and the additionalRules template. */
function chartClusterRoleRules(): Rule[] {
  const text = upstream('charts/virtrigaud/templates/manager-rbac.yaml');
  const start = text.indexOf('rules:', text.indexOf('kind: ClusterRole\n'));
  const end = text.indexOf('{{- with .Values.rbac.additionalRules }}', start);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  return (parse(text.slice(start, end)) as { rules: Rule[] }).rules;
}

const rulesOf = (path: string): Rule[] => parseAllDocuments(upstream(path)).map((d) => d.toJS()).find((o) => o?.rules).rules;

function rendered(values: unknown = {}) {
  const chart = Testing.chart();
  new VirtRigaudManager(chart, 'manager', { context: ctx, values: managerSchema.parse(values), imagePullSecrets: [] });
  const objects = Testing.synth(chart);
  const one = (kind: string) => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name !== 'virtrigaud-metrics-reader');
    expect(found).toHaveLength(1);
    return found[0].rules as Rule[];
  };
  return { clusterRole: one('ClusterRole'), leaderRole: () => one('Role') };
}

describe('manager RBAC against upstream v0.3.11', () => {
  const chart = grants(chartClusterRoleRules());
  const { clusterRole, leaderRole } = rendered();

  test('the vendored chart ClusterRole is read (a sanity floor for the parser)', () => {
    expect(chart).toContain('coordination.k8s.io/leases:update');
    expect(chart.length).toBeGreaterThan(50);
  });

  test("ClusterRole plus leader-election Role grant exactly the chart's ClusterRole", () => {
    expect(grants([...clusterRole, ...leaderRole()])).toEqual(chart);
  });

  test('leases are in the leader-election Role only', () => {
    expect(grants(clusterRole).filter((g) => g.startsWith('coordination.k8s.io/'))).toEqual([]);
    expect(grants(clusterRole)).toEqual(chart.filter((g) => !g.startsWith('coordination.k8s.io/')));
  });

  test('every permission the code declares (controller-gen role.yaml) is granted', () => {
    const declared = grants(rulesOf('config/rbac/role.yaml'));
    expect(declared.length).toBeGreaterThan(20);
    expect(declared.filter((g) => !grants(clusterRole).includes(g))).toEqual([]);
  });

  test("the leader-election Role grants nothing upstream's kustomize leader-election Role does not", () => {
    const upstreamLeader = grants(rulesOf('config/rbac/leader_election_role.yaml'));
    expect(grants(leaderRole()).filter((g) => !upstreamLeader.includes(g))).toEqual([]);
  });

  test('without leader election no leases are granted', () => {
    const off = rendered({ leaderElection: { enabled: false } });
    expect(grants(off.clusterRole).some((g) => g.startsWith('coordination.k8s.io/'))).toBe(false);
  });
});
