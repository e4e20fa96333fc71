/**
 * VirtrigaudHighErrorRate (spec). The spec's `rate(x{outcome="failure"}[5m]) / rate(x[5m]) > 0.1`
 * divides each series by itself; here failures and all operations are summed per provider first.
 */
import { gt, ne } from '../promql';
import { errorsRate, rpcRequestsRate, vmOperationsRate } from '../promql/queries';
import { recordedOrInline } from '../promql/recording-rules';
import { esx, kvm, NS, opsSeries } from './fixtures';
import { code, defineAlert, percent, requireThreshold } from './types';

const halfFail = {
  labels: { alertname: 'VirtrigaudHighErrorRate', namespace: NS, ...esx },
  description: `50% of VM operations on provider esx (vsphere) in namespace ${NS} failed over the last 5 minutes (threshold 10%, for more than 10 minutes).`,
};
const summary = 'High error rate in VM operations.';

export const highErrorRate = defineAlert({
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
    diagnosis: (q) => [
      `Which operations fail: ${code(vmOperationsRate(q, ['operation', 'outcome'], { provider: '<provider>' }))}.`,
      `Error reasons: ${code(errorsRate(q, ['component', 'reason']))} and the gRPC codes ${code(rpcRequestsRate(q, ['method', 'code'], { code: ne('OK') }))}.`,
      'Events of the affected objects: `kubectl get events -A --field-selector involvedObject.kind=VirtualMachine`.',
      'Hypervisor side: datastore space, permissions of the provider\'s account, template/image availability.',
    ],
    mitigation: [
      'Fix the hypervisor-side cause (capacity, permissions, missing templates or networks).',
      'If one operation type fails because of a bad VMClass or VMImage, correct that object.',
      'Raise the threshold per environment with `monitoring.rules.alerts.VirtrigaudHighErrorRate.threshold` only if the failures are expected.',
    ],
  },
  expression: (c, t) =>
    gt(recordedOrInline(c.q, 'namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m', {}, c.useRecorded), requireThreshold('VirtrigaudHighErrorRate', t)),
  tests: {
    documented: {
      severity: 'warning',
      summary,
      cases: [
        {
          name: 'HighErrorRate: half of the operations fail from 11m: fires after for (10m), not before',
          series: [opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+10x60'), opsSeries({ ...esx, operation: 'Create', outcome: 'failure' }, '0x10 10+10x50')],
          checks: [
            { at: '10m', firing: [] },
            { at: '20m', firing: [] },
            { at: '21m', firing: [halfFail] },
          ],
        },
        {
          name: 'HighErrorRate: silent when healthy (5% errors) and without traffic',
          series: [
            opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+19x60'),
            opsSeries({ ...esx, operation: 'Create', outcome: 'error' }, '0+1x60'),
            opsSeries({ ...kvm, operation: 'Create', outcome: 'success' }, '5x60'),
          ],
          checks: [{ at: '45m', firing: [] }],
        },
      ],
    },
    'v0.3.11': {
      severity: 'warning',
      summary,
      cases: [
        {
          name: 'v0.3.11 HighErrorRate: half of the operations end in outcome error from 11m: fires after for, not before',
          series: [opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+10x60'), opsSeries({ ...esx, operation: 'Create', outcome: 'error' }, '0x10 10+10x50')],
          checks: [
            { at: '20m', firing: [] },
            { at: '21m', firing: [halfFail] },
          ],
        },
        {
          name: 'v0.3.11 HighErrorRate: silent at 5% errors',
          series: [opsSeries({ ...esx, operation: 'Create', outcome: 'success' }, '0+19x60'), opsSeries({ ...esx, operation: 'Create', outcome: 'error' }, '0+1x60')],
          checks: [{ at: '45m', firing: [] }],
        },
      ],
    },
  },
});
