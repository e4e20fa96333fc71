/**
 * Input-series builders for the alerts' promtool cases. The cases run against rules rendered for
 * the test release `virtrigaud` in namespace `virtrigaud-system` (the values promtool's expected
 * labels and descriptions state literally).
 */
import { DURATION_BUCKETS } from '../catalog/catalog';
import type { InputSeries, Labels } from './types';

export const NS = 'virtrigaud-system';
export const MANAGER_JOB = 'virtrigaud-manager';
export const PROVIDER_JOB = 'virtrigaud-provider';

/** The target labels Prometheus adds to a scraped series. */
export const target = (job: string, service: string, instance: string) => ({ job, namespace: NS, service, instance, pod: `${service}-0`, endpoint: 'metrics' });
export const managerTarget = target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080');
export const esxTarget = target(PROVIDER_JOB, 'virtrigaud-provider-esx', '10.0.1.1:8080');
/** The manager up throughout. */
export const managerUp: InputSeries = { metric: 'up', labels: managerTarget, values: '1x90' };

export const esx = { provider_type: 'vsphere', provider: 'esx' } as const;
export const kvm = { provider_type: 'libvirt', provider: 'kvm' } as const;

/** `virtrigaud_vm_operations_total` as the manager serves it. */
export const opsSeries = (labels: Labels, values: string): InputSeries => ({ metric: 'virtrigaud_vm_operations_total', labels: { ...managerTarget, ...labels }, values });

/** Cumulative `_bucket` series of one histogram whose observations all land in the bucket `le`. */
export function histogram(metric: string, labels: Labels, le: number | '+Inf', perMinute: number, minutes: number): InputSeries[] {
  const bounds = [...DURATION_BUCKETS.map(String), '+Inf'];
  return bounds.map((bound) => {
    const included = bound === '+Inf' || (le !== '+Inf' && Number(bound) >= le);
    return { metric: `${metric}_bucket`, labels: { ...managerTarget, ...labels, le: bound }, values: included ? `0+${perMinute}x${minutes}` : `0x${minutes}` };
  });
}
