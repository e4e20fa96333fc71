import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { clusterScoped } from './cluster-scoped';
import { releaseContext, ReleaseContextProps } from './context';
import { addPartValidation } from '../parts/validation';
import { chartNamespace, parsePart } from '../parts/parse-part';
import { ParsedProps, partProps, ReleasePart } from '../parts/release-part';
import { labelMap } from '../values/common';
import { objectMeta } from './labels';

export interface ReleaseNamespaceProps {
  /** The release; its `namespace` is the Namespace created. @default - the defaults of the values, in the chart's namespace if it has one */
  readonly context?: ReleaseContextProps;
  /** Extra labels, e.g. Pod Security admission. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** `ReleaseNamespaceProps` as `VirtRigaud` hands them over. @internal */
export type ParsedNamespaceProps = ParsedProps<ReleaseNamespaceProps, { readonly labels: Readonly<Record<string, string>> }>;

/** The release namespace. */
export class ReleaseNamespace extends Construct {
  /** The namespace's name (the release's namespace). */
  public readonly name: string;
  public readonly namespace: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, props: ReleaseNamespaceProps | ReleasePart = {}) {
    super(scope, id);
    const { context: ctx, labels } = partProps<ReleaseNamespaceProps, ParsedNamespaceProps>(
      props,
      (raw) => ({ context: releaseContext(raw.context, chartNamespace(this)), labels: parsePart(labelMap, raw.labels ?? {}, ['namespaceLabels']) }),
      () => addPartValidation(this),
    );
    this.name = ctx.namespace;
    this.namespace = clusterScoped(
      new k8s.KubeNamespace(this, 'namespace', {
        metadata: objectMeta(ctx, ctx.namespace, 'namespace', { namespaced: false, labels }),
      }),
    );
  }
}
