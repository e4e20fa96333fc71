/**
 * VirtrigaudQueueBacklog (spec). v0.3.11 never sets virtrigaud_queue_depth: there it reads
 * controller-runtime's workqueue_depth{name}.
 */
import { gt } from '../promql';
import { p95, queueDepth, reconcileRate, workqueueDepth } from '../promql/queries';
import { recordedOrInline } from '../promql/recording-rules';
import { managerTarget, NS } from './fixtures';
import { code, defineAlert, requireThreshold } from './types';

export const queueBacklog = defineAlert({
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
        diagnosis: (q) => [
          `Queue depth per controller: ${code(workqueueDepth(q, ['name']))}.`,
          `Reconcile rate and errors: ${code(reconcileRate(q, ['kind', 'outcome']))}; slow reconciles: ${code(p95(q, 'virtrigaud_manager_reconcile_duration_seconds', ['kind']))}.`,
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
    diagnosis: (q) => [
      `Queue depth per kind: ${code(queueDepth(q, ['kind']))}.`,
      `Reconcile rate and errors: ${code(reconcileRate(q, ['kind', 'outcome']))}; slow reconciles: ${code(p95(q, 'virtrigaud_manager_reconcile_duration_seconds', ['kind']))}.`,
      'Manager CPU throttling and restarts: `kubectl -n <namespace> top pod -l app.kubernetes.io/component=manager`.',
      'Provider slowness behind it: see VirtrigaudSlowVMCreation and the gRPC latency panels.',
    ],
    mitigation: [
      'Give the manager more CPU if it is throttled; fix failing reconciles that requeue in a loop.',
      'Fix the slow or failing provider the reconciles wait for.',
      'Bulk changes (e.g. a large VMSet scale-up) drain on their own; silence the alert for the operation.',
    ],
  },
  expression: (c, t) =>
    gt(
      recordedOrInline(c.q, c.q.profile === 'v0.3.11' ? 'namespace_name:workqueue_depth:sum' : 'namespace_kind:virtrigaud_queue_depth:sum', {}, c.useRecorded),
      requireThreshold('VirtrigaudQueueBacklog', t),
    ),
  tests: {
    documented: {
      severity: 'warning',
      summary: 'The VirtRigaud manager has a work-queue backlog.',
      cases: [
        {
          name: 'QueueBacklog: depth 150 from 6m: fires after for (10m), not before',
          series: [{ metric: 'virtrigaud_queue_depth', labels: { ...managerTarget, kind: 'VirtualMachine' }, values: '50x5 150x30' }],
          checks: [
            { at: '15m', firing: [] },
            {
              at: '16m',
              firing: [
                {
                  labels: { alertname: 'VirtrigaudQueueBacklog', namespace: NS, kind: 'VirtualMachine' },
                  description: `The work queue for VirtualMachine in namespace ${NS} holds 150 items (threshold 100) for more than 10 minutes.`,
                },
              ],
            },
          ],
        },
        {
          name: 'QueueBacklog: silent at depth 100',
          series: [{ metric: 'virtrigaud_queue_depth', labels: { ...managerTarget, kind: 'VirtualMachine' }, values: '100x30' }],
          checks: [{ at: '30m', firing: [] }],
        },
      ],
    },
    'v0.3.11': {
      severity: 'warning',
      summary: 'The VirtRigaud manager has a work-queue backlog.',
      cases: [
        {
          name: 'v0.3.11 QueueBacklog: workqueue_depth 150 from 6m: fires after for, not before',
          series: [{ metric: 'workqueue_depth', labels: { ...managerTarget, name: 'virtualmachine' }, values: '50x5 150x30' }],
          checks: [
            { at: '15m', firing: [] },
            {
              at: '16m',
              firing: [
                {
                  labels: { alertname: 'VirtrigaudQueueBacklog', namespace: NS, name: 'virtualmachine' },
                  description: `The work queue of controller virtualmachine in namespace ${NS} holds 150 items (threshold 100) for more than 10 minutes.`,
                },
              ],
            },
          ],
        },
        {
          name: 'v0.3.11 QueueBacklog: silent at depth 100',
          series: [{ metric: 'workqueue_depth', labels: { ...managerTarget, name: 'virtualmachine' }, values: '100x30' }],
          checks: [{ at: '30m', firing: [] }],
        },
      ],
    },
  },
});
