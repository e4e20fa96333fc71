/**
 * Object-schema validation of Kubernetes manifests: built-in kinds against the Kubernetes 1.28
 * OpenAPI definitions, custom resources against their CRD's `openAPIV3Schema` (structural
 * semantics), both strict (unknown fields are errors), plus the API server's name, namespace
 * and label checks.
 *
 * Validators come from `build/generated/schema-validators/` when `npm run build` generated them
 * (no Ajv, no schema files loaded: a few ms from a cold process); otherwise each kind is compiled
 * at run time on first use and cached. Set `VIRTRIGAUD_SCHEMA_VALIDATORS=off` to force run-time
 * compilation, or to a folder to use validators generated elsewhere.
 */
import { join } from 'path';
import { GENERATED_DIR_FROM_RENDERING } from './location';
import { SchemaValidator, SchemaValidatorOptions, ValidatorOrigin } from './validator';

export { SchemaValidator };
export type { SchemaValidatorOptions, ValidatorOrigin };

export interface SchemaViolation {
  /** Where in the object, e.g. `spec.template.spec.containers[0].ports[0].containerPort`; '' = the object. */
  readonly path: string;
  readonly message: string;
}

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** The violations of one object of a list. */
export interface ManifestReport {
  readonly index: number;
  readonly ref: ObjectRef;
  readonly violations: readonly SchemaViolation[];
}

let defaultValidator: SchemaValidator | undefined;

/** Where the default validator looks for generated validators (undefined = disabled). */
export function defaultPrecompiledDir(): string | undefined {
  const env = process.env.VIRTRIGAUD_SCHEMA_VALIDATORS;
  if (env === 'off' || env === '0' || env === 'false') return undefined;
  if (env) return env;
  return join(__dirname, GENERATED_DIR_FROM_RENDERING);
}

/** The shared validator behind the functions of this module. */
export function schemaValidator(): SchemaValidator {
  if (!defaultValidator) {
    const dir = defaultPrecompiledDir();
    defaultValidator = new SchemaValidator({ precompiledDir: dir ?? false });
  }
  return defaultValidator;
}

/** A validator with its own cache and options (tests, `lint` with extra CRDs). */
export function createSchemaValidator(options: SchemaValidatorOptions = {}): SchemaValidator {
  return new SchemaValidator(options);
}

/**
 * Validate one manifest against the Kubernetes 1.28 schema or its CRD's openAPIV3Schema.
 * Unknown kind → one violation saying no schema is known.
 */
export function validateManifest(obj: unknown): SchemaViolation[] {
  return schemaValidator().validate(obj);
}

/** apiVersion, kind, name and namespace of anything manifest-like (missing parts are '' / undefined). */
export function objectRef(obj: unknown): ObjectRef {
  const o = (typeof obj === 'object' && obj !== null ? obj : {}) as Record<string, unknown>;
  const meta = (typeof o.metadata === 'object' && o.metadata !== null ? o.metadata : {}) as Record<string, unknown>;
  return {
    apiVersion: typeof o.apiVersion === 'string' ? o.apiVersion : '',
    kind: typeof o.kind === 'string' ? o.kind : '',
    name: typeof meta.name === 'string' ? meta.name : undefined,
    namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
  };
}

/** `<kind>/<namespace>/<name>`; `-` stands for an absent namespace, `?` for a missing kind or name. */
export function formatObjectRef(ref: ObjectRef): string {
  return `${ref.kind || '?'}/${ref.namespace ?? '-'}/${ref.name ?? '?'}`;
}

/** The violations of every object (objects without violations are left out). */
export function validateManifests(objs: readonly unknown[], validator: SchemaValidator = schemaValidator()): ManifestReport[] {
  const out: ManifestReport[] = [];
  objs.forEach((obj, index) => {
    const violations = validator.validate(obj);
    if (violations.length > 0) out.push({ index, ref: objectRef(obj), violations });
  });
  return out;
}

/** `Deployment/ns/name: spec.replica: unknown field "replica"` lines of a report list. */
export function formatViolations(reports: readonly ManifestReport[]): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    const prefix = formatObjectRef(r.ref);
    for (const v of r.violations) lines.push(`${prefix}: ${v.path ? `${v.path}: ` : ''}${v.message}`);
  }
  return lines;
}

/**
 * Throws an Error listing every violation of every object, each prefixed with
 * `<kind>/<namespace>/<name>`; no-op when all valid.
 */
export function assertManifestsValid(objs: readonly unknown[]): void {
  const reports = validateManifests(objs);
  if (reports.length === 0) return;
  const lines = formatViolations(reports);
  const count = `${lines.length} schema violation${lines.length === 1 ? '' : 's'} in ${reports.length} object${reports.length === 1 ? '' : 's'}`;
  throw new Error(`${count}:\n${lines.map((l) => `  ${l}`).join('\n')}`);
}

/** Whether a kind is namespaced (from the K8s schema knowledge / CRD scope); undefined when unknown. */
export function isNamespaced(apiVersion: string, kind: string): boolean | undefined {
  return schemaValidator().isNamespaced(apiVersion, kind);
}

/** Kinds with a known schema, as `apiVersion kind` (e.g. `apps/v1 Deployment`), sorted. */
export function knownKinds(): string[] {
  return schemaValidator().knownKinds();
}

/**
 * Makes the kinds of a CustomResourceDefinition known to the shared validator (e.g. CRDs found
 * beside custom resources). Returns the `apiVersion kind` keys added.
 */
export function registerCustomResourceDefinition(crd: unknown): string[] {
  return schemaValidator().registerCustomResourceDefinition(crd);
}
