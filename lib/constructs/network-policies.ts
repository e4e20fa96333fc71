import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { NetworkPoliciesOptions, ProviderOptions } from '../props';
import { endpointPort, providersSchema, ProviderValues } from '../values/provider-values';
import { managerSchema } from '../values/manager-values';
import { networkPoliciesSchema, NetworkPoliciesValues } from '../values/schema';
import { releaseContext, ReleaseContextProps, resourceName } from './context';
import { addPartValidation } from '../parts/validation';
import { chartNamespace, parsePart } from '../parts/parse-part';
import { ParsedProps, partProps, ReleasePart } from '../parts/release-part';
import { objectMeta, selectorLabels } from './labels';
import { providerLabels, providerPodSelector, providerResourceName } from './provider';
import { GRPC_PORT_NAME, METRICS_PORT_NAME } from '../conventions/ports';

export interface VirtRigaudNetworkPoliciesProps {
  /** The release. @default - the defaults of the values, in the chart's namespace if it has one */
  readonly context?: ReleaseContextProps;
  /** The `networkPolicies` values. @default - every key at its default (see `NetworkPoliciesOptions`) */
  readonly values?: NetworkPoliciesOptions;
  /** The manager's ports (`VirtRigaudManager.metricsPort`, `.healthPort`). @default - the manager's default ports */
  readonly manager?: { readonly metricsPort: number; readonly healthPort: number };
  /** The providers of the release. @default - none */
  readonly providers?: readonly ProviderOptions[];
}

/** `VirtRigaudNetworkPoliciesProps` as `VirtRigaud` hands them over. @internal */
export type ParsedNetworkPoliciesProps = ParsedProps<
  VirtRigaudNetworkPoliciesProps,
  { readonly values: NetworkPoliciesValues; readonly providers: readonly ProviderValues[]; readonly manager: { readonly metricsPort: number; readonly healthPort: number } }
>;

const managerPorts = (m: { metrics: { port: number }; healthPort: number }) => ({ metricsPort: m.metrics.port, healthPort: m.healthPort });

type Selector = NetworkPoliciesValues['monitoring']['namespaceSelector'];

function labelSelector(s: Selector): k8s.LabelSelector {
  return {
    ...(s.matchLabels && Object.keys(s.matchLabels).length > 0 ? { matchLabels: s.matchLabels } : {}),
    ...(s.matchExpressions && s.matchExpressions.length > 0 ? { matchExpressions: s.matchExpressions } : {}),
  };
}

function isEmpty(s: Selector): boolean {
  return Object.keys(labelSelector(s)).length === 0;
}

const tcp = (port: number | string): k8s.NetworkPolicyPort => ({
  protocol: 'TCP',
  port: typeof port === 'number' ? k8s.IntOrString.fromNumber(port) : k8s.IntOrString.fromString(port),
});

/**
 * One NetworkPolicy per workload (`policyTypes: [Ingress, Egress]`), allowing exactly:
 * - manager: ingress on its metrics and health ports from the monitoring selector; egress to the API
 *   server, to the cluster DNS and to every provider's `grpc` port;
 * - each provider: ingress on `grpc` from the manager pods and on `metrics` from the monitoring
 *   selector; egress to its endpoint's port (within `endpointCidrs`) and to the cluster DNS.
 * Kubelet probes come from the node, which NetworkPolicies always allow.
 */
export class VirtRigaudNetworkPolicies extends Construct {
  public readonly policies: k8s.KubeNetworkPolicy[] = [];

  constructor(scope: Construct, id: string, props: VirtRigaudNetworkPoliciesProps | ReleasePart = {}) {
    super(scope, id);
    const { context: ctx, values, providers, manager } = partProps<VirtRigaudNetworkPoliciesProps, ParsedNetworkPoliciesProps>(
      props,
      (raw) => ({
        context: releaseContext(raw.context, chartNamespace(this)),
        values: parsePart(networkPoliciesSchema, raw.values ?? {}, ['networkPolicies']),
        providers: parsePart(providersSchema, raw.providers ?? [], ['providers']),
        manager: raw.manager ?? managerPorts(managerSchema.parse({})),
      }),
      () => addPartValidation(this),
    );
    if (!values.enabled) return;

    const monitoring: k8s.NetworkPolicyPeer = {
      namespaceSelector: labelSelector(values.monitoring.namespaceSelector),
      ...(isEmpty(values.monitoring.podSelector) ? {} : { podSelector: labelSelector(values.monitoring.podSelector) }),
    };
    const dns: k8s.NetworkPolicyEgressRule = {
      to: [{ namespaceSelector: labelSelector(values.dns.namespaceSelector), podSelector: labelSelector(values.dns.podSelector) }],
      ports: [
        { protocol: 'UDP', port: k8s.IntOrString.fromNumber(values.dns.port) },
        { protocol: 'TCP', port: k8s.IntOrString.fromNumber(values.dns.port) },
      ],
    };
    const managerPods = selectorLabels(ctx, 'manager');

    this.policies.push(
      new k8s.KubeNetworkPolicy(this, 'manager', {
        metadata: objectMeta(ctx, resourceName(ctx, 'manager'), 'manager'),
        spec: {
          podSelector: { matchLabels: managerPods },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [monitoring], ports: [tcp(manager.metricsPort), tcp(manager.healthPort)] }],
          egress: [
            { to: values.apiServer.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: values.apiServer.ports.map(tcp) },
            dns,
            ...(providers.length > 0
              ? [{ to: providers.map((p) => ({ podSelector: { matchLabels: providerPodSelector(ctx, p) } })), ports: [tcp(GRPC_PORT_NAME)] }]
              : []),
          ],
        },
      }),
    );

    for (const p of providers) {
      this.policies.push(
        new k8s.KubeNetworkPolicy(this, `provider-${p.name}`, {
          metadata: objectMeta(ctx, providerResourceName(ctx, p.name), 'provider', { labels: providerLabels(ctx, p) }),
          spec: {
            podSelector: { matchLabels: providerPodSelector(ctx, p) },
            policyTypes: ['Ingress', 'Egress'],
            ingress: [
              { from: [{ podSelector: { matchLabels: managerPods } }], ports: [tcp(GRPC_PORT_NAME)] },
              { from: [monitoring], ports: [tcp(METRICS_PORT_NAME)] },
            ],
            egress: [{ to: p.endpointCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(endpointPort(p.endpoint))] }, dns],
          },
        }),
      );
    }
  }
}
