/** Shared helpers of the provider and network-policy tests. */
import type { ProviderOptions } from '../../lib/props';
import { Testing } from 'cdk8s';
import { VirtRigaudProvider } from '../../lib/constructs/provider';
import { assertManifestsValid, validateManifest } from '../../lib/schema/schema-validation';
import { ProviderInput, providersSchema, ProviderValues } from '../../lib/values/provider-values';

import { ctx } from '../release-context';

export { ctx };

/**
 * One realistic provider of each type, in `deployment` mode (rendered with `profile: documented`:
 * `profile: v0.3.11` refuses this mode, a values and library-mode test).
 */
export const SAMPLES = {
  vsphere: { name: 'vc-prod', type: 'vsphere', mode: 'deployment', endpoint: 'https://vcenter.example.com/sdk', credentialsSecret: 'vsphere-credentials' },
  libvirt: { name: 'kvm-lab', type: 'libvirt', mode: 'deployment', endpoint: 'qemu+ssh://virtrigaud@kvm01.example.com/system', credentialsSecret: 'libvirt-credentials' },
  proxmox: { name: 'pve', type: 'proxmox', mode: 'deployment', endpoint: 'https://pve01.example.com:8006', credentialsSecret: 'proxmox-credentials' },
} as const satisfies Record<string, ProviderInput>;

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; [k: string]: any };

export function parseProviders(input: readonly ProviderInput[]): ProviderValues[] {
  return providersSchema.parse(input);
}

/** Synthesize providers (inputs go through the values schema first) into plain manifests. */
export function synthProviders(input: readonly ProviderInput[], imagePullSecrets?: { name: string }[]): Manifest[] {
  const chart = Testing.chart();
  for (const values of parseProviders(input)) {
    new VirtRigaudProvider(chart, `provider-${values.name}`, { context: ctx, profile: 'documented', values: values as ProviderOptions, imagePullSecrets });
  }
  return Testing.synth(chart) as Manifest[];
}

export function find(objects: readonly Manifest[], kind: string, name: string): Manifest {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}

/** Issues of a failed parse: the zod key path and the message. */
export function issues(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } } }, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return result.error!.issues.map((i) => ({ path: i.path, message: i.message }));
}

/** Does a `matchLabels` selector select a pod with these labels? */
export function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Every object is valid against its schema (Kubernetes or CRD). */
export function expectValid(objects: readonly Manifest[]): void {
  for (const o of objects) expect({ object: `${o.kind}/${o.metadata.name}`, problems: validateManifest(o) }).toEqual({ object: `${o.kind}/${o.metadata.name}`, problems: [] });
  assertManifestsValid(objects);
}
