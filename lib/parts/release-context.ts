import type { ReleaseContext } from '../conventions/names';
import { releaseContextSchema } from '../values/schema';
import { VIRTRIGAUD_VERSION } from '../version';
import { parsePart } from './parse-part';

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

/**
 * A full context from partial props, with the defaults of the values (`chartNamespace`: the
 * namespace of the enclosing chart), checked as the values keys of the same names are.
 * @throws ValuesError naming each bad key (`releaseName`, `namespace`, `commonLabels`, `commonAnnotations`)
 */
export function releaseContext(props: ReleaseContextProps = {}, chartNamespace?: string): ReleaseContext {
  const { version, ...values } = parsePart(releaseContextSchema, { ...props, namespace: props.namespace ?? chartNamespace }, []);
  return { ...values, version: version ?? VIRTRIGAUD_VERSION };
}
