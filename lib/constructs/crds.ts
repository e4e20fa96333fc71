import { readFileSync } from 'fs';
import { ApiObject, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver, resolve } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterScoped } from './cluster-scoped';
import { releaseContext, ReleaseContextProps } from './context';
import { addPartValidation } from '../parts/validation';
import { chartNamespace, parsePart } from '../parts/parse-part';
import { ParsedProps, partProps, ReleasePart } from '../parts/release-part';
import { annotationMap } from '../values/common';
import { objectMeta } from './labels';
import { packagePath } from '../paths';

/** Where `npm run generate` writes the vendored CRDs as one JSON array. */
export const CRDS_JSON = 'vendor/virtrigaud-v0.3.11/crds.json';

let vendoredText: string | undefined;
function vendoredCrdsText(): string {
  vendoredText ??= readFileSync(packagePath(CRDS_JSON), 'utf8');
  return vendoredText;
}

/** The vendored VirtRigaud v0.3.11 CRDs, converted to JSON by `npm run generate` (YAML parsing is slow at render time). */
let vendored: readonly CrdDocument[] | undefined;
export function vendoredCrds(): readonly CrdDocument[] {
  vendored ??= JSON.parse(vendoredCrdsText()) as CrdDocument[];
  return vendored;
}

export interface CrdDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

export interface VirtRigaudCrdsProps {
  /** The release (labels and annotations of the CRDs). @default - the defaults of the values */
  readonly context?: ReleaseContextProps;
  /** Extra annotations of every CRD. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `VirtRigaudCrdsProps` as `VirtRigaud` hands them over. @internal */
export type ParsedCrdsProps = ParsedProps<VirtRigaudCrdsProps, { readonly annotations: Readonly<Record<string, string>> }>;

/** The 10 VirtRigaud CustomResourceDefinitions (cluster-scoped: no namespace). */
export class VirtRigaudCrds extends Construct {
  /** The CustomResourceDefinitions, in the vendored order. */
  public readonly crds: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: VirtRigaudCrdsProps | ReleasePart = {}) {
    super(scope, id);
    const { context: ctx, annotations } = partProps<VirtRigaudCrdsProps, ParsedCrdsProps>(
      props,
      (raw) => ({ context: releaseContext(raw.context, chartNamespace(this)), annotations: parsePart(annotationMap, raw.annotations ?? {}, ['crds', 'annotations']) }),
      () => addPartValidation(this),
    );
    // A copy of its own for this construct: its specs can be handed out without copying them again.
    const crds = JSON.parse(vendoredCrdsText()) as CrdDocument[];
    this.crds = crds.map((crd, index) =>
      clusterScoped(new VendoredCrd(this, crd.metadata.name, {
        apiVersion: crd.apiVersion,
        kind: crd.kind,
        metadata: objectMeta(ctx, crd.metadata.name, 'crds', {
          namespaced: false,
          annotations: { ...crd.metadata.annotations, ...annotations },
        }),
      }, crd.spec, index)),
    );
  }
}

function isBuiltInResolver(r: unknown): boolean {
  return r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver;
}

/** cdk8s's `sanitizeValue` (not exported by cdk8s): drops null members, sorts keys unless `CDK8S_DISABLE_SORT`. */
function sanitize(obj: unknown, sortKeys: boolean): unknown {
  if (obj == null) return undefined;
  if (typeof obj !== 'object') return obj;
  if (Array.isArray(obj)) return obj.map((x) => sanitize(x, sortKeys));
  if (obj.constructor.name !== 'Object') throw new Error(`can't render non-simple object of type '${obj.constructor.name}'`);
  const out: Record<string, unknown> = {};
  const keys = sortKeys ? Object.keys(obj).sort() : Object.keys(obj);
  for (const key of keys) {
    const v = sanitize((obj as Record<string, unknown>)[key], sortKeys);
    if (v != null) out[key] = v;
  }
  return out;
}

/**
 * One vendored CRD. Its `spec` (≈28 KB of JSON schema) is static data in canonical form (keys
 * sorted, no nulls: checked by the tests), which cdk8s's resolution would return unchanged: it is
 * kept out of the generic `ApiObject` resolution (costly for this much data) and added as is, so
 * `toJson()` returns what `ApiObject.toJson()` would. Custom resolvers of the app still see it.
 */
class VendoredCrd extends ApiObject {
  private readonly crdPatches: JsonPatch[] = [];
  private handedOut = false;

  constructor(scope: Construct, id: string, props: { apiVersion: string; kind: string; metadata: ReturnType<typeof objectMeta> }, private readonly spec: Record<string, unknown>, private readonly index: number) {
    super(scope, id, props);
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    // Applied in toJson, once the spec is in the document.
    this.crdPatches.push(...ops);
  }

  public toJson(): any { // eslint-disable-line @typescript-eslint/no-explicit-any
    const head = super.toJson() as Record<string, unknown>;
    let spec: unknown;
    if (!App.of(this).resolvers.every(isBuiltInResolver)) {
      spec = sanitize(resolve(['spec'], this.spec, this), !process.env.CDK8S_DISABLE_SORT);
    } else if (!this.handedOut) {
      spec = this.spec; // parsed for this construct; nobody else holds it
      this.handedOut = true;
    } else {
      spec = structuredClone(vendoredCrds()[this.index].spec);
    }
    try {
      const patched = JsonPatch.apply({ ...head, spec }, ...this.crdPatches) as Record<string, unknown>;
      const result: Record<string, unknown> = {};
      for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) if (k in patched) result[k] = patched[k];
      return result;
    } catch (e) {
      throw new Error(`Failed serializing construct at path '${this.node.path}' with name '${this.name}': ${e}`);
    }
  }
}
