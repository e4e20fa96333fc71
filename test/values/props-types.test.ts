/**
 * The generated props (lib/props.ts) and the values schema are one source of truth: the types are
 * mutually assignable with the schema's input type (providers: every typed provider is a valid
 * input, and the union refuses what the schema refuses for a type or mode), and every description
 * of the schema is in the props' JSDoc.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';
import type { z } from 'zod';
import { valuesJsonSchema } from '../../lib/docs/values-reference';
import { PACKAGE_ROOT } from '../../lib/paths';
import type { ProviderOptions, VirtRigaudProps } from '../../lib/props';
import type { providerSchema } from '../../lib/values/provider-values';
import type { valuesSchema } from '../../lib/values/schema';

type Input = z.input<typeof valuesSchema>;

// Compile-time checks (this file is type-checked by the test below and by `npm run typecheck`).
export const propsAreInput = (p: VirtRigaudProps): Input => p;
export const inputIsProps = (i: Omit<Input, 'providers'>): Omit<VirtRigaudProps, 'providers'> => i;
export const providerIsInput = (p: ProviderOptions): z.input<typeof providerSchema> => p;
export const mistakes: ProviderOptions[] = [
  // @ts-expect-error a misspelt type
  { name: 'a', type: 'vspere', endpoint: 'https://h', credentialsSecret: 's' },
  // @ts-expect-error caBundleKey is for vSphere and Proxmox only
  { name: 'a', type: 'libvirt', endpoint: 'qemu+ssh://h/system', credentialsSecret: 's', caBundleKey: 'ca.crt' },
  // @ts-expect-error defaults are for vSphere only
  { name: 'a', type: 'proxmox', endpoint: 'https://h', credentialsSecret: 's', defaults: { datastore: 'd' } },
  // @ts-expect-error podLabels only in mode: deployment
  { name: 'a', type: 'vsphere', endpoint: 'https://h', credentialsSecret: 's', podLabels: { a: 'b' } },
  // @ts-expect-error an unknown mode
  { name: 'a', type: 'vsphere', mode: 'pod', endpoint: 'https://h', credentialsSecret: 's' },
  { name: 'a', type: 'vsphere', mode: 'deployment', endpoint: 'https://h', credentialsSecret: 's', podLabels: { a: 'b' }, defaults: { datastore: 'd' } },
];

test('this file type-checks: the assignability checks hold and each @ts-expect-error is an error', () => {
  const file = join(PACKAGE_ROOT, 'test/values/props-types.test.ts');
  const program = ts.createProgram({
    rootNames: [file],
    options: { strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, types: ['jest', 'node'] },
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
}, 120_000);

test('every description of the values schema is in the props\' JSDoc', () => {
  const props = readFileSync(join(PACKAGE_ROOT, 'lib/props.ts'), 'utf8');
  const missing: string[] = [];
  const walk = (s: Record<string, unknown>, path: string) => {
    if (typeof s.description === 'string' && path !== '' && !props.includes(s.description)) missing.push(path);
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(v, path ? `${path}.${k}` : k);
    if (s.items) walk(s.items as Record<string, unknown>, `${path}[]`);
  };
  walk(valuesJsonSchema(), '');
  expect(missing).toEqual([]);
});
