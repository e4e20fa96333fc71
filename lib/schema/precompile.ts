/**
 * Build-time generation of standalone validators (Ajv "standalone" code), so that validating at
 * render time neither loads Ajv nor the 1 MB Kubernetes definitions nor the CRD YAML, and
 * compiles no schema:
 *
 * - `core.js`: the kinds of a typical release in one module (shared definitions such as
 *   ObjectMeta are generated once);
 * - one module per other vendored custom resource kind (loaded only when such an object shows up);
 * - a V8 code cache per module (`*.v8cache`), written after validating typical objects so that
 *   their functions are cached compiled;
 * - `index.js`: format version, module of each kind, scope of every vendored custom resource kind.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createAjv, VALIDATOR_FORMAT_VERSION } from './ajv-setup';
import { customResourceKinds, vendoredCrdDocuments } from './crds';
import { loadKubernetesSchemas } from './kubernetes';
import { CODE_CACHE_SUFFIX, codeCacheIdentity, loadGeneratedModule } from './module-loader';
import { IndexedCustomKind, PrecompiledIndex, ValidateFunction, kindKey } from './validator';
import { warmupSamples } from './warmup-samples';

/** Kinds of a typical release, generated together into `core.js`. */
export const CORE_KINDS: readonly string[] = [
  'v1 Namespace',
  'v1 ServiceAccount',
  'v1 Service',
  'v1 ConfigMap',
  'v1 Secret',
  'apps/v1 Deployment',
  'rbac.authorization.k8s.io/v1 ClusterRole',
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
  'rbac.authorization.k8s.io/v1 Role',
  'rbac.authorization.k8s.io/v1 RoleBinding',
  'policy/v1 PodDisruptionBudget',
  'networking.k8s.io/v1 NetworkPolicy',
  'apiextensions.k8s.io/v1 CustomResourceDefinition',
  'monitoring.coreos.com/v1 ServiceMonitor',
  'monitoring.coreos.com/v1 PrometheusRule',
];

export interface GenerateOptions {
  readonly outDir: string;
  /** `apiVersion kind` of the kinds bundled into `core.js` (built-in or vendored custom). @default CORE_KINDS */
  readonly coreKinds?: readonly string[];
  /** Whether every other served vendored custom resource kind gets its own module. @default true */
  readonly otherCustomKinds?: boolean;
  /** Whether to write V8 code caches. @default true */
  readonly codeCache?: boolean;
  /** @internal The rewrite of Ajv's code (tests inject a faulty one). @default compactStandaloneCode */
  readonly compact?: (code: string) => string;
}

export interface GenerateResult {
  readonly outDir: string;
  /** `apiVersion kind` of every precompiled kind. */
  readonly kinds: readonly string[];
  /** Generated module files (without index and caches). */
  readonly modules: readonly string[];
  /** Bytes of generated JavaScript (modules and index). */
  readonly bytes: number;
  /** Bytes of V8 code cache (0 without). */
  readonly cacheBytes: number;
  /** Modules written as Ajv generated them, because the compacted code validated differently (see compactStandaloneCode). */
  readonly uncompacted: readonly string[];
}

/** Same algorithm as ajv/dist/runtime/ucs2length (after punycode.ucs2.decode). */
const UCS2LENGTH_SOURCE =
  'function ucs2length(str) { const len = str.length; let length = 0; let pos = 0; let value; ' +
  'while (pos < len) { length++; value = str.charCodeAt(pos++); ' +
  'if (value >= 0xd800 && value <= 0xdbff && pos < len) { value = str.charCodeAt(pos); if ((value & 0xfc00) === 0xdc00) pos++; } } ' +
  'return length; }';

/**
 * Shrinks Ajv's standalone output by about a quarter (less to read, parse and cache), without
 * changing behaviour: `schemaPath` is dropped from error objects (nothing here reads it) and the
 * four-statement error push is replaced by a helper call. Non-ASCII characters, which only occur
 * in string literals, are escaped so the module is ASCII and loads as a one-byte string. Each
 * rewrite is a no-op if a future Ajv writes different code, and generateValidators keeps Ajv's
 * own code for any module whose compacted code validates the samples differently.
 * The `ucs2length` helper is inlined (see below).
 */
export function compactStandaloneCode(code: string): string {
  let out = code.replace(/schemaPath:"(?:[^"\\]|\\.)*",/g, '');
  const push = /if\(vErrors === null\)\{vErrors = \[(err\d+)\];\}else \{vErrors\.push\(\1\);\}/g;
  if (push.test(out)) {
    out = out.replace(push, 'vErrors = pushError(vErrors, $1);');
    out = out.replace(/^"use strict";/, '"use strict";function pushError(list, e) { if (list === null) return [e]; list.push(e); return list; }');
  }
  // The only run-time helper Ajv requires for these schemas (maxLength/minLength count code
  // points); inlined so that the modules are self-contained wherever they are written.
  out = out.split('require("ajv/dist/runtime/ucs2length")').join(`({ default: ${UCS2LENGTH_SOURCE} })`);
  // eslint-disable-next-line no-control-regex -- the range is every non-ASCII character
  return out.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function moduleFileName(key: string): string {
  return `${key.replace(/[^A-Za-z0-9.-]+/g, '_')}.js`;
}

const schemaId = (key: string): string => `urn:virtrigaud:kind:${key.replace(' ', ':')}`;

/** Writes the validators into `outDir` (its previous `*.js` and cache files are removed first). */
export function generateValidators(options: GenerateOptions): GenerateResult {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- build-time only
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
  const ajv = createAjv({ source: true });
  const k8s = loadKubernetesSchemas();
  ajv.addSchema(k8s.definitionsSchema);

  const customKinds: IndexedCustomKind[] = [];
  const customSchemas = new Map<string, Record<string, unknown>>();
  const crdDocs = vendoredCrdDocuments();
  for (const doc of crdDocs) {
    for (const k of customResourceKinds(doc)) {
      customKinds.push({ apiVersion: k.apiVersion, kind: k.kind, namespaced: k.namespaced, served: k.served });
      if (k.served && k.schema) customSchemas.set(kindKey(k.apiVersion, k.kind), k.schema);
    }
  }
  const schemaOf = (key: string): Record<string, unknown> => {
    const [apiVersion, kind] = key.split(' ');
    const schema = k8s.kindSchema(apiVersion, kind) ?? customSchemas.get(key);
    if (!schema) throw new Error(`generateValidators: no schema for ${key}`);
    return schema;
  };

  const core = options.coreKinds ?? CORE_KINDS;
  const groups: { file: string; keys: string[] }[] = [{ file: 'core.js', keys: [...core] }];
  if (options.otherCustomKinds !== false) {
    for (const key of customSchemas.keys()) if (!core.includes(key)) groups.push({ file: moduleFileName(key), keys: [key] });
  }
  for (const g of groups) for (const key of g.keys) ajv.addSchema({ ...schemaOf(key), $id: schemaId(key) });

  mkdirSync(options.outDir, { recursive: true });
  for (const f of readdirSync(options.outDir)) {
    if (f.endsWith('.js') || f.endsWith(CODE_CACHE_SUFFIX)) rmSync(join(options.outDir, f));
  }

  const samples = [...warmupSamples(), ...(crdDocs as Record<string, unknown>[])];
  const modules: Record<string, string> = {};
  const uncompacted: string[] = [];
  let bytes = 0;
  const scratch = mkdtempSync(join(tmpdir(), 'virtrigaud-ajv-code-'));
  try {
    for (const g of groups) {
      const refs: Record<string, string> = {};
      for (const key of g.keys) refs[key] = schemaId(key);
      const raw = standaloneCode(ajv, refs);
      const footer = `\n// Generated by scripts/build-validators.ts (${g.keys.join(', ')}). Do not edit.\n`;
      let code = `${(options.compact ?? compactStandaloneCode)(raw)}${footer}`;
      // The compaction rewrites Ajv's output text: keep it only if it validates exactly as Ajv's own code.
      const rawFile = join(scratch, g.file);
      writeFileSync(rawFile, raw);
      writeFileSync(join(options.outDir, g.file), code);
      const expected = sampleOutcomes(loadGeneratedModule(rawFile, { useCodeCache: false, requireFromPackage: true }).exports, samples);
      if (sampleOutcomes(loadGeneratedModule(join(options.outDir, g.file), { useCodeCache: false, requireFromPackage: true }).exports, samples) !== expected) {
        code = `${raw}${footer}`;
        writeFileSync(join(options.outDir, g.file), code);
        uncompacted.push(g.file);
      }
      for (const key of g.keys) modules[key] = g.file;
      bytes += code.length;
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  let cacheBytes = 0;
  if (options.codeCache !== false) {
    for (const g of groups) {
      const file = join(options.outDir, g.file);
      const loaded = loadGeneratedModule(file, { useCodeCache: false, requireFromPackage: true });
      for (const sample of samples) {
        const key = kindKey(String(sample.apiVersion), String(sample.kind));
        const fn = loaded.exports[key] as ValidateFunction | undefined;
        if (fn) fn(sample);
      }
      const cache = loaded.script.createCachedData();
      writeFileSync(file + CODE_CACHE_SUFFIX, cache);
      cacheBytes += cache.length;
    }
  }

  const index: PrecompiledIndex = {
    formatVersion: VALIDATOR_FORMAT_VERSION,
    codeCache: options.codeCache !== false ? codeCacheIdentity() : undefined,
    customKinds,
    modules,
  };
  const indexCode = `// Generated by scripts/build-validators.ts. Do not edit.\n"use strict";\nmodule.exports = ${JSON.stringify(index, null, 1)};\n`;
  // The index goes last: a folder whose generation failed half-way has no index and is ignored.
  writeFileSync(join(options.outDir, 'index.js'), indexCode);
  bytes += indexCode.length;
  return { outDir: options.outDir, kinds: Object.keys(modules), modules: groups.map((g) => g.file), bytes, cacheBytes, uncompacted };
}

/**
 * What a module's validators say about the samples and broken copies of them (valid, and the
 * errors without `schemaPath`, which the compaction drops), as one comparable string.
 */
export function sampleOutcomes(exports: Record<string, unknown>, samples: readonly Record<string, unknown>[]): string {
  const broken = (s: Record<string, unknown>): Record<string, unknown>[] => [
    { ...s, unknownField: 1 },
    { ...s, metadata: { ...(s.metadata as object), name: 5, labels: { 'a/b/c': 'é'.repeat(70) } } },
    { ...s, spec: { ...(s.spec as object), replicas: 'two', selector: [], ports: [{ port: 'x', protocol: 'QUIC' }] } },
  ];
  const out: unknown[] = [];
  for (const sample of samples.flatMap((s) => [s, ...broken(s)])) {
    const fn = exports[kindKey(String(sample.apiVersion), String(sample.kind))] as ValidateFunction | undefined;
    if (!fn) continue;
    const valid = fn(sample);
    out.push([valid, (fn.errors ?? []).map(({ schemaPath, ...e }) => e)]);
  }
  return JSON.stringify(out);
}
