import type { ReleaseContext } from '../conventions/names';
import { VIRTRIGAUD_VERSION } from '../version';

/** The facts of a release as props: every key optional. */
export interface ReleaseContextProps {
  /** @default "virtrigaud" */
  readonly releaseName?: string;
  /** @default - the namespace of the chart, else "virtrigaud-system" */
  readonly namespace?: string;
  /** @default - the VirtRigaud version of this toolkit (`VIRTRIGAUD_VERSION`) */
  readonly version?: string;
  /** @default {} */
  readonly commonLabels?: Readonly<Record<string, string>>;
  /** @default {} */
  readonly commonAnnotations?: Readonly<Record<string, string>>;
}

/** A full context from partial props, with the defaults of the values (`chartNamespace`: the namespace of the enclosing chart). */
export function releaseContext(props: ReleaseContextProps = {}, chartNamespace?: string): ReleaseContext {
  return {
    releaseName: props.releaseName ?? 'virtrigaud',
    namespace: props.namespace ?? chartNamespace ?? 'virtrigaud-system',
    version: props.version ?? VIRTRIGAUD_VERSION,
    commonLabels: props.commonLabels ?? {},
    commonAnnotations: props.commonAnnotations ?? {},
  };
}
