/** The release context the construct and monitoring tests share. */
import { ReleaseContext } from '../lib/constructs/context';

export const ctx: ReleaseContext = {
  releaseName: 'virtrigaud',
  namespace: 'virtrigaud-system',
  version: 'v0.3.11',
  commonLabels: { team: 'platform' },
  commonAnnotations: {},
};
