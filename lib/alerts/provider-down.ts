/**
 * VirtrigaudProviderDown (spec). The spec's `up{job="virtrigaud-provider"} == 0` is silent when the
 * target vanishes: here any target down, or no target at all (per provider Service when the
 * providers are known). v0.3.11 providers serve no /metrics (their `up` is 0 or absent whatever
 * their health): the manager's circuit breaker for a provider is open after repeated
 * infrastructure failures.
 */
import { COMPONENT_LABEL, INSTANCE_LABEL, JOB_LABEL, NAME_LABEL } from '../conventions/labels';
import { managedProviderServiceName, providerJobName, providerResourceName } from '../conventions/names';
import { METRICS_PORT_NAME, PROVIDER_HEALTH_PORT } from '../conventions/ports';
import { absent, compare, eq, maxBy, ne, or, overTime } from '../promql';
import { rpcRequestsRate } from '../promql/queries';
import { esx, esxTarget, kvm, managerTarget, managerUp, NS, PROVIDER_JOB, target } from './fixtures';
import { code, defineAlert, InputSeries, Labels } from './types';

/** The runbook names objects with placeholders. */
const PLACEHOLDER = { releaseName: '<release>', namespace: '<namespace>' };
const PROVIDER_OBJECT = providerResourceName(PLACEHOLDER, '<name>');
const MANAGED_SERVICE = managedProviderServiceName(PLACEHOLDER, '<provider>');

/** `virtrigaud_circuit_breaker_state` of a half-open breaker (upstream `CircuitBreakerHalfOpen`; 2 is open). */
export const CIRCUIT_BREAKER_HALF_OPEN = 1;
/** Window in which a breaker must never have been closed. */
export const CIRCUIT_BREAKER_WINDOW = '5m';

const noTarget = {
  labels: { alertname: 'VirtrigaudProviderDown', job: PROVIDER_JOB, namespace: NS },
  description: `No target of job ${PROVIDER_JOB} in namespace ${NS} has been discovered for more than 5 minutes.`,
};
const esxDown = {
  labels: { alertname: 'VirtrigaudProviderDown', ...esxTarget },
  description: `Provider target 10.0.1.1:8080 of virtrigaud-provider-esx in namespace ${NS} has been down for more than 5 minutes.`,
};
const breaker = (provider: Labels, values: string): InputSeries => ({ metric: 'virtrigaud_circuit_breaker_state', labels: { ...managerTarget, ...provider }, values });
const breakerOpen = (p: { provider_type: string; provider: string }) => ({
  labels: { alertname: 'VirtrigaudProviderDown', namespace: NS, ...p },
  description: `The manager's circuit breaker for provider ${p.provider} (${p.provider_type}) in namespace ${NS} has not closed for more than 5 minutes: its RPCs keep failing with Unavailable, DeadlineExceeded, Internal or Unknown.`,
});

export const providerDown = defineAlert({
  name: 'VirtrigaudProviderDown',
  origin: 'spec',
  severity: 'critical',
  for: '5m',
  variants: {
    'v0.3.11': {
      summary: 'A VirtRigaud provider is unreachable: the manager\'s circuit breaker for it stays open.',
      description: ({ forText }) =>
        `The manager's circuit breaker for provider {{ $labels.provider }} ({{ $labels.provider_type }}) in namespace {{ $labels.namespace }} has not closed for more than ${forText}: its RPCs keep failing with Unavailable, DeadlineExceeded, Internal or Unknown.`,
      runbook: {
        meaning:
          'VirtRigaud v0.3.11 providers serve no `/metrics`, so their scrape status says nothing. The manager keeps one circuit breaker per Provider object it dials (`virtrigaud_circuit_breaker_state{provider_type, provider}`: 0 closed, 1 half-open, 2 open); it opens after 10 infrastructure failures (gRPC `Unavailable`, `DeadlineExceeded`, `Internal`, `Unknown`), refuses RPCs for 60 s, then lets probes through (half-open) and closes on success. The alert fires for a provider whose breaker was not closed at any sample of the last 5 minutes (`min_over_time(…[5m]) >= 1`, so a hanging half-open probe does not reset it), sustained for the alert\'s `for` duration, and names the provider. A breaker exists once the manager has dialled the provider (a VM references it); a Provider nobody uses has none, and is not reported.',
        impact:
          'VM operations on the provider\'s hypervisor stop: VirtualMachines served by it are not created, changed, powered or deleted, and their status goes stale. Other providers are unaffected.',
        diagnosis: (q) => [
          'Which provider: the alert\'s `provider` and `provider_type` labels (the Provider object\'s name and type).',
          'The Provider\'s status: `kubectl -n <namespace> get provider <provider> -o yaml` (conditions, `status.runtime.phase`).',
          `The pods the manager runs for it: \`kubectl -n <namespace> get pods -l ${NAME_LABEL}=virtrigaud-provider,${INSTANCE_LABEL}=<provider> -o wide\`; then \`kubectl -n <namespace> logs deploy/${MANAGED_SERVICE}\`.`,
          `RPC failures the manager sees, by provider type: ${code(rpcRequestsRate(q, ['provider_type', 'method', 'code'], { code: ne('OK') }))}.`,
          `TLS between manager and provider: the manager's log shows handshake errors when the provider certificate is not valid for \`${MANAGED_SERVICE}.<namespace>.svc.cluster.local\`.`,
        ],
        mitigation: [
          'Fix the cause shown in the pod events or logs (image pull, credentials Secret, hypervisor endpoint, certificates, resources); the breaker closes after the next successful probe.',
          'If the Provider was removed on purpose, restart the manager to drop its breaker series, or silence the alert.',
        ],
      },
    },
  },
  summary: 'A VirtRigaud provider is down or has no scrape target.',
  description: ({ forText }) =>
    `{{ if $labels.instance }}Provider target {{ $labels.instance }} of {{ $labels.service }} in namespace {{ $labels.namespace }} has been down for more than ${forText}.` +
    `{{ else }}No target of job {{ $labels.job }}{{ with $labels.service }} (Service {{ . }}){{ end }} in namespace {{ $labels.namespace }} has been discovered for more than ${forText}.{{ end }}`,
  runbook: {
    meaning:
      'Prometheus could not scrape a provider for the alert\'s `for` duration (`up == 0`), or a provider\'s target is missing (the Service lost its endpoints, the pods are gone, or the ServiceMonitor no longer selects the Service). When the release renders the provider Services, each of them is checked for a missing target (label `service`); otherwise the alert fires when the provider job has no target at all. Providers hold the connection to vSphere, libvirt or Proxmox and serve gRPC to the manager.',
    impact:
      'VM operations on the provider\'s hypervisor stop: VirtualMachines served by it are not created, changed, powered or deleted, and their status goes stale. Other providers are unaffected.',
    diagnosis: () => [
      'Which target: the alert\'s `instance` and `service` labels (no `instance` means no target was discovered).',
      `Pods: \`kubectl -n <namespace> get pods -l ${COMPONENT_LABEL}=provider -o wide\`; look for CrashLoopBackOff, Pending or not-ready pods, then \`kubectl -n <namespace> logs deploy/${PROVIDER_OBJECT}\`.`,
      `Endpoints: \`kubectl -n <namespace> get endpoints ${PROVIDER_OBJECT}\`; an empty list means no ready pod backs the Service.`,
      `Scrape errors: Prometheus UI, Status → Targets, job \`${providerJobName(PLACEHOLDER)}\`; \`connection refused\` or \`404\` means the metrics port \`${METRICS_PORT_NAME}\` (${PROVIDER_HEALTH_PORT}) does not serve \`/metrics\`.`,
      'Credentials and reachability of the hypervisor: provider logs show authentication or connection errors; check the credentials Secret mounted at `/etc/virtrigaud/credentials`.',
    ],
    mitigation: [
      'Fix the cause shown in the pod events or logs (image pull, credentials Secret, hypervisor endpoint, resources) and let the Deployment roll out again.',
      `If the pod runs but is not scraped, check that the Service carries the label \`${JOB_LABEL}\` and a port named \`${METRICS_PORT_NAME}\`, and that Prometheus selects the ServiceMonitor (\`release\` label for kube-prometheus-stack).`,
      'If the provider was removed on purpose, the alert resolves once its target is gone from discovery; silence it during planned maintenance.',
    ],
  },
  expression: (c) => {
    if (c.q.profile === 'v0.3.11') {
      // Not closed at any sample of the window (open, or half-open while a probe hangs): unreachable.
      const state = maxBy(['namespace', 'provider_type', 'provider'], overTime('min', c.q.metric('virtrigaud_circuit_breaker_state'), CIRCUIT_BREAKER_WINDOW));
      return compare('>=', state, CIRCUIT_BREAKER_HALF_OPEN);
    }
    const target = { job: c.providerJob, namespace: c.namespace };
    const down = eq(c.q.up(target), 0);
    const missing = !c.scraped.providers
      ? []
      : c.providerServices === undefined
        ? [absent(c.q.up(target))]
        : c.providerServices.map((service) => absent(c.q.up({ ...target, service })));
    return missing.reduce((acc, m) => or(acc, m), down);
  },
  tests: {
    documented: {
      severity: 'critical',
      summary: 'A VirtRigaud provider is down or has no scrape target.',
      cases: [
        {
          name: 'ProviderDown: fires after for (5m), not before',
          // up from 0m to 4m, down from 5m: active at 5m, firing at 10m.
          series: [{ metric: 'up', labels: esxTarget, values: '1x4 0x30' }, managerUp],
          checks: [
            { at: '4m', firing: [] },
            { at: '9m', firing: [] },
            { at: '10m', firing: [esxDown] },
          ],
        },
        {
          name: 'ProviderDown: silent when every provider is up',
          series: [
            { metric: 'up', labels: esxTarget, values: '1x30' },
            { metric: 'up', labels: target(PROVIDER_JOB, 'virtrigaud-provider-kvm', '10.0.1.2:8080'), values: '1x30' },
            managerUp,
          ],
          checks: [{ at: '30m', firing: [] }],
        },
        {
          name: 'ProviderDown: fires when no provider target exists',
          series: [managerUp],
          checks: [
            { at: '4m', firing: [] },
            { at: '5m', firing: [noTarget] },
          ],
        },
        {
          name: 'ProviderDown: fires when the only provider target vanishes',
          // Scraped until 10m, then gone (stale): absent from 11m.
          series: [{ metric: 'up', labels: esxTarget, values: '1x10 stale' }, managerUp],
          checks: [
            { at: '15m', firing: [] },
            { at: '16m', firing: [noTarget] },
          ],
        },
        {
          name: 'ProviderDown: a provider in another namespace does not count',
          series: [{ metric: 'up', labels: { ...esxTarget, namespace: 'other-release' }, values: '0x30' }, managerUp],
          checks: [{ at: '10m', firing: [noTarget] }],
        },
        {
          name: 'ProviderDown (providers known): fires for the provider whose target vanished while another is up',
          setups: ['providers'],
          series: [{ metric: 'up', labels: esxTarget, values: '1x30' }],
          checks: [
            {
              at: '5m',
              firing: [
                {
                  labels: { alertname: 'VirtrigaudProviderDown', job: PROVIDER_JOB, namespace: NS, service: 'virtrigaud-provider-kvm' },
                  description: `No target of job ${PROVIDER_JOB} (Service virtrigaud-provider-kvm) in namespace ${NS} has been discovered for more than 5 minutes.`,
                },
              ],
            },
          ],
        },
        {
          name: 'ProviderDown (providers known): a down target is reported once',
          setups: ['providers'],
          series: [
            { metric: 'up', labels: esxTarget, values: '0x30' },
            { metric: 'up', labels: target(PROVIDER_JOB, 'virtrigaud-provider-kvm', '10.0.1.2:8080'), values: '1x30' },
          ],
          checks: [{ at: '10m', firing: [esxDown] }],
        },
        {
          name: 'ProviderDown (no providers): silent although no provider target exists',
          setups: ['no-providers'],
          series: [{ metric: 'up', labels: managerTarget, values: '1x30' }],
          checks: [
            { at: '30m', firing: [] },
            { at: '30m', alert: 'VirtrigaudManagerDown', firing: [] },
          ],
        },
      ],
    },
    'v0.3.11': {
      severity: 'critical',
      summary: 'A VirtRigaud provider is unreachable: the manager\'s circuit breaker for it stays open.',
      cases: [
        {
          name: 'v0.3.11 ProviderDown: the breaker of esx opens at 5m: fires after the 5m window and for, not before, naming esx only',
          // Breaker open from 5m: not closed over a whole 5m window from 9m or 10m (open or closed
          // range), so firing from 14m or 15m; neither at 12m, both at 17m.
          series: [breaker(esx, '0x4 2x40'), breaker(kvm, '0x45'), managerUp],
          checks: [
            { at: '12m', firing: [] },
            { at: '17m', firing: [breakerOpen(esx)] },
          ],
        },
        {
          name: 'v0.3.11 ProviderDown: half-open probes that keep failing do not reset it',
          series: [breaker(esx, '2x5 1 2x5 1 2x5 1 2x20'), managerUp],
          checks: [{ at: '30m', firing: [breakerOpen(esx)] }],
        },
        {
          name: 'v0.3.11 ProviderDown: silent while every breaker is closed, and after one closes again; providers have no up series',
          series: [breaker(esx, '2x8 1 0x30'), breaker(kvm, '0x40'), managerUp],
          checks: [{ at: '30m', firing: [] }],
        },
        {
          name: 'v0.3.11 ProviderDown: another release\'s breaker does not count',
          series: [{ ...breaker(esx, '2x40'), labels: { ...managerTarget, namespace: 'other-release', ...esx } }, managerUp],
          checks: [{ at: '30m', firing: [] }],
        },
      ],
    },
  },
});
