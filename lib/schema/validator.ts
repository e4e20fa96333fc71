/**
 * The validation engine behind `schema-validation.ts`: finds the validator of a kind
 * (precompiled module first, else compiled at run time and cached), runs it and adds the
 * object checks.
 */
import { join } from 'path';
import type AjvType from 'ajv';
import { createAjv, VALIDATOR_FORMAT_VERSION } from './ajv-setup';
import { CustomResourceKind, customResourceKinds, vendoredCrdDocuments, vendoredCustomResourceKinds } from './crds';
import { AjvLikeError, Violation, convertAjvErrors } from './errors';
import { KUBERNETES_RESOURCE_KINDS, kubernetesKindNamespaced, loadKubernetesSchemas } from './kubernetes';
import { codeCacheIdentity, loadGeneratedModule } from './module-loader';
import { checkObjectMeta } from './object-checks';

export type ValidateFunction = ((data: unknown) => boolean) & { errors?: AjvLikeError[] | null };

/** A custom resource kind as the precompiled index lists it (no schema). */
export interface IndexedCustomKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly served: boolean;
}

/** Shape of `index.js` in the generated validators folder. */
export interface PrecompiledIndex {
  readonly formatVersion: number;
  /** V8 version and architecture the `*.v8cache` files were made by; undefined = no caches. */
  readonly codeCache?: string;
  /** Every vendored custom resource kind. */
  readonly customKinds: readonly IndexedCustomKind[];
  /** `apiVersion kind` → module file (relative to the index) exporting `{ [apiVersion kind]: validate }`. */
  readonly modules: Readonly<Record<string, string>>;
}

export interface SchemaValidatorOptions {
  /**
   * Folder with generated validators (`index.js` and one module per kind), or `false` to always
   * compile at run time. A folder without a usable index is ignored (run-time compilation).
   */
  readonly precompiledDir?: string | false;
}

interface KindInfo {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly source: 'kubernetes' | 'custom';
  readonly served: boolean;
}

/** Which path produced a kind's validator (for tests and diagnostics). */
export type ValidatorOrigin = 'precompiled' | 'runtime';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasNull(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasNull);
  for (const k in v as Record<string, unknown>) if (hasNull((v as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * A copy without object members whose value is null: the API server treats `field: null` as an
 * absent field (built-in types decode it to the zero value; structural pruning drops it for
 * custom resources unless `nullable`). `creationTimestamp: null`, as kubectl writes, stays valid.
 * Nulls inside arrays are kept, and fail their item schema.
 */
function withoutNullMembers(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(withoutNullMembers);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== null) out[k] = withoutNullMembers(x);
  return out;
}

export function kindKey(apiVersion: string, kind: string): string {
  return `${apiVersion} ${kind}`;
}

export class SchemaValidator {
  private readonly precompiledDir: string | undefined;
  private index: PrecompiledIndex | null | undefined; // undefined = not loaded yet, null = absent
  private readonly validators = new Map<string, { fn: ValidateFunction; origin: ValidatorOrigin }>();
  private readonly modules = new Map<string, Record<string, unknown>>();
  private cacheRejections = 0;
  private readonly registered = new Map<string, CustomResourceKind>();
  private vendored: Map<string, CustomResourceKind> | undefined;
  private ajv: AjvType | undefined;
  private kubernetesAdded = false;
  private compiled = 0;

  constructor(options: SchemaValidatorOptions = {}) {
    this.precompiledDir = options.precompiledDir === false ? undefined : options.precompiledDir;
    if (this.precompiledDir === undefined) this.index = null;
  }

  /** Whether generated validators were found and are in use. */
  get usesPrecompiled(): boolean {
    return this.loadIndex() !== null;
  }

  /**
   * Makes the kinds a CustomResourceDefinition defines known (e.g. CRDs found next to custom
   * resources by `lint`); they win over vendored ones of the same apiVersion and kind. Returns the
   * `apiVersion kind` keys it added.
   */
  registerCustomResourceDefinition(crd: unknown): string[] {
    const keys: string[] = [];
    for (const k of customResourceKinds(crd)) {
      const key = kindKey(k.apiVersion, k.kind);
      this.registered.set(key, k);
      this.validators.delete(key);
      keys.push(key);
    }
    return keys;
  }

  isNamespaced(apiVersion: string, kind: string): boolean | undefined {
    return this.kindInfo(apiVersion, kind)?.namespaced;
  }

  /** `apiVersion kind` of every kind with a schema, sorted. */
  knownKinds(): string[] {
    const all = new Set<string>(KUBERNETES_RESOURCE_KINDS);
    for (const k of this.customKinds()) all.add(kindKey(k.apiVersion, k.kind));
    for (const key of this.registered.keys()) all.add(key);
    return [...all].sort();
  }

  /** Which path validates a kind, or undefined for an unknown kind (compiles it if needed). */
  validatorOrigin(apiVersion: string, kind: string): ValidatorOrigin | undefined {
    const info = this.kindInfo(apiVersion, kind);
    return info ? this.validatorFor(info)?.origin : undefined;
  }

  validate(obj: unknown): Violation[] {
    if (!isRecord(obj)) {
      return [{ path: '', message: `must be an object with apiVersion, kind and metadata (got ${Array.isArray(obj) ? 'array' : obj === null ? 'null' : typeof obj})` }];
    }
    const { apiVersion, kind } = obj;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
      const out: Violation[] = [];
      if (typeof apiVersion !== 'string' || apiVersion === '') out.push({ path: 'apiVersion', message: 'required: a non-empty string' });
      if (typeof kind !== 'string' || kind === '') out.push({ path: 'kind', message: 'required: a non-empty string' });
      return out;
    }
    const info = this.kindInfo(apiVersion, kind);
    if (!info) return [{ path: '', message: this.unknownKindMessage(apiVersion, kind) }];
    if (!info.served) {
      return [{ path: 'apiVersion', message: `${apiVersion} ${kind} is defined but not served by its CustomResourceDefinition` }];
    }
    let entry: { fn: ValidateFunction; origin: ValidatorOrigin } | undefined;
    try {
      entry = this.validatorFor(info);
    } catch (e) {
      // Only a registered CRD can carry a schema Ajv refuses; report it instead of crashing lint.
      return [{ path: '', message: `the schema of ${apiVersion} ${kind} cannot be compiled: ${(e as Error).message}` }];
    }
    if (!entry) return [{ path: '', message: `${apiVersion} ${kind} has no schema in its CustomResourceDefinition` }];
    const data = hasNull(obj) ? withoutNullMembers(obj) : obj;
    const violations = entry.fn(data) ? [] : convertAjvErrors(entry.fn.errors ?? [], data);
    const extra = checkObjectMeta(data as Record<string, unknown>, apiVersion, kind, info.namespaced);
    const seen = new Set(violations.map((v) => `${v.path}\u0000${v.message}`));
    for (const v of extra) if (!seen.has(`${v.path}\u0000${v.message}`)) violations.push(v);
    return violations;
  }

  private unknownKindMessage(apiVersion: string, kind: string): string {
    const sameVersion = this.knownKinds()
      .filter((k) => k.startsWith(`${apiVersion} `))
      .map((k) => k.slice(apiVersion.length + 1));
    const elsewhere = this.knownKinds()
      .filter((k) => k.endsWith(` ${kind}`))
      .map((k) => k.slice(0, -kind.length - 1));
    let hint = '';
    if (elsewhere.length > 0) hint = ` (${kind} is known in apiVersion ${elsewhere.join(', ')})`;
    else if (sameVersion.length > 0) hint = ` (known kinds of ${apiVersion}: ${sameVersion.join(', ')})`;
    return `no schema is known for apiVersion ${JSON.stringify(apiVersion)} kind ${JSON.stringify(kind)}${hint}`;
  }

  private loadIndex(): PrecompiledIndex | null {
    if (this.index !== undefined) return this.index;
    this.index = null;
    const file = join(this.precompiledDir as string, 'index.js');
    let loaded: unknown;
    try {
      loaded = require(file); // eslint-disable-line @typescript-eslint/no-require-imports -- a generated file, found at run time
    } catch (e) {
      if ((e as { code?: string }).code === 'MODULE_NOT_FOUND' && String((e as Error).message).includes(file)) return null;
      throw e;
    }
    const idx = loaded as PrecompiledIndex;
    if (isRecord(idx) && idx.formatVersion === VALIDATOR_FORMAT_VERSION && isRecord(idx.modules) && Array.isArray(idx.customKinds)) {
      this.index = idx;
    }
    return this.index;
  }

  private customKinds(): readonly IndexedCustomKind[] {
    const idx = this.loadIndex();
    return idx ? idx.customKinds : [...this.vendoredKinds().values()];
  }

  /** One vendored kind, parsing only the CRD files that can define it. */
  private vendoredKind(apiVersion: string, kind: string): CustomResourceKind | undefined {
    if (this.vendored) return this.vendored.get(kindKey(apiVersion, kind));
    const slash = apiVersion.indexOf('/');
    if (slash < 0) return undefined; // custom resources always have a group
    return vendoredCustomResourceKinds(apiVersion.slice(0, slash), kind).find((k) => k.apiVersion === apiVersion);
  }

  private vendoredKinds(): Map<string, CustomResourceKind> {
    if (!this.vendored) {
      this.vendored = new Map();
      for (const doc of vendoredCrdDocuments()) {
        for (const k of customResourceKinds(doc)) this.vendored.set(kindKey(k.apiVersion, k.kind), k);
      }
    }
    return this.vendored;
  }

  private kindInfo(apiVersion: string, kind: string): KindInfo | undefined {
    const key = kindKey(apiVersion, kind);
    const reg = this.registered.get(key);
    if (reg) return { apiVersion, kind, namespaced: reg.namespaced, served: reg.served, source: 'custom' };
    const builtin = kubernetesKindNamespaced(apiVersion, kind);
    if (builtin !== undefined) return { apiVersion, kind, namespaced: builtin, served: true, source: 'kubernetes' };
    const idx = this.loadIndex();
    const custom = idx
      ? idx.customKinds.find((k) => k.apiVersion === apiVersion && k.kind === kind)
      : this.vendoredKind(apiVersion, kind);
    if (custom) return { apiVersion, kind, namespaced: custom.namespaced, served: custom.served, source: 'custom' };
    return undefined;
  }

  private validatorFor(info: KindInfo): { fn: ValidateFunction; origin: ValidatorOrigin } | undefined {
    const key = kindKey(info.apiVersion, info.kind);
    const hit = this.validators.get(key);
    if (hit) return hit;
    let entry: { fn: ValidateFunction; origin: ValidatorOrigin } | undefined;
    const idx = this.loadIndex();
    const module = this.registered.has(key) ? undefined : idx?.modules[key];
    const fn = module ? (this.loadModule(module)[key] as ValidateFunction | undefined) : undefined;
    if (fn) {
      entry = { fn, origin: 'precompiled' };
    } else {
      const fn = this.compile(info);
      entry = fn ? { fn, origin: 'runtime' } : undefined;
    }
    if (entry) this.validators.set(key, entry);
    return entry;
  }

  /** How many generated modules V8 refused the code cache of (0 when caches fit or are absent). */
  get codeCacheRejections(): number {
    return this.cacheRejections;
  }

  private loadModule(file: string): Record<string, unknown> {
    let exports = this.modules.get(file);
    if (!exports) {
      const idx = this.loadIndex();
      const loaded = loadGeneratedModule(join(this.precompiledDir as string, file), {
        useCodeCache: idx?.codeCache !== undefined && idx.codeCache === codeCacheIdentity(),
        requireFromPackage: true,
      });
      if (loaded.cacheRejected) this.cacheRejections++;
      exports = loaded.exports;
      this.modules.set(file, exports);
    }
    return exports;
  }

  private compile(info: KindInfo): ValidateFunction | undefined {
    const ajv = (this.ajv ??= createAjv({ source: false }));
    if (info.source === 'kubernetes') {
      const k8s = loadKubernetesSchemas();
      if (!this.kubernetesAdded) {
        ajv.addSchema(k8s.definitionsSchema);
        this.kubernetesAdded = true;
      }
      const schema = k8s.kindSchema(info.apiVersion, info.kind);
      return schema ? (ajv.compile(schema) as ValidateFunction) : undefined;
    }
    const key = kindKey(info.apiVersion, info.kind);
    const custom = this.registered.get(key) ?? this.vendoredKind(info.apiVersion, info.kind);
    if (!custom?.schema) return undefined;
    // A unique $id per compilation keeps each schema's local `#/definitions/…` refs apart, also
    // when a CRD is registered again with a changed schema.
    const $id = `urn:virtrigaud:runtime:${this.compiled++}:${key.replace(' ', ':')}`;
    return ajv.compile({ ...custom.schema, $id }) as ValidateFunction;
  }
}
