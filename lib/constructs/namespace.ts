import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ReleaseContext } from './context';
import { objectMeta } from './labels';

export interface ReleaseNamespaceProps {
  readonly context: ReleaseContext;
  /** Extra labels, e.g. Pod Security admission. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The release namespace. */
export class ReleaseNamespace extends Construct {
  constructor(scope: Construct, id: string, props: ReleaseNamespaceProps) {
    super(scope, id);
    new k8s.KubeNamespace(this, 'namespace', {
      metadata: objectMeta(props.context, props.context.namespace, 'namespace', { namespaced: false, labels: props.labels }),
    });
  }
}
