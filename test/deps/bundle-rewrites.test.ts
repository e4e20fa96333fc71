import { spawnSync } from 'child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { PACKAGE_ROOT } from '../../lib/paths';
import { rewritePlugins, RewriteReport } from '../../scripts/build-bundle';

/**
 * The bundle step (`npm run build`) rewrites compiled files of cdk8s, zod and cdk8s-plus-28 (its L1 module, and its index to that module). Their
 * layout is no public API: the first test fails loudly when an installed release no longer has
 * the layout assumed; the second proves that the build then bundles that dependency as published
 * (same behaviour, a slower start) instead of failing or writing a broken bundle.
 */

/** Uses cdk8s (index), zod (messages) and the Kubernetes L1 imports, imported as the renderer's sources do. */
const ENTRY = `import cdk8s from 'cdk8s';
import { z } from 'zod';
import { k8s } from 'cdk8s-plus-28';
export default () => {
  const app = new cdk8s.App();
  const chart = new cdk8s.Chart(app, 'c', { disableResourceNameHashes: true });
  new k8s.KubeNamespace(chart, 'ns', { metadata: { name: 'x', labels: { a: 'b' }, annotations: undefined } });
  return { yaml: app.synthYaml(), message: z.string().safeParse(1).error.issues[0].message, locales: Object.keys(z.locales ?? {}).length > 0 };
};
`;

/** Bundles ENTRY with the rewrite plugins, dependencies from `<dir>/node_modules`; returns the reports and what the bundle and the unbundled entry return. */
async function bundleWithRewrites(dir: string): Promise<{ reports: RewriteReport[]; bundled: string; unbundled: string }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, ENTRY);
  const reports: RewriteReport[] = [];
  const outfile = join(dir, 'bundle.js');
  const plugins = rewritePlugins(dir, (r) => void reports.push(r), () => new Set(['KubeNamespace']));
  await esbuild.build({
    entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent',
    plugins: plugins as unknown as import('esbuild').Plugin[],
  });
  const run = (file: string) => {
    const script = `import(${JSON.stringify(file)}).then((m) => process.stdout.write(JSON.stringify(m.default.default ? m.default.default() : m.default())))`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: dir });
    if (r.status !== 0) throw new Error(`${file} failed: ${r.stderr}`);
    return r.stdout;
  };
  return { reports, bundled: run(outfile), unbundled: run(entry) };
}

describe('bundle step: rewrites of dependencies\' internals', () => {
  let tmp: string;
  beforeEach(() => void (tmp = mkdtempSync(join(tmpdir(), 'virtrigaud-rewrites-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  test('canary: every rewrite fits the installed cdk8s, zod and cdk8s-plus-28 (pinned exactly in package.json)', async () => {
    symlinkSync(join(PACKAGE_ROOT, 'node_modules'), join(tmp, 'node_modules'));
    const { reports, bundled, unbundled } = await bundleWithRewrites(tmp);
    const changed = reports.filter((r) => !r.applied);
    if (changed.length > 0) {
      throw new Error(changed.map((r) => `${r.dependency} changed an internal that scripts/build-bundle.ts rewrites: ${r.internal} (${r.reason}). ` +
        '`npm run build` still works (that dependency is bundled as published, the CLI starts slower): update the rewrite, or keep the version pinned in package.json.').join('\n'));
    }
    expect(reports.map((r) => r.internal.split(' ')[0]).sort()).toEqual(['lib/imports/k8s.js', 'lib/imports/k8s.js', 'lib/index.js', 'lib/index.js', 'v4/locales/index.js']);
    expect(JSON.parse(bundled)).toEqual({ ...JSON.parse(unbundled), locales: true }); // z.locales holds `en` only in the bundle
  });

  test('fallback: with altered copies of the three dependencies the bundle is made from them as published and behaves alike', async () => {
    const real = join(PACKAGE_ROOT, 'node_modules');
    const nm = join(tmp, 'node_modules');
    mkdirSync(nm);
    symlinkSync(join(real, 'constructs'), join(nm, 'constructs'));
    cpSync(join(real, 'cdk8s'), join(nm, 'cdk8s'), { recursive: true });
    cpSync(join(real, 'zod'), join(nm, 'zod'), { recursive: true, filter: (f) => !f.includes(`${join(real, 'zod', 'src')}`) });
    cpSync(join(real, 'cdk8s-plus-28'), join(nm, 'cdk8s-plus-28'), { recursive: true });
    // Same behaviour, other layouts: what a patch release built with other tools could ship.
    const edit = (file: string, change: (text: string) => string) => {
      const before = readFileSync(file, 'utf8');
      const after = change(before);
      expect(after).not.toBe(before);
      writeFileSync(file, after);
    };
    edit(join(nm, 'cdk8s', 'lib', 'index.js'), (t) => t.replace(/__exportStar\(require\("(\.\/[\w-]+)"\), exports\);/g, 'Object.assign(exports, require("$1"));'));
    edit(join(nm, 'zod', 'v4', 'locales', 'index.js'), (t) => t.replace('export { default as en } from "./en.js";', 'import en from "./en.js";\nexport { en };'));
    edit(join(nm, 'cdk8s-plus-28', 'lib', 'index.js'), (t) => t.replace('exports.k8s = require("./imports/k8s");', "exports.k8s = require('./imports/k8s');"));
    writeFileSync(join(nm, 'cdk8s-plus-28', 'lib', 'imports', 'k8s.js'), `${readFileSync(join(real, 'cdk8s-plus-28', 'lib', 'imports', 'k8s.js'), 'utf8')}\nif (exports.KubeNamespace) exports.loaded = true;\n`);

    const { reports, bundled, unbundled } = await bundleWithRewrites(tmp);
    expect(reports.filter((r) => r.applied)).toEqual([]);
    expect(reports.map((r) => `${r.dependency.split('@')[0]}: ${r.reason}`).sort()).toEqual([
      'cdk8s-plus-28: lib/index.js has no such line',
      'cdk8s-plus-28: slimK8sImports: unexpected statement: if (exports.KubeNamespace) exports.loaded = true;',
      'cdk8s: 0 __exportStar parts found in ' + join(nm, 'cdk8s', 'lib', 'index.js'),
      'zod: v4/locales/index.js does not re-export en from ./en.js',
    ]);
    expect(JSON.parse(bundled)).toEqual(JSON.parse(unbundled));
    expect(JSON.parse(bundled).locales).toBe(true);
    expect(JSON.parse(bundled).yaml).toContain('name: x');
  });
});
