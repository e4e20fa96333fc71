import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { BUNDLE_FILE, BUNDLE_MANIFEST_FILE, BundleManifest, loadBundle } from '../../lib/cli/bundle';
import { PACKAGE_ROOT } from '../../lib/paths';
import { CODE_CACHE_SUFFIX, codeCacheIdentity } from '../../lib/schema/module-loader';

/** The launcher runs the bundle only while it matches what it was built from. */
describe('CLI bundle loader', () => {
  let root: string;
  let dir: string;
  const input = () => join(root, 'src.ts');

  const entry = () => join(root, 'entry.ts');
  function writeManifest(extra: Partial<BundleManifest> = {}): void {
    const inputs = [input(), entry()].filter((f) => existsSync(f)).map((f) => [f.slice(root.length + 1), statSync(f).size, statSync(f).mtimeMs] as const);
    const manifest: BundleManifest = { node: process.version, ascii: true, entry: 'entry.ts', inputs: [...inputs, ['node_modules/dep/package.json', 2, 0]], ...extra };
    writeFileSync(join(dir, BUNDLE_MANIFEST_FILE), JSON.stringify(manifest));
  }

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bundle-'));
    dir = join(root, 'out');
    mkdirSync(dir);
    writeFileSync(input(), 'export const x = 1;\n');
    writeFileSync(entry(), 'export {};\n');
    writeFileSync(join(dir, BUNDLE_FILE), 'exports.runCli = () => 42; exports.usesPrecompiledValidators = () => true;\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('loads a current bundle', () => {
    writeManifest();
    const loaded = loadBundle(dir, root);
    expect(loaded?.exports.runCli([])).toBe(42);
    expect(loaded?.cacheRejected).toBeUndefined(); // no code cache recorded: none read
  });

  test('no manifest, a changed input, a missing input or another Node.js: not used', () => {
    expect(loadBundle(dir, root)).toBeUndefined();
    writeManifest();
    writeFileSync(input(), 'export const x = 2;\n'); // same size, new mtime
    utimesSync(input(), new Date(), new Date(Date.now() + 5000));
    expect(loadBundle(dir, root)).toBeUndefined();
    writeManifest();
    expect(loadBundle(dir, root)).toBeDefined();
    writeManifest({ node: 'v0.0.0' });
    expect(loadBundle(dir, root)).toBeUndefined();
    writeManifest();
    rmSync(input());
    expect(loadBundle(dir, root)).toBeUndefined();
  });

  test('a published package (build/ without sources, dependencies elsewhere) uses its bundle', () => {
    writeManifest();
    rmSync(input());
    rmSync(entry());
    expect(loadBundle(dir, root)?.exports.runCli([])).toBe(42);
  });

  test('a stale code cache is rejected by V8 and the bundle still runs; one of another V8 is not read', () => {
    // Sources of their own: V8's in-process compilation cache would otherwise skip the code cache.
    writeFileSync(join(dir, BUNDLE_FILE), 'exports.runCli = () => 43; exports.usesPrecompiledValidators = () => true;\n');
    writeFileSync(join(dir, BUNDLE_FILE + CODE_CACHE_SUFFIX), Buffer.from('not a code cache'));
    writeManifest({ codeCache: codeCacheIdentity() });
    const loaded = loadBundle(dir, root);
    expect(loaded?.cacheRejected).toBe(true);
    expect(loaded?.exports.runCli([])).toBe(43);
    writeFileSync(join(dir, BUNDLE_FILE), 'exports.runCli = () => 44; exports.usesPrecompiledValidators = () => true;\n');
    writeManifest({ codeCache: 'another-v8/x64' });
    expect(loadBundle(dir, root)?.cacheRejected).toBeUndefined();
  });

  test('a code cache made under other V8 flags is rejected by V8, and the module runs as without it', () => {
    // Fresh processes: the cache is written by one without flags and read by one with and one without.
    const file = join(dir, 'generated.js');
    writeFileSync(file, 'exports.value = () => [1, 2, 3].map((x) => x * 2).join(",");\n');
    const script = `const { loadGeneratedModule } = require('./lib/schema/module-loader.ts');
const [file, mode] = process.argv.slice(1);
const m = loadGeneratedModule(file, { useCodeCache: mode === 'read' });
if (mode === 'write') require('fs').writeFileSync(file + ${JSON.stringify(CODE_CACHE_SUFFIX)}, m.script.createCachedData());
process.stdout.write(JSON.stringify({ rejected: m.cacheRejected, value: m.exports.value() }));`;
    const run = (flags: string[], mode: string) => {
      const r = spawnSync(process.execPath, [...flags, '-r', 'ts-node/register/transpile-only', '-e', script, file, mode], { cwd: PACKAGE_ROOT, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      return JSON.parse(r.stdout) as { rejected?: boolean; value: string };
    };
    expect(run([], 'write')).toEqual({ value: '2,4,6' });
    expect(run([], 'read')).toEqual({ rejected: false, value: '2,4,6' });
    expect(run(['--max-old-space-size=1000'], 'read')).toEqual({ rejected: true, value: '2,4,6' });
  });
});
