/**
 * virtrigaud-cdk8s: the construct library. Rendering, lint and monitoring have entry points of
 * their own (`virtrigaud-cdk8s/rendering`, `/lint`, `/monitoring`).
 */
export { VirtRigaud } from './constructs/virtrigaud';
export { VirtRigaudManager } from './constructs/manager';
export type { ManagerProps } from './constructs/manager';
export { VirtRigaudProvider } from './constructs/provider';
export type { VirtRigaudProviderProps } from './constructs/provider';
export { VirtRigaudCrds } from './constructs/crds';
export type { VirtRigaudCrdsProps } from './constructs/crds';
export { VirtRigaudNetworkPolicies } from './constructs/network-policies';
export type { VirtRigaudNetworkPoliciesProps } from './constructs/network-policies';
export { ReleaseNamespace } from './constructs/namespace';
export type { ReleaseNamespaceProps } from './constructs/namespace';
export { Monitoring } from './monitoring/monitoring';
export type { MonitoringProps } from './monitoring/monitoring';
export { releaseContext, resourceName } from './constructs/context';
export type { ReleaseContext, ReleaseContextProps } from './constructs/context';
export type * from './props';
export { ToolkitError } from './errors';
export { ValuesError } from './values/errors';
export type { ValuesProblem, ValueSource } from './values/errors';
export { VIRTRIGAUD_VERSION } from './version';
