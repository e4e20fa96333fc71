/**
 * The published package in a stock cdk8s app, offline: `npm pack` makes the tarball, which is
 * unpacked into a fresh app's node_modules as npm would install it; its dependencies and peer
 * dependencies are the ones this checkout installed (linked, so nothing is downloaded). The app
 * uses the tsconfig `cdk8s init typescript-app` writes (read from cdk8s-cli's template: no
 * `skipLibCheck`, no `esModuleInterop`), must type-check, must refuse misspelt props, and must
 * synthesize.
 */
import { execFileSync, spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { PACKAGE_ROOT } from '../../lib/paths';

const built = existsSync(join(PACKAGE_ROOT, 'build/lib/index.d.ts'));
if (!built && process.env.CI) throw new Error('build/ is missing: run npm run build');
const builtTest = built ? test : test.skip;
if (!built) console.warn('package stock-app suite skipped: build/ is missing (run npm run build)');

const TEMPLATE_TSCONFIG = join(PACKAGE_ROOT, 'node_modules/cdk8s-cli/templates/typescript-app/tsconfig.json');

/** The app: the README's example, each construct on its own with partial props, and the other entry points. */
const MAIN = `import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { VirtRigaud, VirtRigaudManager, VirtRigaudProvider, VirtRigaudNetworkPolicies, Monitoring, VirtRigaudProps } from 'virtrigaud-cdk8s';
import { renderRelease } from 'virtrigaud-cdk8s/rendering';
import { lintManifests } from 'virtrigaud-cdk8s/lint';
import { ALERT_NAMES } from 'virtrigaud-cdk8s/monitoring';

const props: VirtRigaudProps = {
  manager: { replicas: 2 },
  providers: [{ name: 'esx', type: 'vsphere', endpoint: 'https://vcenter.example.com', credentialsSecret: 'vsphere-credentials', caBundleKey: 'ca.crt' }],
};

class Parts extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const manager = new VirtRigaudManager(this, 'manager', { context: { releaseName: 'parts' } });
    const provider = new VirtRigaudProvider(this, 'provider', { context: { releaseName: 'parts' }, values: { name: 'kvm', type: 'libvirt', endpoint: 'qemu+ssh://root@kvm/system', credentialsSecret: 'kvm' } });
    new VirtRigaudNetworkPolicies(this, 'policies', { context: { releaseName: 'parts' }, manager: { metricsPort: manager.metricsPort, healthPort: manager.healthPort } });
    new Monitoring(this, 'monitoring', { context: { releaseName: 'parts' }, values: { dashboard: { enabled: false } } });
    const port: number = provider.grpcPort;
    const job: string = manager.jobName;
    void port; void job;
  }
}

const app = new App();
const chart = new Chart(app, 'virtrigaud');
new VirtRigaud(chart, 'release', props);
new Parts(new Chart(app, 'parts', { namespace: 'parts-system' }), 'parts');
app.synth();

const rendered = renderRelease({ base: { releaseName: 'rendered' } });
console.log(JSON.stringify({ objects: rendered.manifests.length, findings: lintManifests(rendered.manifests).length, alerts: ALERT_NAMES.length }));
`;

/** Each must fail to compile, naming the offending prop. */
const MISTAKES: Record<string, [string, RegExp]> = {
  'misspelt-prop.ts': [`new VirtRigaud(new Chart(new App(), 'c'), 'r', { manager: { replica: 2 } });`, /replica/],
  'misspelt-type.ts': [`new VirtRigaud(new Chart(new App(), 'c'), 'r', { providers: [{ name: 'a', type: 'vspere', endpoint: 'https://h', credentialsSecret: 's' }] });`, /vspere/],
  'field-of-other-type.ts': [`new VirtRigaud(new Chart(new App(), 'c'), 'r', { providers: [{ name: 'a', type: 'libvirt', endpoint: 'qemu+ssh://h/system', credentialsSecret: 's', caBundleKey: 'ca.crt' }] });`, /caBundleKey|undefined/],
  'field-of-other-mode.ts': [`new VirtRigaud(new Chart(new App(), 'c'), 'r', { providers: [{ name: 'a', type: 'vsphere', endpoint: 'https://h', credentialsSecret: 's', podLabels: { a: 'b' } }] });`, /podLabels|undefined/],
};

let app: string;
let work: string;

beforeAll(() => {
  if (!built) return;
  work = mkdtempSync(join(tmpdir(), 'stock-app-'));
  app = join(work, 'app');
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  const pkgDir = join(app, 'node_modules', 'virtrigaud-cdk8s');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', join(work, filename), '-C', pkgDir, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; peerDependencies: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }> };
  // What npm would install: the dependencies and the required peers (not the optional ones); @types/node as the template has it.
  const required = Object.keys(pkg.peerDependencies).filter((n) => !pkg.peerDependenciesMeta?.[n]?.optional);
  for (const name of [...Object.keys(pkg.dependencies), ...required, '@types/node']) {
    const link = join(app, 'node_modules', name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join(PACKAGE_ROOT, 'node_modules', name), link, 'dir');
  }
  cpSync(TEMPLATE_TSCONFIG, join(app, 'tsconfig.json'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  writeFileSync(join(app, 'main.ts'), MAIN);
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Diagnostics of compiling `files` of the app with its tsconfig. */
function compile(files: string[]): ts.Diagnostic[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(app, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } })!;
  expect(config.options.skipLibCheck).toBeUndefined();
  const program = ts.createProgram({ rootNames: files.map((f) => join(app, f)), options: { ...config.options, noEmit: true } });
  return [...ts.getPreEmitDiagnostics(program)];
}

const format = (ds: readonly ts.Diagnostic[]) => ds.map((d) => `${d.file ? `${d.file.fileName}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);

builtTest('the tarball holds no tests, bench, scripts, sources or V8 caches, and a LICENSE', () => {
  const files: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else files.push(`${rel}${e.name}`);
    }
  };
  walk(join(app, 'node_modules', 'virtrigaud-cdk8s'), '');
  expect(files).toContain('LICENSE');
  expect(files.filter((f) => /^(test|bench|scripts|build\/bench|build\/scripts|build\/test)\//.test(f) || f.endsWith('.v8cache') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
});

builtTest('the declarations name only public entry points of cdk8s, cdk8s-plus-28 and constructs', () => {
  const deep: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.d.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/(?:from\s*|import\(\s*|require\(\s*)['"]((?:cdk8s|cdk8s-plus-28|constructs)\/[^'"]*)['"]/g)) deep.push(`${path.slice(app.length + 1)}: ${m[1]}`);
      }
    }
  };
  walk(join(app, 'node_modules', 'virtrigaud-cdk8s', 'build'));
  expect(deep).toEqual([]);
});

builtTest('the app type-checks with the stock cdk8s tsconfig (no skipLibCheck)', () => {
  expect(format(compile(['main.ts']))).toEqual([]);
}, 120_000);

builtTest('misspelt props, provider types and fields of another type or mode do not compile', () => {
  for (const [file, [statement]] of Object.entries(MISTAKES)) {
    writeFileSync(join(app, file), `import { App, Chart } from 'cdk8s';\nimport { VirtRigaud } from 'virtrigaud-cdk8s';\n${statement}\n`);
  }
  const diagnostics = compile(Object.keys(MISTAKES));
  for (const [file, [, pattern]] of Object.entries(MISTAKES)) {
    const own = format(diagnostics.filter((d) => d.file?.fileName === join(app, file)));
    expect({ file, errors: own.length > 0 && own.some((m) => pattern.test(m)) }).toEqual({ file, errors: true });
  }
  // Nothing else is wrong: only the mistakes fail.
  expect(format(diagnostics.filter((d) => !Object.keys(MISTAKES).some((f) => d.file?.fileName === join(app, f))))).toEqual([]);
}, 120_000);

builtTest('the app synthesizes with node from the installed package', () => {
  const js = ts.transpileModule(MAIN, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017 } }).outputText;
  writeFileSync(join(app, 'main.js'), js);
  const dist = join(app, 'dist');
  const stdout = execFileSync(process.execPath, ['main.js'], { cwd: app, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: dist } });
  const summary = JSON.parse(stdout.trim().split('\n').pop()!) as { objects: number; findings: number; alerts: number };
  expect(summary.objects).toBeGreaterThan(20);
  expect(summary.findings).toBe(0);
  const docs = (file: string) => parseAllDocuments(readFileSync(join(dist, file), 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec?: { replicas?: number } });
  const release = docs('virtrigaud.k8s.yaml');
  expect(release.find((o) => o.kind === 'Deployment' && o.metadata.name === 'virtrigaud-manager')?.spec?.replicas).toBe(2);
  expect(release.find((o) => o.kind === 'Provider')?.metadata.name).toBe('esx');
  // The parts, in a chart with a namespace: namespaced objects in it.
  const parts = docs('parts.k8s.yaml');
  expect(parts.find((o) => o.kind === 'Deployment')?.metadata).toMatchObject({ name: 'parts-manager', namespace: 'parts-system' });
}, 120_000);

builtTest('cdk8s synth of a provider on its own reports what the installed CLI reports for the same values', () => {
  const provider = { name: 'pve', type: 'proxmox', mode: 'deployment', endpoint: 'https://pve.example.com:8006', credentialsSecret: 'pve' };
  const bad = `import { App, Chart } from 'cdk8s';\nimport { VirtRigaudProvider } from 'virtrigaud-cdk8s';\n` +
    `const app = new App();\nnew VirtRigaudProvider(new Chart(app, 'c'), 'pve', { values: ${JSON.stringify(provider)} });\napp.synth();\n`;
  writeFileSync(join(app, 'bad.js'), ts.transpileModule(bad, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017 } }).outputText);
  const synth = spawnSync(process.execPath, ['bad.js'], { cwd: app, encoding: 'utf8', env: { ...process.env, CDK8S_OUTDIR: join(app, 'dist-bad') } });
  writeFileSync(join(app, 'bad.yaml'), JSON.stringify({ providers: [provider] }));
  const cli = spawnSync(process.execPath, ['node_modules/virtrigaud-cdk8s/build/bin/virtrigaud.js', 'synth', '-o', '-', '-f', 'bad.yaml'], { cwd: app, encoding: 'utf8' });
  expect(cli.status).toBe(2);
  const [message] = cli.stderr.trim().split('\n').map((l) => l.replace(/^error: /, '').replace(/ \(bad\.yaml:\d+:\d+\)$/, ''));
  expect(message).toMatch(/^providers\[0\]\.mode: mode: deployment cannot be used with VirtRigaud v0\.3\.11/);
  expect(synth.status).not.toBe(0);
  expect(synth.stderr).toContain(`[c/pve] ${message}\n`);
}, 120_000);
