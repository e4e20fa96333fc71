/**
 * Custom resource kinds: the vendored CustomResourceDefinitions (VirtRigaud v0.3.11 and
 * Prometheus Operator v0.93.0) and any CRD registered at run time, turned into strict JSON
 * schemas with structural-schema semantics.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { packagePath } from '../paths';
import { JsonSchema, hoistObjectSchemas, transformSchema } from './transform';

/** Folders (inside the package) whose `*.yaml` files are CRDs to know. */
export const VENDORED_CRD_DIRS: readonly string[] = [
  'vendor/virtrigaud-v0.3.11/crds',
  'vendor/prometheus-operator-v0.93.0',
];

/**
 * What a custom resource's `metadata` is checked for: the types of name, namespace, labels and
 * annotations (the API server owns the rest of ObjectMeta; a CRD cannot constrain it).
 */
export const CUSTOM_RESOURCE_METADATA_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

export interface CustomResourceKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Whether the version is served (a manifest of an unserved version cannot be applied). */
  readonly served: boolean;
  /** The CRD `metadata.name` the kind comes from. */
  readonly crdName: string;
  /** Strict root schema, or undefined when the version has no `openAPIV3Schema`. */
  readonly schema: JsonSchema | undefined;
}

interface CrdLike {
  readonly kind?: unknown;
  readonly metadata?: { readonly name?: unknown };
  readonly spec?: {
    readonly group?: unknown;
    readonly scope?: unknown;
    readonly names?: { readonly kind?: unknown };
    readonly versions?: ReadonlyArray<{ name?: unknown; served?: unknown; schema?: { openAPIV3Schema?: unknown } }>;
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The strict schema of one served version of a CRD. */
export function customResourceSchema(apiVersion: string, kind: string, openAPIV3Schema: unknown): JsonSchema {
  const base = transformSchema(openAPIV3Schema, {
    structural: true,
    embeddedMetadata: CUSTOM_RESOURCE_METADATA_SCHEMA,
  });
  const properties = {
    ...(isRecord(base.properties) ? (base.properties as Record<string, JsonSchema>) : {}),
    apiVersion: { const: apiVersion },
    kind: { const: kind },
    metadata: CUSTOM_RESOURCE_METADATA_SCHEMA,
  };
  const required = [...new Set([...((base.required as string[] | undefined) ?? []), 'apiVersion', 'kind', 'metadata'])];
  return hoistObjectSchemas({ ...base, type: 'object', properties, required });
}

/**
 * The kinds a CustomResourceDefinition document defines, one per version. Returns [] for
 * anything that is not a usable apiextensions.k8s.io/v1 CRD (validate it first to learn why).
 */
export function customResourceKinds(crd: unknown): CustomResourceKind[] {
  if (!isRecord(crd)) return [];
  const c = crd as CrdLike;
  const spec = c.spec;
  if (c.kind !== 'CustomResourceDefinition' || !spec || typeof spec.group !== 'string') return [];
  const kind = spec.names?.kind;
  if (typeof kind !== 'string' || !Array.isArray(spec.versions)) return [];
  const crdName = typeof c.metadata?.name === 'string' ? c.metadata.name : `${kind}.${spec.group}`;
  const out: CustomResourceKind[] = [];
  for (const v of spec.versions) {
    if (!isRecord(v) || typeof v.name !== 'string') continue;
    const apiVersion = `${spec.group}/${v.name}`;
    const raw = isRecord(v.schema) ? v.schema.openAPIV3Schema : undefined;
    out.push({
      apiVersion,
      kind,
      namespaced: spec.scope !== 'Cluster',
      served: v.served === true,
      crdName,
      schema: raw === undefined ? undefined : customResourceSchema(apiVersion, kind, raw),
    });
  }
  return out;
}

interface VendoredCrdFile {
  readonly path: string;
  /** From a parse of the text before `versions:` (undefined when that did not work out). */
  readonly group: string | undefined;
  readonly kind: string | undefined;
}

let files: VendoredCrdFile[] | undefined;
const parsedFiles = new Map<string, unknown[]>();

function yaml(): typeof import('yaml') {
  // Loaded lazily: the yaml package alone costs ~50 ms to load.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, see above
  return require('yaml') as typeof import('yaml');
}

/**
 * The vendored CRD files with the group and kind each defines. Only the head of each file
 * (everything before `versions:`, where controller-gen puts group, names and scope) is parsed:
 * YAML parsing of the whole files takes about 0.5 s.
 */
function vendoredCrdFiles(): VendoredCrdFile[] {
  if (files) return files;
  files = [];
  for (const dir of VENDORED_CRD_DIRS) {
    const abs = packagePath(dir);
    for (const file of readdirSync(abs).filter((f) => f.endsWith('.yaml')).sort()) {
      const path = join(abs, file);
      const text = readFileSync(path, 'utf8');
      const cut = text.indexOf('\n  versions:');
      let group: string | undefined;
      let kind: string | undefined;
      if (cut > 0 && text.indexOf('\n---', 4) === -1) {
        try {
          const head = yaml().parse(text.slice(0, cut)) as CrdLike;
          if (typeof head?.spec?.group === 'string' && typeof head.spec.names?.kind === 'string') {
            group = head.spec.group;
            kind = head.spec.names.kind;
          }
        } catch {
          // fall back to parsing the whole file when asked about it
        }
      }
      files.push({ path, group, kind });
    }
  }
  return files;
}

function parseFile(path: string): unknown[] {
  let docs = parsedFiles.get(path);
  if (!docs) {
    docs = [];
    for (const doc of yaml().parseAllDocuments(readFileSync(path, 'utf8'))) {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0].message}`);
      const value: unknown = doc.toJSON();
      if (isRecord(value) && value.kind === 'CustomResourceDefinition') docs.push(value);
    }
    parsedFiles.set(path, docs);
  }
  return docs;
}

/** The vendored CRD documents (parsed from YAML on first use; the precompiled path never needs them). */
export function vendoredCrdDocuments(): readonly unknown[] {
  return vendoredCrdFiles().flatMap((f) => parseFile(f.path));
}

/** The vendored kinds of one group and kind name (parses only the files that can define it). */
export function vendoredCustomResourceKinds(group: string, kind: string): CustomResourceKind[] {
  return vendoredCrdFiles()
    .filter((f) => f.group === undefined || (f.group === group && f.kind === kind))
    .flatMap((f) => parseFile(f.path))
    .flatMap((doc) => customResourceKinds(doc))
    .filter((k) => k.kind === kind && k.apiVersion.startsWith(`${group}/`));
}
