import { Testing } from 'cdk8s';
import type { ProviderOptions } from '../../lib/props';
import { VirtRigaudManager } from '../../lib/constructs/manager';
import { VirtRigaudNetworkPolicies } from '../../lib/constructs/network-policies';
import { VirtRigaudProvider } from '../../lib/constructs/provider';
import { managerSchema } from '../../lib/values/manager-values';
import { ProviderInput } from '../../lib/values/provider-values';
import { networkPoliciesSchema } from '../../lib/values/schema';
import { ctx, expectValid, find, Manifest, parseProviders, SAMPLES, selects } from './provider-fixtures';

const MONITORING = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } };
const DNS = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };

/** What the manager needs whatever the providers. */
const MANAGER_FLOWS = [
  // Prometheus scrapes the manager's metrics and may probe its health endpoint.
  'virtrigaud-manager ingress monitoring TCP/8080',
  'virtrigaud-manager ingress monitoring TCP/8081',
  // The manager talks to the API server (ClusterIP 443, endpoints 6443) and resolves names.
  'virtrigaud-manager egress cidr:0.0.0.0/0 TCP/443',
  'virtrigaud-manager egress cidr:0.0.0.0/0 TCP/6443',
  'virtrigaud-manager egress dns UDP/53',
  'virtrigaud-manager egress dns TCP/53',
];
const MANAGER_PODS = { 'app.kubernetes.io/name': 'virtrigaud', 'app.kubernetes.io/instance': 'virtrigaud', 'app.kubernetes.io/component': 'manager' };
const providerPods = (name: string) => ({ 'app.kubernetes.io/name': 'virtrigaud', 'app.kubernetes.io/instance': 'virtrigaud', 'app.kubernetes.io/component': 'provider', 'virtrigaud.io/provider': name });
/** Labels the v0.3.11 manager puts on the pods it creates for a Provider object (upstream provider_controller.go). */
const managerCreatedPods = (providerObject: string, type: string) => ({
  'app.kubernetes.io/name': 'virtrigaud-provider',
  'app.kubernetes.io/instance': providerObject,
  'app.kubernetes.io/component': 'provider',
  'app.kubernetes.io/managed-by': 'virtrigaud',
  'virtrigaud.io/provider-type': type,
});

interface Release {
  objects: Manifest[];
  policies: Manifest[];
}

function render(providerInputs: ProviderInput[], networkPolicies: unknown = {}): Release {
  const chart = Testing.chart();
  const manager = managerSchema.parse({});
  const providers = parseProviders(providerInputs);
  new VirtRigaudManager(chart, 'manager', { context: ctx, values: manager });
  for (const values of providers) new VirtRigaudProvider(chart, `provider-${values.name}`, { context: ctx, profile: 'documented', values: values as ProviderOptions });
  new VirtRigaudNetworkPolicies(chart, 'network-policies', {
    context: ctx,
    values: networkPoliciesSchema.parse(networkPolicies),
    manager: { metricsPort: manager.metrics.port, healthPort: manager.healthPort },
    providers: providers as ProviderOptions[],
  });
  const objects = Testing.synth(chart) as Manifest[];
  return { objects, policies: objects.filter((o) => o.kind === 'NetworkPolicy') };
}

/** The pods of the release as (name, labels, named container ports), including those the manager creates from Provider objects. */
function pods(objects: Manifest[]) {
  const fromDeployments = objects
    .filter((o) => o.kind === 'Deployment')
    .map((d) => ({
      name: d.metadata.name,
      labels: d.spec.template.metadata.labels as Record<string, string>,
      ports: Object.fromEntries(d.spec.template.spec.containers.flatMap((c: any) => c.ports.map((p: any) => [p.name, p.containerPort]))) as Record<string, number>,
    }));
  const fromProviderObjects = objects
    .filter((o) => o.kind === 'Provider')
    .map((p) => ({
      name: p.metadata.name,
      labels: managerCreatedPods(p.metadata.name, p.spec.type),
      ports: { grpc: p.spec.runtime.service.port, metrics: 8080 }, // upstream container ports of manager-created provider pods
    }));
  return [...fromDeployments, ...fromProviderObjects];
}

/**
 * Every flow the policies allow, as `policy direction peer protocol/port`, with named ports
 * resolved on the pods they refer to (the policy's pods for ingress, the peer's pods for egress).
 */
function allowedFlows({ objects, policies }: Release): string[] {
  const all = pods(objects);
  const peerName = (peer: any): string => {
    const json = JSON.stringify(peer);
    if (json === JSON.stringify(MONITORING)) return 'monitoring';
    if (json === JSON.stringify(DNS)) return 'dns';
    if (peer.ipBlock && Object.keys(peer).length === 1) return `cidr:${peer.ipBlock.cidr}${peer.ipBlock.except ? `-except:${peer.ipBlock.except}` : ''}`;
    if (peer.podSelector && Object.keys(peer).length === 1) {
      const selected = all.filter((p) => selects(peer.podSelector.matchLabels, p.labels));
      return `pods:${selected.map((p) => p.name).join(',')}`;
    }
    return `UNEXPECTED:${json}`;
  };
  const resolve = (port: number | string, target: { ports: Record<string, number> }[]): string =>
    typeof port === 'number' ? String(port) : [...new Set(target.map((t) => t.ports[port] ?? `unresolved(${port})`))].join('|');
  const flows: string[] = [];
  for (const policy of policies) {
    const own = all.filter((p) => selects(policy.spec.podSelector.matchLabels, p.labels));
    for (const [direction, rules, peersKey] of [['ingress', policy.spec.ingress ?? [], 'from'], ['egress', policy.spec.egress ?? [], 'to']] as const) {
      for (const rule of rules) {
        for (const peer of rule[peersKey]) {
          const target = direction === 'ingress' ? own : all.filter((p) => peer.podSelector && !peer.namespaceSelector && selects(peer.podSelector.matchLabels, p.labels));
          const targets = direction === 'ingress' ? [own] : target.length > 0 ? target.map((t) => [t]) : [[]];
          for (const t of targets) {
            const name = direction === 'egress' && t.length === 1 ? `pods:${t[0].name}` : peerName(peer);
            for (const port of rule.ports) flows.push(`${policy.metadata.name} ${direction} ${name} ${port.protocol}/${resolve(port.port, t)}`);
          }
        }
      }
    }
  }
  return flows.sort();
}

describe('network policies: one per workload, allowing exactly the traffic VirtRigaud needs', () => {
  const inputs: ProviderInput[] = [
    SAMPLES.vsphere,
    { ...SAMPLES.libvirt, endpointCidrs: ['10.20.0.0/24', '10.21.0.0/24'] },
    { ...SAMPLES.proxmox, grpcPort: 10443 },
    { name: 'kvm', type: 'libvirt', mode: 'custom-resource', endpoint: 'qemu+tls://kvm02.example.com/system', credentialsSecret: 'kvm-credentials' },
  ];
  const release = render(inputs);

  test('one NetworkPolicy per workload, each Ingress and Egress, valid against the Kubernetes schema', () => {
    expect(release.policies.map((p) => p.metadata.name).sort()).toEqual([
      'virtrigaud-manager',
      'virtrigaud-provider-kvm',
      'virtrigaud-provider-kvm-lab',
      'virtrigaud-provider-pve',
      'virtrigaud-provider-vc-prod',
    ]);
    for (const p of release.policies) {
      expect(p.metadata.namespace).toBe('virtrigaud-system');
      expect(p.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    }
    expectValid(release.objects);
  });

  test('each policy selects exactly the pods of its workload', () => {
    const all = pods(release.objects);
    const expected: Record<string, string> = {
      'virtrigaud-manager': 'virtrigaud-manager',
      'virtrigaud-provider-vc-prod': 'virtrigaud-provider-vc-prod',
      'virtrigaud-provider-kvm-lab': 'virtrigaud-provider-kvm-lab',
      'virtrigaud-provider-pve': 'virtrigaud-provider-pve',
      'virtrigaud-provider-kvm': 'kvm', // the pods the manager creates from the Provider object
    };
    for (const policy of release.policies) {
      const selected = all.filter((p) => selects(policy.spec.podSelector.matchLabels, p.labels)).map((p) => p.name);
      expect({ policy: policy.metadata.name, selected }).toEqual({ policy: policy.metadata.name, selected: [expected[policy.metadata.name]] });
    }
    expect(find(release.policies, 'NetworkPolicy', 'virtrigaud-provider-vc-prod').spec.podSelector.matchLabels).toEqual(providerPods('vc-prod'));
    expect(find(release.policies, 'NetworkPolicy', 'virtrigaud-manager').spec.podSelector.matchLabels).toEqual(MANAGER_PODS);
  });

  test('every flow the system needs is allowed, and nothing else', () => {
    const needed = [
      ...MANAGER_FLOWS,
      // The manager calls every provider over gRPC.
      'virtrigaud-manager egress pods:virtrigaud-provider-vc-prod TCP/9443',
      'virtrigaud-manager egress pods:virtrigaud-provider-kvm-lab TCP/9443',
      'virtrigaud-manager egress pods:virtrigaud-provider-pve TCP/10443',
      'virtrigaud-manager egress pods:kvm TCP/9443',
      // Each provider: gRPC from the manager, metrics from monitoring, its endpoint, DNS.
      ...[
        ['vc-prod', 9443, ['0.0.0.0/0'], 443],
        ['kvm-lab', 9443, ['10.20.0.0/24', '10.21.0.0/24'], 22],
        ['pve', 10443, ['0.0.0.0/0'], 8006],
        ['kvm', 9443, ['0.0.0.0/0'], 16514],
      ].flatMap(([name, grpc, cidrs, endpointPort]) => [
        `virtrigaud-provider-${name} ingress pods:virtrigaud-manager TCP/${grpc}`,
        `virtrigaud-provider-${name} ingress monitoring TCP/8080`,
        ...(cidrs as string[]).map((cidr) => `virtrigaud-provider-${name} egress cidr:${cidr} TCP/${endpointPort}`),
        `virtrigaud-provider-${name} egress dns UDP/53`,
        `virtrigaud-provider-${name} egress dns TCP/53`,
      ]),
    ].sort();
    expect(allowedFlows(release)).toEqual(needed);
  });

  test('provider ports are named (grpc, metrics) and those names exist on the provider containers and Services', () => {
    for (const name of ['vc-prod', 'kvm-lab', 'pve']) {
      const policy = find(release.policies, 'NetworkPolicy', `virtrigaud-provider-${name}`);
      expect(policy.spec.ingress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([['grpc'], ['metrics']]);
      const service = find(release.objects, 'Service', `virtrigaud-provider-${name}`);
      expect(service.spec.ports.map((p: any) => p.targetPort)).toEqual(['grpc', 'metrics']);
    }
  });
});

describe('network policy options', () => {
  test('without providers only the manager policy is rendered, with no gRPC egress', () => {
    const release = render([]);
    expect(release.policies.map((p) => p.metadata.name)).toEqual(['virtrigaud-manager']);
    expect(allowedFlows(release)).toEqual([...MANAGER_FLOWS].sort());
  });

  test('disabled: no NetworkPolicy at all', () => {
    expect(render([SAMPLES.vsphere], { enabled: false }).policies).toEqual([]);
  });

  test('monitoring, DNS and API server are configurable', () => {
    const release = render([SAMPLES.proxmox], {
      monitoring: { namespaceSelector: { matchLabels: { team: 'observability' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } },
      dns: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } }, port: 5353 },
      apiServer: { cidrs: ['172.16.0.10/32'], ports: [6443] },
    });
    const manager = find(release.policies, 'NetworkPolicy', 'virtrigaud-manager').spec;
    const scraper = { namespaceSelector: { matchLabels: { team: 'observability' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } };
    expect(manager.ingress).toEqual([{ from: [scraper], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 8081 }] }]);
    expect(manager.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '172.16.0.10/32' } }], ports: [{ protocol: 'TCP', port: 6443 }] });
    const dnsRule = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'coredns' } } }], ports: [{ protocol: 'UDP', port: 5353 }, { protocol: 'TCP', port: 5353 }] };
    expect(manager.egress[1]).toEqual(dnsRule);
    const provider = find(release.policies, 'NetworkPolicy', 'virtrigaud-provider-pve').spec;
    expect(provider.ingress[1]).toEqual({ from: [scraper], ports: [{ protocol: 'TCP', port: 'metrics' }] });
    expect(provider.egress[1]).toEqual(dnsRule);
    expectValid(release.objects);
  });
});
