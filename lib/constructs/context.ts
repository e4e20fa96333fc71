// The naming rules live in lib/conventions/names.ts; re-exported here for the constructs' users.
export type { ReleaseContext } from '../conventions/names';
export { resourceName, managerJobName, providerJobName } from '../conventions/names';
