/**
 * The `v0.3.11` profile of the metrics catalog against VirtRigaud v0.3.11's own registrations:
 * `vendor/virtrigaud-v0.3.11/internal/obs/metrics/metrics.go` (upstream's file at tag v0.3.11,
 * Apache-2.0, LICENSE beside it) is parsed here for every family's name, type, labels and buckets.
 */
import { PROFILE_LABELS, PROFILE_METRICS } from '../../lib/catalog/catalog';
import { Registration, registrations, UPSTREAM_METRICS_SOURCE as SOURCE } from './upstream-registrations';

const upstream = registrations(SOURCE);
const catalog = PROFILE_METRICS['v0.3.11'].filter((m) => m.source === 'registered');

describe('the v0.3.11 catalog profile is what VirtRigaud v0.3.11 registers', () => {
  test('the parser finds every registration of the file', () => {
    expect(upstream.length).toBe([...SOURCE.matchAll(/registerer\.New\w+Vec\(/g)].length);
    expect(upstream.length).toBeGreaterThan(5);
  });

  test('the same families, with the same types, labels (in order) and buckets', () => {
    const shape = (m: Registration) => ({ name: m.name, type: m.type, labels: [...m.labels], buckets: m.buckets ? [...m.buckets] : undefined });
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    expect(catalog.map(shape).sort(byName)).toEqual(upstream.map(shape).sort(byName));
  });

  test('the largest finite buckets are 16.384 s (reconcile, RPC) and 51.2 s (IP discovery)', () => {
    const top = (name: string) => Math.max(...(upstream.find((m) => m.name === name)?.buckets ?? []));
    expect(top('virtrigaud_manager_reconcile_duration_seconds')).toBe(16.384);
    expect(top('virtrigaud_provider_rpc_latency_seconds')).toBe(16.384);
    expect(top('virtrigaud_ip_discovery_duration_seconds')).toBe(51.2);
  });

  test('outcome, operation and component values of the catalog are upstream constants', () => {
    const constants = (prefix: string) => [...SOURCE.matchAll(new RegExp(`\\b${prefix}\\w+\\s*=\\s*"([^"]+)"`, 'g'))].map((m) => m[1]).sort();
    const labels = (name: string) => [...PROFILE_LABELS['v0.3.11'][name].values].sort();
    expect(labels('outcome')).toEqual(constants('Outcome'));
    expect(labels('operation')).toEqual(constants('Op'));
    expect(labels('component')).toEqual(constants('Component'));
  });
});
