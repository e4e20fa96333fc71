/**
 * The README's construct-library example, run as written (with the package name resolved to this
 * checkout): it must type-check against the public API and synthesize the release it promises.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { PACKAGE_ROOT } from '../lib/paths';

const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
const example = /## As a construct library\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];

test('the README has a construct-library example importing the package', () => {
  expect(example).toMatch(/from 'virtrigaud-cdk8s'/);
  expect(example).toMatch(/new VirtRigaud\(/);
});

test('the example type-checks against the public API', () => {
  const file = join(PACKAGE_ROOT, 'test', '__readme-example.ts');
  const host = ts.createCompilerHost({});
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? example : readFile(name));
  host.fileExists = ((exists) => (name: string) => name === file || exists(name))(host.fileExists.bind(host));
  const program = ts.createProgram({
    rootNames: [file],
    options: { strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, baseUrl: PACKAGE_ROOT, paths: { 'virtrigaud-cdk8s': ['lib/index.ts'] } },
    host,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
}, 60_000);

test('the example synthesizes the manager and the vSphere provider (a Provider object the manager runs)', () => {
  const out = mkdtempSync(join(tmpdir(), 'readme-example-'));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = out;
  try {
    const js = ts.transpileModule(example!, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    const requireFor = (id: string) => (id === 'virtrigaud-cdk8s' ? require('../lib') : require(id)); // eslint-disable-line @typescript-eslint/no-require-imports
    new Function('require', 'exports', js)(requireFor, {}); // eslint-disable-line no-new-func -- runs the README's example
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    const objects = parseAllDocuments(readFileSync(join(out, files[0]), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: { replicas?: number; type?: string } });
    const deployment = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name);
    expect(deployment('virtrigaud-manager')?.spec?.replicas).toBe(2);
    expect(objects.find((o) => o.kind === 'Provider' && o.metadata.name === 'esx')?.spec?.type).toBe('vsphere');
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR;
    else process.env.CDK8S_OUTDIR = previous;
    rmSync(out, { recursive: true, force: true });
  }
});
