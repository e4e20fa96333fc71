/**
 * Static facts about every alert: name, defaults, annotations and runbook text.
 * Kept free of the PromQL builder so the values schema can import it cheaply; the expressions
 * live in `alerts.ts` and `slo.ts`.
 */
import { getMetric, largestFiniteBucket, Profile } from './catalog';

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Every alert of the rule set, in the order they are rendered. */
export const ALERT_NAMES = [
  'VirtrigaudProviderDown',
  'VirtrigaudManagerDown',
  'VirtrigaudHighErrorRate',
  'VirtrigaudSlowVMCreation',
  'VirtrigaudQueueBacklog',
  'VirtrigaudVMCreationErrorBudgetFastBurn',
  'VirtrigaudVMCreationErrorBudgetSlowBurn',
] as const;
export type AlertName = (typeof ALERT_NAMES)[number];

/** Values an alert's description is rendered with. */
export interface DescriptionParams {
  /** `for` as words (`5 minutes`). */
  readonly forText: string;
  readonly threshold?: number;
  /** SLO objective (0.99). */
  readonly objective?: number;
}

export interface ThresholdSpec {
  readonly default: number;
  /** Exclusive lower bound. */
  readonly above?: number;
  /** Inclusive lower bound. */
  readonly atLeast?: number;
  /** Exclusive upper bound (a threshold at or above it could never be reached). */
  readonly below?: number;
  readonly unit: string;
  readonly meaning: string;
}

export interface RunbookText {
  readonly meaning: string;
  readonly impact: string;
  readonly diagnosis: readonly string[];
  readonly mitigation: readonly string[];
}

/** What an alert says and means under one profile, where that differs from the spec's version. */
export interface AlertVariant {
  readonly summary?: string;
  readonly description?: (params: DescriptionParams) => string;
  readonly runbook?: RunbookText;
}

export interface AlertSpec {
  readonly name: AlertName;
  /**
   * Profiles the alert exists in, and for the others why it does not (the docs print the reason).
   * Missing: every profile.
   */
  readonly absentFrom?: Partial<Readonly<Record<Profile, string>>>;
  /** Per-profile wording (e.g. which signal the alert reads in v0.3.11). */
  readonly variants?: Partial<Readonly<Record<Profile, AlertVariant>>>;
  /** `spec`: one of the spec's four alerts; `slo`: the VM-creation SLO pair; `extra`: added by the toolkit. */
  readonly origin: 'spec' | 'slo' | 'extra';
  readonly severity: Severity;
  readonly for: string;
  readonly threshold?: ThresholdSpec;
  /** Static sentence ending in a period. */
  readonly summary: string;
  /** Prometheus template (`{{ $labels.x }}`, `{{ $value }}`). */
  description(params: DescriptionParams): string;
  readonly runbook: RunbookText;
}

const VM_CREATE_CEILING = largestFiniteBucket(getMetric('virtrigaud_vm_operations_duration_seconds', 'documented'));

/** Whether `alert` exists in `profile`. */
export function alertInProfile(alert: AlertSpec, profile: Profile): boolean {
  return alert.absentFrom?.[profile] === undefined;
}

/** The alert's summary, description and runbook under `profile`. */
export function alertText(alert: AlertSpec, profile: Profile): Required<AlertVariant> {
  const v = alert.variants?.[profile] ?? {};
  return { summary: v.summary ?? alert.summary, description: v.description ?? alert.description, runbook: v.runbook ?? alert.runbook };
}

/** Burn-rate windows of the SLO alerts (Google SRE workbook, "multiwindow, multi-burn-rate alerts"). */
export const SLO_BURN_WINDOWS = {
  VirtrigaudVMCreationErrorBudgetFastBurn: [
    { long: '1h', short: '5m', factor: 14.4 },
    { long: '6h', short: '30m', factor: 6 },
  ],
  VirtrigaudVMCreationErrorBudgetSlowBurn: [
    { long: '1d', short: '2h', factor: 3 },
    { long: '3d', short: '6h', factor: 1 },
  ],
} as const;

/** Highest burn factor: an objective must leave `factor × (1 − objective) < 1` or the alert could never fire. */
export const MAX_BURN_FACTOR = 14.4;

const percent = (x: number) => `${Number((x * 100).toPrecision(6))}%`;

export const ALERTS: Readonly<Record<AlertName, AlertSpec>> = {
  VirtrigaudProviderDown: {
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
          diagnosis: [
            'Which provider: the alert\'s `provider` and `provider_type` labels (the Provider object\'s name and type).',
            'The Provider\'s status: `kubectl -n <namespace> get provider <provider> -o yaml` (conditions, `status.runtime.phase`).',
            'The pods the manager runs for it: `kubectl -n <namespace> get pods -l app.kubernetes.io/name=virtrigaud-provider,app.kubernetes.io/instance=<provider> -o wide`; then `kubectl -n <namespace> logs deploy/virtrigaud-provider-<namespace>-<provider>`.',
            'RPC failures the manager sees: `sum by (method, code) (rate(virtrigaud_provider_rpc_requests_total{provider_type="<type>", code!="OK"}[5m]))`.',
            'TLS between manager and provider: the manager\'s log shows handshake errors when the provider certificate is not valid for `virtrigaud-provider-<namespace>-<provider>.<namespace>.svc.cluster.local`.',
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
      diagnosis: [
        'Which target: the alert\'s `instance` and `service` labels (no `instance` means no target was discovered).',
        'Pods: `kubectl -n <namespace> get pods -l app.kubernetes.io/component=provider -o wide`; look for CrashLoopBackOff, Pending or not-ready pods, then `kubectl -n <namespace> logs deploy/<release>-provider-<name>`.',
        'Endpoints: `kubectl -n <namespace> get endpoints <release>-provider-<name>`; an empty list means no ready pod backs the Service.',
        'Scrape errors: Prometheus UI, Status → Targets, job `<release>-provider`; `connection refused` or `404` means the metrics port `metrics` (8080) does not serve `/metrics`.',
        'Credentials and reachability of the hypervisor: provider logs show authentication or connection errors; check the credentials Secret mounted at `/etc/virtrigaud/credentials`.',
      ],
      mitigation: [
        'Fix the cause shown in the pod events or logs (image pull, credentials Secret, hypervisor endpoint, resources) and let the Deployment roll out again.',
        'If the pod runs but is not scraped, check that the Service carries the label `virtrigaud.io/job` and a port named `metrics`, and that Prometheus selects the ServiceMonitor (`release` label for kube-prometheus-stack).',
        'If the provider was removed on purpose, the alert resolves once its target is gone from discovery; silence it during planned maintenance.',
      ],
    },
  },
  VirtrigaudManagerDown: {
    name: 'VirtrigaudManagerDown',
    origin: 'extra',
    severity: 'critical',
    for: '5m',
    summary: 'No VirtRigaud manager is up.',
    description: ({ forText }) =>
      `No target of job {{ $labels.job }} in namespace {{ $labels.namespace }} has been up for more than ${forText}: no manager replica can be scraped or none exists.`,
    runbook: {
      meaning:
        'None of the manager\'s targets has been scraped successfully for the alert\'s `for` duration, or the manager has no target at all. The manager (controller) reconciles every VirtRigaud resource and, in this release, serves most VirtRigaud metrics.',
      impact:
        'Nothing is reconciled: VirtualMachines, snapshots, clones and migrations are not acted on, and most VirtRigaud metrics (and the alerts built on them) go silent.',
      diagnosis: [
        '`kubectl -n <namespace> get deploy,pods -l app.kubernetes.io/component=manager`; check restarts, readiness and events.',
        '`kubectl -n <namespace> logs deploy/<release>-manager`: leader election, API-server access (RBAC) and certificate errors show here.',
        'Prometheus UI, Status → Targets, job `<release>-manager`: with `manager.metrics.secure`, a `401`/`403` means Prometheus\' ServiceAccount lacks `get` on `/metrics` or the ServiceMonitor sends no token.',
      ],
      mitigation: [
        'Fix the failing pod (image, resources, RBAC) and let the Deployment roll out.',
        'For scrape-only failures with secure metrics, grant the scraper `get` on the non-resource URL `/metrics` and keep `monitoring.serviceMonitors.manager.authorization` on `serviceAccountToken`.',
      ],
    },
  },
  VirtrigaudHighErrorRate: {
    name: 'VirtrigaudHighErrorRate',
    origin: 'spec',
    severity: 'warning',
    for: '10m',
    threshold: { default: 0.1, above: 0, below: 1, unit: 'ratio', meaning: 'share of failed VM operations (outcome failure or error) per provider over 5 minutes' },
    summary: 'High error rate in VM operations.',
    description: ({ threshold, forText }) =>
      `{{ $value | humanizePercentage }} of VM operations on provider {{ $labels.provider }} ({{ $labels.provider_type }}) in namespace {{ $labels.namespace }} failed over the last 5 minutes (threshold ${percent(threshold ?? 0)}, for more than ${forText}).`,
    runbook: {
      meaning:
        'More than the threshold share of VM operations (create, delete, power, describe, reconfigure) handled through one provider ended with outcome `failure` or `error`, measured over 5 minutes and sustained for the alert\'s `for` duration. Numerator and denominator are both summed per provider before dividing.',
      impact: 'Users\' VirtualMachine changes on that provider fail or are retried; VMs may stay in a transitional phase.',
      diagnosis: [
        'Which operations fail: `sum by (operation, outcome) (rate(virtrigaud_vm_operations_total{provider="<provider>"}[5m]))`.',
        'Error reasons: `sum by (component, reason) (rate(virtrigaud_errors_total[5m]))` and the gRPC codes `sum by (method, code) (rate(virtrigaud_provider_rpc_requests_total{code!="OK"}[5m]))`.',
        'Events of the affected objects: `kubectl get events -A --field-selector involvedObject.kind=VirtualMachine`.',
        'Hypervisor side: datastore space, permissions of the provider\'s account, template/image availability.',
      ],
      mitigation: [
        'Fix the hypervisor-side cause (capacity, permissions, missing templates or networks).',
        'If one operation type fails because of a bad VMClass or VMImage, correct that object.',
        'Raise the threshold per environment with `monitoring.rules.alerts.VirtrigaudHighErrorRate.threshold` only if the failures are expected.',
      ],
    },
  },
  VirtrigaudSlowVMCreation: {
    name: 'VirtrigaudSlowVMCreation',
    origin: 'spec',
    absentFrom: {
      'v0.3.11':
        'v0.3.11 does not register virtrigaud_vm_operations_duration_seconds, and nothing else it emits measures VM creation time (virtrigaud_provider_rpc_latency_seconds{method="Create"} times only the RPC that starts the asynchronous task).',
    },
    severity: 'warning',
    for: '15m',
    threshold: {
      default: 240,
      above: 0,
      below: VM_CREATE_CEILING,
      unit: 'seconds',
      meaning: `95th percentile of VM creation time per provider; must stay below ${VM_CREATE_CEILING} s, the largest finite bucket of virtrigaud_vm_operations_duration_seconds (histogram_quantile never returns more, so the spec's 600 s could never fire)`,
    },
    summary: 'VM creation is slow.',
    description: ({ threshold, forText }) =>
      `The 95th percentile of VM creation time on provider {{ $labels.provider }} ({{ $labels.provider_type }}) in namespace {{ $labels.namespace }} is {{ $value | humanizeDuration }} (threshold ${threshold ?? 0}s) for more than ${forText}.`,
    runbook: {
      meaning: `The 95th percentile of \`virtrigaud_vm_operations_duration_seconds{operation="Create"}\` per provider, over 5 minutes, has been above the threshold for the alert's \`for\` duration. The histogram's largest finite bucket is ${VM_CREATE_CEILING} s: creations slower than that are reported as ${VM_CREATE_CEILING} s.`,
      impact: 'New VirtualMachines take long to become available; automation waiting for them may time out.',
      diagnosis: [
        'Per-provider latency: `histogram_quantile(0.95, sum by (le, provider) (rate(virtrigaud_vm_operations_duration_seconds_bucket{operation="Create"}[5m])))`.',
        'Queueing in the manager: `sum by (kind) (virtrigaud_queue_depth)` and in-flight provider tasks `virtrigaud_provider_tasks_inflight`.',
        'gRPC latency per method: `histogram_quantile(0.95, sum by (le, method) (rate(virtrigaud_provider_rpc_latency_seconds_bucket[5m])))`.',
        'Hypervisor load: clone/copy times of templates, datastore latency, IP discovery time (`virtrigaud_ip_discovery_duration_seconds`).',
      ],
      mitigation: [
        'Relieve the hypervisor (datastore, host load) or use linked clones / prepared images.',
        'Add provider capacity or spread VMs over more providers.',
        'Tune the threshold with `monitoring.rules.alerts.VirtrigaudSlowVMCreation.threshold` (below the largest bucket).',
      ],
    },
  },
  VirtrigaudQueueBacklog: {
    name: 'VirtrigaudQueueBacklog',
    origin: 'spec',
    severity: 'warning',
    for: '10m',
    variants: {
      'v0.3.11': {
        description: ({ threshold, forText }) =>
          `The work queue of controller {{ $labels.name }} in namespace {{ $labels.namespace }} holds {{ $value }} items (threshold ${threshold ?? 0}) for more than ${forText}.`,
        runbook: {
          meaning:
            'A controller\'s work queue in the manager has held more items than the threshold for the alert\'s `for` duration: objects are queued faster than they are reconciled. v0.3.11 never sets `virtrigaud_queue_depth`; the alert reads controller-runtime\'s `workqueue_depth{name}` (`name` is the controller: `virtualmachine`, `provider`, `vmclass`, …).',
          impact: 'Changes to objects of that kind are applied late; status updates lag.',
          diagnosis: [
            'Queue depth per controller: `sum by (name) (workqueue_depth)`.',
            'Reconcile rate and errors: `sum by (kind, outcome) (rate(virtrigaud_manager_reconcile_total[5m]))`; slow reconciles: `histogram_quantile(0.95, sum by (le, kind) (rate(virtrigaud_manager_reconcile_duration_seconds_bucket[5m])))`.',
            'Manager CPU throttling and restarts: `kubectl -n <namespace> top pod -l app.kubernetes.io/component=manager`.',
            'Provider slowness behind it: see VirtrigaudProviderDown and the gRPC latency panels.',
          ],
          mitigation: [
            'Give the manager more CPU if it is throttled; fix failing reconciles that requeue in a loop.',
            'Fix the slow or failing provider the reconciles wait for.',
            'Bulk changes (e.g. a large VMSet scale-up) drain on their own; silence the alert for the operation.',
          ],
        },
      },
    },
    threshold: { default: 100, atLeast: 0, unit: 'items', meaning: 'work-queue depth per resource kind' },
    summary: 'The VirtRigaud manager has a work-queue backlog.',
    description: ({ threshold, forText }) =>
      `The work queue for {{ $labels.kind }} in namespace {{ $labels.namespace }} holds {{ $value }} items (threshold ${threshold ?? 0}) for more than ${forText}.`,
    runbook: {
      meaning: 'The manager\'s work queue for one resource kind has held more items than the threshold for the alert\'s `for` duration: objects are queued faster than they are reconciled.',
      impact: 'Changes to objects of that kind are applied late; status updates lag.',
      diagnosis: [
        'Queue depth per kind: `sum by (kind) (virtrigaud_queue_depth)`.',
        'Reconcile rate and errors: `sum by (kind, outcome) (rate(virtrigaud_manager_reconcile_total[5m]))`; slow reconciles: `histogram_quantile(0.95, sum by (le, kind) (rate(virtrigaud_manager_reconcile_duration_seconds_bucket[5m])))`.',
        'Manager CPU throttling and restarts: `kubectl -n <namespace> top pod -l app.kubernetes.io/component=manager`.',
        'Provider slowness behind it: see VirtrigaudSlowVMCreation and the gRPC latency panels.',
      ],
      mitigation: [
        'Give the manager more CPU if it is throttled; fix failing reconciles that requeue in a loop.',
        'Fix the slow or failing provider the reconciles wait for.',
        'Bulk changes (e.g. a large VMSet scale-up) drain on their own; silence the alert for the operation.',
      ],
    },
  },
  VirtrigaudVMCreationErrorBudgetFastBurn: {
    name: 'VirtrigaudVMCreationErrorBudgetFastBurn',
    origin: 'slo',
    severity: 'critical',
    for: '2m',
    summary: 'VM creation is burning its error budget fast.',
    description: ({ objective }) =>
      `VM creations in namespace {{ $labels.namespace }} are failing at {{ $value | humanizePercentage }} over the long window, at least 6 times the error budget of the ${percent(objective ?? 0)} success objective (14.4x over 1h and 5m, or 6x over 6h and 30m).`,
    runbook: {
      meaning:
        'The VM-creation success SLO is being violated fast: the error ratio of `virtrigaud_vm_operations_total{operation="Create"}` is above 14.4 times the error budget over both 1 hour and 5 minutes, or above 6 times over both 6 hours and 30 minutes. At 14.4x, 2% of a 30-day budget is spent in one hour.',
      impact: 'A large share of VM creations fails now; at this rate the monthly error budget is exhausted within about two days.',
      diagnosis: [
        'Error ratio per provider: `namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m`.',
        'Failure reasons: `sum by (component, reason) (rate(virtrigaud_errors_total[5m]))`.',
        'Check VirtrigaudProviderDown and VirtrigaudHighErrorRate, which usually fire alongside.',
      ],
      mitigation: [
        'Fix the failing provider or hypervisor (see VirtrigaudHighErrorRate).',
        'Pause bulk VM creation (VMSets) until creations succeed again.',
      ],
    },
  },
  VirtrigaudVMCreationErrorBudgetSlowBurn: {
    name: 'VirtrigaudVMCreationErrorBudgetSlowBurn',
    origin: 'slo',
    severity: 'warning',
    for: '1h',
    summary: 'VM creation is burning its error budget.',
    description: ({ objective }) =>
      `VM creations in namespace {{ $labels.namespace }} are failing at {{ $value | humanizePercentage }} over the long window, at least the error budget of the ${percent(objective ?? 0)} success objective (3x over 1d and 2h, or 1x over 3d and 6h).`,
    runbook: {
      meaning:
        'The VM-creation success SLO is being violated slowly: the error ratio of `virtrigaud_vm_operations_total{operation="Create"}` is above 3 times the error budget over both 1 day and 2 hours, or above the budget over both 3 days and 6 hours.',
      impact: 'If it continues, the error budget of the SLO period is spent before the period ends.',
      diagnosis: [
        'Long-window error ratio: `namespace_operation:virtrigaud_vm_operations:error_ratio_rate1d{operation="Create"}`.',
        'Which providers and reasons contribute: `sum by (provider, outcome) (increase(virtrigaud_vm_operations_total{operation="Create"}[1d]))`.',
      ],
      mitigation: [
        'Open a ticket: fix the recurring failure cause (flaky hypervisor, capacity, bad templates) during working hours.',
        'If the objective is unrealistic for the environment, change `monitoring.rules.slo.vmCreation.objective`.',
      ],
    },
  },
};

/** `5m` → `5 minutes`, `1h30m` → `1 hour 30 minutes`, `0s` → `0 seconds`. */
export function humanizeDuration(duration: string): string {
  const units: Record<string, string> = { y: 'year', w: 'week', d: 'day', h: 'hour', m: 'minute', s: 'second', ms: 'millisecond' };
  const parts = [...duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)].map(([, n, u]) => `${Number(n)} ${units[u]}${Number(n) === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(' ') : duration;
}
