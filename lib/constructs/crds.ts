import { readFileSync } from 'fs';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ReleaseContext } from './context';
import { objectMeta } from './labels';
import { packagePath } from '../paths';

/** Where `npm run generate` writes the vendored CRDs as one JSON array. */
export const CRDS_JSON = 'vendor/virtrigaud-v0.3.11/crds.json';

/** The vendored VirtRigaud v0.3.11 CRDs, converted to JSON by `npm run generate` (YAML parsing is slow at render time). */
let vendored: readonly CrdDocument[] | undefined;
export function vendoredCrds(): readonly CrdDocument[] {
  vendored ??= JSON.parse(readFileSync(packagePath(CRDS_JSON), 'utf8')) as CrdDocument[];
  return vendored;
}

export interface CrdDocument {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly spec: Record<string, unknown>;
}

export interface VirtRigaudCrdsProps {
  readonly context: ReleaseContext;
  /** Extra annotations of every CRD. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The 10 VirtRigaud CustomResourceDefinitions (cluster-scoped: no namespace). */
export class VirtRigaudCrds extends Construct {
  constructor(scope: Construct, id: string, props: VirtRigaudCrdsProps) {
    super(scope, id);
    for (const crd of vendoredCrds()) {
      new ApiObject(this, crd.metadata.name, {
        apiVersion: crd.apiVersion,
        kind: crd.kind,
        metadata: objectMeta(props.context, crd.metadata.name, 'crds', {
          namespaced: false,
          annotations: { ...crd.metadata.annotations, ...props.annotations },
        }),
        spec: crd.spec,
      });
    }
  }
}
