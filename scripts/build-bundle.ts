/**
 * Bundles the CLI into one file with esbuild and writes its V8 code cache (run by `npm run build`
 * after `tsc` and the schema validators). `bin/virtrigaud.ts` uses the bundle while it is current
 * (see lib/cli/bundle.ts) and the compiled modules otherwise.
 *
 *   node build/scripts/build-bundle.js [--check]   (--check: check the existing bundle, exit 1 if it fails)
 *
 * The bundle is written to `build/lib/cli/`, at the depth of the compiled modules, so that paths
 * relative to `__dirname` (the generated schema validators) resolve alike. Before keeping it, the
 * script checks that the bundle renders byte for byte what the compiled modules render (default
 * release, providers of every type and mode, per-resource layout) and that it finds the generated
 * validators. Without esbuild (a production install) it leaves no bundle and says so.
 *
 * The code cache is made after rendering the default release and a release with providers, so it
 * holds the compiled code of everything a render runs; V8 rejects it (and compiles as usual) if
 * the V8 version or flags differ.
 *
 * What the bundle leaves out of start-up (each plugin below says why it is safe): Node built-ins
 * that load on first use, cdk8s's index as lazy getters, zod's translations, and all but the used
 * part of cdk8s-plus-28's Kubernetes L1 imports (its index, from which the sources import only `k8s`,
 * is that module alone). cdk8s's own copy of `yaml` is the package's.
 *
 * The last three rewrite a dependency's compiled files, whose layout is no public API: each checks
 * the shape it assumes and, when a release changed it, bundles that dependency as published and
 * prints a one-line warning (test/deps/bundle-rewrites.test.ts fails loudly then). Any other failure
 * (esbuild missing, the bundle rendering differently) leaves no bundle, with a one-line warning:
 * the CLI then runs the compiled modules, and `npm run build` still succeeds.
 */
import { isAscii } from 'buffer';
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';
import { BUNDLE_FILE, BUNDLE_MANIFEST_FILE, BundleManifest, loadBundle } from '../lib/cli/bundle';
import type { CliIo } from '../lib/cli/cli';
import { PACKAGE_ROOT } from '../lib/paths';
import { CODE_CACHE_SUFFIX, codeCacheIdentity } from '../lib/schema/module-loader';

const OUT_DIR = join(__dirname, '..', 'lib', 'cli');
/** The bundle's entry, relative to the package root. */
const ENTRY = 'lib/cli/bundle-entry.ts';
const BIN = join(__dirname, '..', 'bin', 'virtrigaud.js');

/**
 * Loaded lazily by the bundle and needed only off the render path (run-time schema compilation,
 * codemirror analysis for tests and lint): left as ordinary `require`s into node_modules.
 */
const EXTERNAL = ['ajv', 'ajv/*', 'ajv-formats', '@codemirror/*', '@prometheus-io/codemirror-promql', '@prometheus-io/codemirror-promql/*'];

/** Values that make the checks and the code cache cover every construct: providers of every type and mode. */
const PROVIDERS_VALUES = `providers:
  - { name: esx, type: vsphere, endpoint: "https://vcenter.example.com/sdk", credentialsSecret: vsphere-credentials }
  - { name: kvm, type: libvirt, endpoint: "qemu+ssh://virtrigaud@kvm.example.com/system", credentialsSecret: libvirt-credentials }
  - { name: pve, type: proxmox, endpoint: "https://pve.example.com:8006", credentialsSecret: proxmox-credentials }
  - { name: lab, type: proxmox, mode: custom-resource, endpoint: "https://pve2.example.com:8006", credentialsSecret: proxmox-credentials }
`;

/** A rewrite of a dependency's internals and whether it applied to the installed version. */
export interface RewriteReport {
  /** `name@version` of the dependency. */
  readonly dependency: string;
  /** The internal the rewrite assumes. */
  readonly internal: string;
  readonly applied: boolean;
  /** Why it did not apply. */
  readonly reason?: string;
}

type Report = (r: RewriteReport) => void;

function packageVersion(name: string, root: string): string {
  try {
    const pkg = require.resolve(`${name}/package.json`, { paths: [root] });
    return `${name}@${(JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version}`;
  } catch {
    return `${name}@?`;
  }
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0];

interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile: { inputs: Record<string, unknown> }; warnings: unknown[] }>;
}

/** esbuild resolves the `yaml` that cdk8s ships on its own to the package's `yaml` when they are the same version (one copy in the bundle). */
function dedupeYamlPlugin() {
  const version = (pkgJson: string) => (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  const top = join(dirname(require.resolve('yaml', { paths: [PACKAGE_ROOT] })), '..');
  return {
    name: 'dedupe-yaml',
    setup(build: { onResolve(o: { filter: RegExp }, cb: (a: { path: string; resolveDir: string }) => { path: string } | undefined): void }) {
      build.onResolve({ filter: /^yaml$/ }, (args) => {
        const nested = join(args.resolveDir.replace(/(node_modules\/(?:@[^/]+\/)?[^/]+).*$/, '$1'), 'node_modules', 'yaml');
        if (!args.resolveDir.includes('node_modules') || !existsSync(join(nested, 'package.json'))) return undefined;
        if (version(join(nested, 'package.json')) !== version(join(top, 'package.json'))) return undefined;
        return { path: require.resolve('yaml', { paths: [PACKAGE_ROOT] }) };
      });
    },
  };
}

/**
 * Node built-ins that dependencies load at start-up but a render rarely uses (`crypto` for
 * construct addresses, `child_process` for cdk8s's Helm support, `net` for IP checks of values):
 * in the bundle they load on first use. Only modules whose export is a plain object qualify.
 */
const LAZY_BUILTINS = ['child_process', 'crypto', 'dgram', 'dns', 'http', 'https', 'net', 'os', 'tls', 'url', 'zlib'];

function lazyBuiltinsPlugin() {
  const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(build: {
      onResolve(o: { filter: RegExp }, cb: (a: { path: string; namespace: string }) => { path: string; namespace?: string; external?: boolean } | undefined): void;
      onLoad(o: { filter: RegExp; namespace: string }, cb: (a: { path: string }) => { contents: string; loader: string }): void;
    }) {
      build.onResolve({ filter }, (args) => {
        if (args.namespace === 'lazy-builtin') return { path: args.path, external: true };
        return { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
        // The export names are listed at build time (the bundle is used only with this Node version), so
        // that interop helpers copying them (`__importStar`, `__toESM`) do not load the module.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const names = Object.getOwnPropertyNames(require(`node:${args.path}`) as object).filter((n) => n !== '__esModule');
        return {
          loader: 'js',
          contents: `let m; const load = () => (m ??= require(${JSON.stringify(`node:${args.path}`)}));
const names = new Set(${JSON.stringify(names)});
module.exports = new Proxy({}, {
  get: (_, k) => (k === '__esModule' ? undefined : Reflect.get(load(), k)),
  set: (_, k, v) => Reflect.set(load(), k, v),
  has: (_, k) => names.has(k) || Reflect.has(load(), k),
  ownKeys: () => [...names],
  getOwnPropertyDescriptor: (_, k) => (names.has(k) ? { configurable: true, enumerable: true, get: () => load()[k], set: (v) => { load()[k] = v; } } : undefined),
  getPrototypeOf: () => Object.prototype,
});`,
        };
      });
    },
  };
}

/**
 * cdk8s's index loads all of cdk8s (Helm support spawning processes, YAML includes, testing
 * helpers): in the bundle, `require('cdk8s')` gets the same exports as getters that load each
 * part on first use. The names come from cdk8s itself at build time (first export wins, as with
 * its `__exportStar`).
 */
export const CDK8S_INDEX_INTERNAL = 'lib/index.js re-exports its parts with tsc\'s `__exportStar(require("./part"), exports)`';

/** The lazy index module for cdk8s's `lib/index.js`; throws when the index is not laid out as assumed. */
export function lazyCdk8sIndexSource(indexFile: string): string {
  const parts = [...readFileSync(indexFile, 'utf8').matchAll(/__exportStar\(require\("(\.\/[\w-]+)"\), exports\)/g)].map((m) => m[1]);
  if (parts.length < 10) throw new Error(`${parts.length} __exportStar parts found in ${indexFile}`);
  const seen = new Set<string>();
  const lines = ['"use strict";', 'Object.defineProperty(exports, "__esModule", { value: true });'];
  parts.forEach((part, i) => {
    const file = join(dirname(indexFile), `${part}.js`);
    lines.push(`let m${i}; const p${i} = () => (m${i} ??= require(${JSON.stringify(file)}));`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    for (const name of Object.keys(require(file) as object)) {
      if (name === 'default' || name === '__esModule' || seen.has(name)) continue;
      seen.add(name);
      lines.push(`Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => p${i}()[${JSON.stringify(name)}] });`);
    }
  });
  // The index itself must resolve to this module, and must be complete.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const missing = Object.keys(require(indexFile) as object).filter((n) => n !== '__esModule' && !seen.has(n));
  if (missing.length > 0) throw new Error(`exports not covered by the parts: ${missing.join(', ')}`);
  return lines.join('\n');
}

/**
 * cdk8s's index loads all of cdk8s (Helm support spawning processes, YAML includes, testing
 * helpers): in the bundle, `require('cdk8s')` gets the same exports as getters that load each
 * part on first use. The names come from cdk8s itself at build time (first export wins, as with
 * its `__exportStar`).
 */
export function lazyCdk8sIndexPlugin(root: string, report: Report) {
  return {
    name: 'lazy-cdk8s-index',
    setup(build: {
      onResolve(o: { filter: RegExp }, cb: (a: { path: string }) => { path: string; namespace: string }): void;
      onLoad(o: { filter: RegExp; namespace: string }, cb: () => { contents: string; loader: string; resolveDir: string }): void;
    }) {
      const dependency = packageVersion('cdk8s', root);
      let indexFile: string;
      let contents: string;
      try {
        indexFile = require.resolve('cdk8s', { paths: [root] });
        contents = lazyCdk8sIndexSource(indexFile);
      } catch (e) {
        report({ dependency, internal: CDK8S_INDEX_INTERNAL, applied: false, reason: firstLine(e) });
        return; // `cdk8s` resolves as usual: its index as published
      }
      report({ dependency, internal: CDK8S_INDEX_INTERNAL, applied: true });
      build.onResolve({ filter: /^cdk8s$/ }, () => ({ path: 'cdk8s', namespace: 'lazy-cdk8s' }));
      build.onLoad({ filter: /.*/, namespace: 'lazy-cdk8s' }, () => ({ contents, loader: 'js', resolveDir: dirname(indexFile) }));
    },
  };
}

export const ZOD_LOCALES_INTERNAL = 'v4/locales/index.js (ESM) re-exports `default as en` from ./en.js';

/** zod's ESM locales index, checked to be laid out as assumed (throws otherwise). */
export function zodLocalesIndex(root: string): string {
  const pkg = dirname(require.resolve('zod/package.json', { paths: [root] }));
  const index = join(pkg, 'v4', 'locales', 'index.js');
  const en = join(pkg, 'v4', 'locales', 'en.js');
  if (!existsSync(index) || !existsSync(en)) throw new Error(`no ${relative(pkg, index)} and ${relative(pkg, en)}`);
  if (!readFileSync(index, 'utf8').includes('export { default as en } from "./en.js";')) throw new Error(`${relative(pkg, index)} does not re-export en from ./en.js`);
  if (!/^export default /m.test(readFileSync(en, 'utf8'))) throw new Error(`${relative(pkg, en)} has no default export`);
  return index;
}

/**
 * zod's namespace exports every translation of its messages (`z.locales`, ≈400 KB of the bundle);
 * the renderer uses the English messages zod configures by default, and nothing reads
 * `z.locales`: in the bundle it holds `en` only. The check after the build reports whether the
 * bundle loaded that index at all (a zod that moved it is bundled as published).
 */
export function zodEnglishOnlyPlugin(root: string, report: Report) {
  return {
    name: 'zod-english-only',
    setup(build: {
      onLoad(o: { filter: RegExp }, cb: (a: { path: string }) => { contents: string; loader: string; resolveDir: string } | undefined): void;
      onEnd(cb: () => void): void;
    }) {
      const dependency = packageVersion('zod', root);
      let index: string;
      try {
        index = zodLocalesIndex(root);
      } catch (e) {
        report({ dependency, internal: ZOD_LOCALES_INTERNAL, applied: false, reason: firstLine(e) });
        return;
      }
      let loaded = false;
      build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => {
        if (args.path !== index) return undefined;
        loaded = true;
        return { contents: 'export { default as en } from "./en.js";\n', loader: 'js', resolveDir: dirname(args.path) };
      });
      build.onEnd(() => report(loaded
        ? { dependency, internal: ZOD_LOCALES_INTERNAL, applied: true }
        : { dependency, internal: ZOD_LOCALES_INTERNAL, applied: false, reason: `the bundle does not load ${index}` }));
    },
  };
}

const K8S_IMPORTS = 'cdk8s-plus-28/lib/imports/k8s';

/** Names the project's TypeScript sources use from the Kubernetes L1 imports (`k8s.KubeDeployment`, `{ Quantity }`). */
function usedK8sNames(): Set<string> | undefined {
  const names = new Set<string>();
  let unsupported = false;
  const skip = new Set(['node_modules', 'build', 'dist', 'test', '.git', '.tmp', 'cdk.out']);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(entry.name)) walk(path);
      }
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const text = readFileSync(path, 'utf8');
        // The public `import { k8s } from 'cdk8s-plus-28'` is the same module (see K8S_PUBLIC_INTERNAL);
        // any other name of the package (its L2 constructs) uses the whole module: no cutting down then.
        for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'cdk8s-plus-28'/g)) {
          if (m[1].split(',').some((n) => n.trim() !== '' && n.trim() !== 'k8s')) unsupported = true;
          if (/\bk8s\s*\[/.test(text)) unsupported = true; // dynamic access
          for (const u of text.matchAll(/\bk8s\.(\w+)/g)) names.add(u[1]);
        }
        if (/import\s+\*\s+as\s+\w+\s+from\s+'cdk8s-plus-28'|import\s+\w+\s*(,|from)\s*'cdk8s-plus-28'/.test(text)) unsupported = true;
        // `require('cdk8s-plus-28').k8s.toJson_Affinity(…)` and the like: every `.name` of such a file counts.
        if (text.includes(`require('cdk8s-plus-28')`) || text.includes(`require('${K8S_IMPORTS}')`)) for (const u of text.matchAll(/\.(\w+)/g)) names.add(u[1]);
        if (!text.includes(K8S_IMPORTS)) continue;
        for (const m of text.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s+'cdk8s-plus-28\/lib\/imports\/k8s'/g)) {
          if (new RegExp(`\\b${m[1]}\\s*\\[`).test(text)) unsupported = true; // dynamic access
          for (const u of text.matchAll(new RegExp(`\\b${m[1]}\\.(\\w+)`, 'g'))) names.add(u[1]);
        }
        for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'cdk8s-plus-28\/lib\/imports\/k8s'/g)) {
          for (const part of m[1].split(',')) {
            const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0];
            if (name) names.add(name);
          }
        }
      }
    }
  };
  walk(PACKAGE_ROOT); // every source the bundle could reach, and more: extra names only keep more
  return unsupported ? undefined : names;
}

/**
 * cdk8s-plus-28's Kubernetes L1 imports are one CommonJS module of ~600 classes and ~1,000
 * functions (2.6 MB) of which the renderer uses about 15 classes: every `import * as k8s` of it
 * copies its 1,300 exports, and loading it defines them all. In the bundle it is replaced by the
 * same module cut down to the top-level statements the used names need (found with the
 * TypeScript parser: declarations and everything they reference, with their `exports.X = X`,
 * jsii type information and static members). Its generated `toJson_*` functions drop undefined
 * members with `Object.entries(r).reduce((r, i) => …({ ...r, [i[0]]: i[1] }), {})`, quadratic in
 * the number of keys; that expression is replaced by a loop building the same object.
 */
export const K8S_IMPORTS_INTERNAL = 'lib/imports/k8s.js is tsc output of top-level classes, functions, enums and `exports.X = X`';
export const K8S_TOJSON_INTERNAL = 'lib/imports/k8s.js drops undefined members with `Object.entries(result).reduce(…)`';

export const K8S_PUBLIC_INTERNAL = 'lib/index.js exports `k8s` as `require("./imports/k8s")`';

export function slimK8sImportsPlugin(root: string, report: Report, names: () => Set<string> | undefined = usedK8sNames) {
  return {
    name: 'slim-k8s-imports',
    setup(build: {
      onResolve(o: { filter: RegExp }, cb: (a: { path: string; importer: string }) => { path: string; namespace: string } | undefined): void;
      onLoad(o: { filter: RegExp; namespace?: string }, cb: (a: { path: string }) => { contents: string; loader: string; resolveDir: string } | undefined): void;
    }) {
      const dependency = packageVersion('cdk8s-plus-28', root);
      // Our sources import only `k8s` from the package index: in the bundle the index is a module
      // exporting just that, when the index exports it as the L1 module (else the index as published).
      build.onResolve({ filter: /^cdk8s-plus-28$/ }, (args) => {
        if (/[\\/]node_modules[\\/]/.test(args.importer) || !names()) return undefined;
        let index = '';
        try {
          index = readFileSync(require.resolve('cdk8s-plus-28', { paths: [root] }), 'utf8');
        } catch { /* reported below */ }
        if (!index.includes('exports.k8s = require("./imports/k8s");')) {
          report({ dependency, internal: K8S_PUBLIC_INTERNAL, applied: false, reason: 'lib/index.js has no such line' });
          return undefined;
        }
        report({ dependency, internal: K8S_PUBLIC_INTERNAL, applied: true });
        return { path: 'cdk8s-plus-28', namespace: 'cdk8s-plus-28-k8s-only' };
      });
      build.onLoad({ filter: /.*/, namespace: 'cdk8s-plus-28-k8s-only' }, () =>
        ({ contents: `exports.k8s = require('${K8S_IMPORTS}');\n`, loader: 'js', resolveDir: root }));
      let file: string | undefined;
      try {
        file = require.resolve(`${K8S_IMPORTS}.js`, { paths: [root] });
      } catch (e) {
        report({ dependency, internal: K8S_IMPORTS_INTERNAL, applied: false, reason: firstLine(e) });
      }
      build.onLoad({ filter: /[\\/]cdk8s-plus-28[\\/]lib[\\/]imports[\\/]k8s\.js$/ }, (args) => {
        const used = args.path === file ? names() : undefined;
        if (!used) return undefined; // the whole module, as published
        let slim: SlimK8s;
        try {
          slim = slimK8sImportsReport(readFileSync(args.path, 'utf8'), used);
        } catch (e) {
          report({ dependency, internal: K8S_IMPORTS_INTERNAL, applied: false, reason: firstLine(e) });
          return undefined;
        }
        report({ dependency, internal: K8S_IMPORTS_INTERNAL, applied: true });
        report(slim.reduceRewrites > 0
          ? { dependency, internal: K8S_TOJSON_INTERNAL, applied: true }
          : { dependency, internal: K8S_TOJSON_INTERNAL, applied: false, reason: 'no such expression found' });
        return { contents: slim.source, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

interface SlimK8s {
  readonly source: string;
  /** How many quadratic `reduce` expressions were replaced by a loop. */
  readonly reduceRewrites: number;
}

export function slimK8sImports(source: string, roots: ReadonlySet<string>): string {
  return slimK8sImportsReport(source, roots).source;
}

function slimK8sImportsReport(source: string, roots: ReadonlySet<string>): SlimK8s {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const sf = ts.createSourceFile('k8s.js', source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  interface Unit { text: string; declares: string[]; refs: Set<string>; subject?: string; always?: boolean; isExport?: boolean }
  const units: Unit[] = [];
  const identifiers = (node: import('typescript').Node, out: Set<string>): Set<string> => {
    if (ts.isIdentifier(node)) out.add(node.text);
    node.forEachChild((c) => void identifiers(c, out));
    return out;
  };
  /** `X.y = …`, `X[_a] = …`, `exports.X = X`: the identifier a statement belongs to. */
  const subjectOf = (expr: import('typescript').Expression): string | undefined => {
    if (ts.isBinaryExpression(expr) && expr.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = expr.left;
      if (ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression)) {
        if (left.expression.text === 'exports') return ts.isIdentifier(expr.right) ? expr.right.text : undefined;
        return left.expression.text;
      }
      if (ts.isElementAccessExpression(left) && ts.isIdentifier(left.expression)) return left.expression.text;
    }
    // (function (E) { … })(E || (exports.E = E = {}))
    if (ts.isCallExpression(expr) && expr.arguments.length === 1 && ts.isBinaryExpression(expr.arguments[0]) && ts.isIdentifier(expr.arguments[0].left)) {
      return expr.arguments[0].left.text;
    }
    return undefined;
  };
  let pendingTemp: import('typescript').Statement | undefined; // `_u = JSII_RTTI_SYMBOL_1;` goes with the statement after it
  for (const st of sf.statements) {
    const text = source.slice(st.getFullStart(), st.getEnd());
    if (ts.isExpressionStatement(st)) {
      const e = st.expression;
      if (ts.isStringLiteral(e)) { units.push({ text, declares: [], refs: new Set(), always: true }); continue; }
      // The header: Object.defineProperty(exports, "__esModule", …) and exports.a = exports.b = … = void 0.
      if (/^\s*(Object\.defineProperty\(exports, "__esModule"|exports\.\w+ = exports\.)/.test(source.slice(st.getStart(), st.getStart() + 60))) {
        if (source.slice(st.getStart(), st.getStart() + 60).startsWith('Object.defineProperty')) units.push({ text, declares: [], refs: new Set(), always: true });
        continue;
      }
      if (ts.isBinaryExpression(e) && ts.isIdentifier(e.left) && /^_\w+$/.test(e.left.text)) { pendingTemp = st; continue; }
      const subject = subjectOf(e);
      if (!subject) throw new Error(`slimK8sImports: unexpected statement: ${st.getText().slice(0, 200)}`);
      const refs = identifiers(st, new Set());
      if (pendingTemp) identifiers(pendingTemp, refs);
      const isExport = ts.isBinaryExpression(e) && ts.isPropertyAccessExpression(e.left) && ts.isIdentifier(e.left.expression) && e.left.expression.text === 'exports';
      units.push({ text: (pendingTemp ? source.slice(pendingTemp.getFullStart(), pendingTemp.getEnd()) : '') + text, declares: [], refs, subject, isExport });
      pendingTemp = undefined;
      continue;
    }
    let declares: string[] = [];
    if ((ts.isClassDeclaration(st) || ts.isFunctionDeclaration(st)) && st.name) declares = [st.name.text];
    else if (ts.isVariableStatement(st)) declares = st.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
    else throw new Error(`slimK8sImports: unexpected statement: ${st.getText().slice(0, 200)}`);
    const isTemps = declares.length > 0 && declares.every((d) => /^_\w+$/.test(d));
    units.push({ text, declares, refs: identifiers(st, new Set()), always: isTemps });
  }
  const declaredBy = new Map<string, Unit>();
  for (const u of units) for (const d of u.declares) declaredBy.set(d, u);
  const attached = new Map<string, Unit[]>();
  for (const u of units) if (u.subject) attached.set(u.subject, [...(attached.get(u.subject) ?? []), u]);
  const kept = new Set<Unit>(units.filter((u) => u.always));
  const exported = new Set<string>();
  const queue = [...roots].filter((r) => declaredBy.has(r));
  for (const r of queue) exported.add(r);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const unitsOf = [declaredBy.get(name), ...(attached.get(name) ?? [])].filter((u): u is Unit => u !== undefined);
    for (const u of unitsOf) {
      kept.add(u);
      for (const ref of u.refs) if (declaredBy.has(ref) && !seen.has(ref)) queue.push(ref);
    }
  }
  // Keep `exports.X = X` only for the names the project uses; other kept declarations stay module-local.
  const body = units
    .filter((u) => kept.has(u))
    .filter((u) => !(u.isExport && !exported.has(u.subject as string)))
    .map((u) => u.text)
    .join('');
  const reduce = /Object\.entries\(result\)\.reduce\(\(r, i\) => \(i\[1\] === undefined\) \? r : \(\{ \.\.\.r, \[i\[0\]\]: i\[1\] \}\), \{\}\)/g;
  const helper = '\nfunction __definedMembers(o) { const r = {}; for (const k of Object.keys(o)) if (o[k] !== undefined) r[k] = o[k]; return r; }\n';
  let reduceRewrites = 0;
  const out = body.replace(reduce, () => {
    reduceRewrites++;
    return '__definedMembers(result)';
  });
  return { source: out + helper, reduceRewrites };
}

/** The files whose change makes the bundle stale: its sources and the package.json of every bundled package. */
function manifestInputs(metaInputs: readonly string[]): BundleManifest['inputs'] {
  const files = new Set<string>();
  for (const input of metaInputs) {
    if (/^[\w-]+:/.test(input)) continue; // virtual modules of the plugins
    const abs = resolve(PACKAGE_ROOT, input);
    const pkg = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(abs);
    files.add(pkg ? join(pkg[1], 'package.json') : abs);
  }
  return [...files].sort().map((f) => {
    const st = statSync(f);
    return [relative(PACKAGE_ROOT, f), st.size, st.mtimeMs] as const;
  });
}

function captureIo(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
}

/** Pass-through Kubernetes objects and other optional parts, for the checks. */
const RICH_VALUES = `commonLabels: { team: platform }
commonAnnotations: { owner: infra }
manager:
  replicas: 2
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm: { topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app.kubernetes.io/name: virtrigaud } } }
  topologySpreadConstraints:
    - { maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: { matchLabels: { app.kubernetes.io/name: virtrigaud } } }
  tolerations: [{ key: dedicated, operator: Equal, value: infra, effect: NoSchedule }]
  nodeSelector: { kubernetes.io/os: linux }
  env:
    - { name: HTTPS_PROXY, value: "http://proxy:3128" }
    - { name: NODE, valueFrom: { fieldRef: { fieldPath: spec.nodeName } } }
  metrics: { secure: true }
imagePullSecrets: [{ name: regcred }]
`;

/** The cases the bundle must render exactly as the compiled modules do. */
function checkCases(valuesFile: string, richFile: string): string[][] {
  return [
    ['synth', '-o', '-'],
    ['synth', '-o', '-', '-f', valuesFile],
    ['synth', '-o', '-', '-f', valuesFile, '-f', richFile],
    // The per-resource layout, as diff shows it against a folder not rendered yet (every file added).
    ['diff', '-o', join(dirname(valuesFile), 'not-rendered'), '-f', valuesFile, '--layout', 'per-resource', '--set', 'monitoring.enabled=false'],
    ['synth', '-o', '-', '--set', 'providers[0].name=x'], // a values error: same message, same exit code
    ['synth', '-o', '-', '--layout', 'per-resource'], // a usage error (the error classes work in the bundle: instanceof)
    ['diff', '-o', 'package.json'], // an output error, not "a bug"
  ];
}

function runFresh(args: readonly string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The plugins that rewrite dependencies' internals, reporting each rewrite to `report`. */
export function rewritePlugins(root: string, report: Report, k8sNames: () => Set<string> | undefined = usedK8sNames) {
  return [lazyCdk8sIndexPlugin(root, report), zodEnglishOnlyPlugin(root, report), slimK8sImportsPlugin(root, report, k8sNames)];
}

async function main(argv: readonly string[]): Promise<void> {
  const checkOnly = argv.includes('--check');
  let esbuild: Esbuild;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    esbuild = require('esbuild') as Esbuild;
  } catch {
    process.stdout.write('build-bundle: esbuild is not installed; the CLI runs from the compiled modules\n');
    return;
  }
  const skipped: RewriteReport[] = [];
  const start = performance.now();
  const file = join(OUT_DIR, BUNDLE_FILE);
  const manifestFile = join(OUT_DIR, BUNDLE_MANIFEST_FILE);
  const tmp = mkdtempSync(join(tmpdir(), 'virtrigaud-bundle-'));
  try {
    if (!checkOnly) {
      // Stale files must not be used while the new ones are written.
      rmSync(manifestFile, { force: true });
      const result = await esbuild.build({
        entryPoints: [join(PACKAGE_ROOT, ENTRY)],
        absWorkingDir: PACKAGE_ROOT,
        outfile: file,
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        tsconfig: join(PACKAGE_ROOT, 'tsconfig.build.json'),
        external: EXTERNAL,
        plugins: [dedupeYamlPlugin(), lazyBuiltinsPlugin(), ...rewritePlugins(PACKAGE_ROOT, (r) => void (r.applied || skipped.push(r)))],
        // Less to read and to keep in the code cache. Identifiers keep their names; esbuild renames
        // a few colliding top-level classes (Chart2…), which only error messages could show: the
        // checks below compare the bundle's output and errors with the modules'. (keepNames would
        // add 3,000 `__name()` calls to start-up.)
        minifyWhitespace: true,
        minifySyntax: true,
        legalComments: 'eof',
        metafile: true,
        logLevel: 'warning',
      });
      rmSync(file + CODE_CACHE_SUFFIX, { force: true });
      const inputs = manifestInputs(Object.keys(result.metafile.inputs));
      // Without a cache first: the checks below run the bundle through bin/virtrigaud.js.
      writeFileSync(manifestFile, JSON.stringify({ node: process.version, ascii: isAscii(readFileSync(file)), entry: ENTRY, inputs } satisfies BundleManifest));
    }

    const valuesFile = join(tmp, 'providers.yaml');
    writeFileSync(valuesFile, PROVIDERS_VALUES);
    const richFile = join(tmp, 'rich.yaml');
    writeFileSync(richFile, RICH_VALUES);

    // 1. Same bytes and exit codes as the compiled modules, in fresh processes through the bin.
    const current = () => {
      if (!loadBundle(OUT_DIR, PACKAGE_ROOT, { useCodeCache: false })) throw new Error('the bundle is not current (were sources edited during the build?): build again');
    };
    current();
    for (const args of checkCases(valuesFile, richFile)) {
      const viaModules = runFresh(args, { VIRTRIGAUD_NO_BUNDLE: '1' });
      const viaBundle = runFresh(args, {});
      if (viaBundle.status !== viaModules.status || viaBundle.stdout !== viaModules.stdout || viaBundle.stderr !== viaModules.stderr) {
        throw new Error(`the bundle renders differently from the compiled modules for: ${args.join(' ')}\n` +
          `modules: exit ${viaModules.status}, ${viaModules.stdout.length} bytes; bundle: exit ${viaBundle.status}, ${viaBundle.stdout.length} bytes\n${viaBundle.stderr}`);
      }
      // Bad input is the user's: the bundle must tell its errors (ToolkitError, by instanceof) from bugs.
      if (/this is a bug/.test(viaBundle.stderr)) throw new Error(`the bundle reports bad input as a bug for: ${args.join(' ')}\n${viaBundle.stderr}`);
    }

    // 2. The code cache, made after rendering in this process.
    if (!checkOnly) {
      const loaded = loadBundle(OUT_DIR, PACKAGE_ROOT, { useCodeCache: false });
      if (!loaded) throw new Error('the bundle just built is not current');
      for (const args of [['synth', '-o', '-'], ['synth', '-o', '-', '-f', valuesFile]]) {
        const io = captureIo();
        if (loaded.exports.runCli(args, io) !== 0) throw new Error(`warm-up render failed: ${io.err.join('')}`);
      }
      if (!loaded.exports.usesPrecompiledValidators()) throw new Error('the bundle does not find the generated schema validators (build them first)');
      writeFileSync(file + CODE_CACHE_SUFFIX, loaded.script.createCachedData());
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as BundleManifest;
      writeFileSync(`${manifestFile}.tmp`, JSON.stringify({ ...manifest, codeCache: codeCacheIdentity() } satisfies BundleManifest));
      renameSync(`${manifestFile}.tmp`, manifestFile);
    }

    current(); // the checks above ran the bundle, not the modules
    // 3. With the cache: accepted by V8, same output.
    const probe = runFresh(['synth', '-o', '-'], {});
    const reference = runFresh(['synth', '-o', '-'], { VIRTRIGAUD_NO_BUNDLE: '1' });
    if (probe.stdout !== reference.stdout) throw new Error('the bundle with its code cache renders differently');
    const check = loadBundle(OUT_DIR, PACKAGE_ROOT);
    if (!check) throw new Error('the bundle is not current after writing its code cache');
    if (check.cacheRejected) throw new Error('V8 rejects the code cache just written');

    for (const r of skipped) process.stderr.write(`build-bundle: warning: ${r.dependency} bundled as published, its internals changed (${r.internal}: ${r.reason})\n`);
    const size = (f: string) => Math.round(statSync(f).size / 1024);
    process.stdout.write(
      `build-bundle: ${relative(PACKAGE_ROOT, file)} (${size(file)} KiB, code cache ${size(file + CODE_CACHE_SUFFIX)} KiB), ` +
        `renders identical to the compiled modules (${Math.round(performance.now() - start)} ms)\n`,
    );
  } catch (e) {
    if (!checkOnly) for (const f of [manifestFile, file, file + CODE_CACHE_SUFFIX]) rmSync(f, { force: true });
    throw e;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // Anything that goes wrong leaves no bundle: the CLI runs the compiled modules (same output),
  // and the build goes on. test/deps/bundle-rewrites.test.ts is where a changed dependency fails loudly.
  const argv = process.argv.slice(2);
  main(argv).catch((e: unknown) => {
    if (argv.includes('--check')) {
      process.stderr.write(`build-bundle: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 1;
      return;
    }
    process.stderr.write(`build-bundle: warning: no bundle, the CLI runs from the compiled modules (${firstLine(e)})\n`);
  });
}
