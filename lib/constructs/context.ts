// The naming rules live in lib/conventions/names.ts, the context from partial props in
// lib/parts/release-context.ts; re-exported here for the constructs' users.
export type { ReleaseContext } from '../conventions/names';
export { resourceName, managerJobName, providerJobName } from '../conventions/names';
export { releaseContext } from '../parts/release-context';
export type { ReleaseContextProps } from '../parts/release-context';
