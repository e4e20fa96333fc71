import { Testing } from 'cdk8s';
import type { ProviderOptions } from '../../lib/props';
import { join } from 'path';
import { VirtRigaudNetworkPolicies } from '../../lib/constructs/network-policies';
import { VirtRigaudProvider } from '../../lib/constructs/provider';
import { loadValuesFile } from '../../lib/values/load';
import { valuesSchema } from '../../lib/values/schema';
import { ctx, expectValid, issues, Manifest } from './provider-fixtures';

const example = (file: string) => join(__dirname, '../../examples', file);

describe.each([
  ['vsphere.yaml', ['vsphere']],
  ['libvirt.yaml', ['libvirt']],
  ['proxmox.yaml', ['proxmox']],
  ['all-providers.yaml', ['vsphere', 'libvirt', 'proxmox', 'libvirt']],
])('examples/%s', (file, types) => {
  const layer = loadValuesFile(example(file));

  test('is valid values with the documented providers', () => {
    expect(issues(valuesSchema, layer.values)).toEqual([]);
    expect(valuesSchema.parse(layer.values).providers.map((p) => p.type)).toEqual(types);
  });

  test('renders providers and network policies that are valid against their schemas', () => {
    const values = valuesSchema.parse(layer.values);
    const chart = Testing.chart();
    for (const p of values.providers) new VirtRigaudProvider(chart, `provider-${p.name}`, { context: ctx, profile: values.profile, values: p as ProviderOptions, imagePullSecrets: values.imagePullSecrets });
    new VirtRigaudNetworkPolicies(chart, 'network-policies', { context: ctx, values: values.networkPolicies, manager: { metricsPort: 8080, healthPort: 8081 }, providers: values.providers as ProviderOptions[] });
    const objects = Testing.synth(chart) as Manifest[];
    expect(objects.filter((o) => o.kind === 'NetworkPolicy')).toHaveLength(values.providers.length + 1);
    expectValid(objects);
  });
});
