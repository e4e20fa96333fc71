/**
 * VirtrigaudSlowVMCreation (spec; not in v0.3.11). The spec's `histogram_quantile(0.95, …) > 600`
 * is above the largest finite bucket (300 s) and never fires; the threshold must stay below it.
 */
import { getMetric, largestFiniteBucket } from '../catalog/catalog';
import { gt } from '../promql';
import { recordedOrInline } from '../promql/recording-rules';
import { p95, queueDepth } from '../promql/queries';
import { esx, histogram, NS } from './fixtures';
import { code, defineAlert, requireThreshold } from './types';

const VM_CREATE_CEILING = largestFiniteBucket(getMetric('virtrigaud_vm_operations_duration_seconds', 'documented'));

const slow = (p95: string) => ({
  labels: { alertname: 'VirtrigaudSlowVMCreation', namespace: NS, operation: 'Create', ...esx },
  description: `The 95th percentile of VM creation time on provider esx (vsphere) in namespace ${NS} is ${p95} (threshold 240s) for more than 15 minutes.`,
});
const creations = (le: number | '+Inf', operation = 'Create') => histogram('virtrigaud_vm_operations_duration_seconds', { ...esx, operation }, le, 2, 40);

export const slowVMCreation = defineAlert({
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
    diagnosis: (q) => [
      `Per-provider latency: ${code(p95(q, 'virtrigaud_vm_operations_duration_seconds', ['provider'], { operation: 'Create' }))}.`,
      `Queueing in the manager: ${code(queueDepth(q, ['kind']))} and in-flight provider tasks ${code(q.metric('virtrigaud_provider_tasks_inflight'))}.`,
      `gRPC latency per method: ${code(p95(q, 'virtrigaud_provider_rpc_latency_seconds', ['method']))}.`,
      'Hypervisor load: clone/copy times of templates, datastore latency, IP discovery time (`virtrigaud_ip_discovery_duration_seconds`).',
    ],
    mitigation: [
      'Relieve the hypervisor (datastore, host load) or use linked clones / prepared images.',
      'Add provider capacity or spread VMs over more providers.',
      'Tune the threshold with `monitoring.rules.alerts.VirtrigaudSlowVMCreation.threshold` (below the largest bucket).',
    ],
  },
  expression: (c, t) =>
    gt(
      recordedOrInline(c.q, 'namespace_provider_operation:virtrigaud_vm_operations_duration_seconds:p95_rate5m', { operation: 'Create' }, c.useRecorded),
      requireThreshold('VirtrigaudSlowVMCreation', t),
    ),
  tests: {
    documented: {
      severity: 'warning',
      summary: 'VM creation is slow.',
      cases: [
        {
          name: 'SlowVMCreation: p95 291s (all creations in the 120-300s bucket): fires after for (15m), not before',
          series: creations(300),
          checks: [
            { at: '15m', firing: [] },
            { at: '16m', firing: [slow('4m 51s')] },
          ],
        },
        {
          name: 'SlowVMCreation: creations slower than the largest bucket still fire (p95 reported as 300s)',
          series: creations('+Inf'),
          checks: [{ at: '30m', firing: [slow('5m 0s')] }],
        },
        {
          name: 'SlowVMCreation: silent when creations take under 10s, and for slow deletions',
          series: [...creations(10), ...creations('+Inf', 'Delete')],
          checks: [{ at: '30m', firing: [] }],
        },
      ],
    },
  },
});
