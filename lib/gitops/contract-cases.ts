import { packagePath } from '../paths';
import type { RenderOptions } from '../rendering/render';

/** Releases whose contract is recorded at each toolkit release and must stay upgradable. */
export const CONTRACT_CASES: Readonly<Record<string, RenderOptions>> = {
  default: {},
  'all-providers': { valuesFiles: [packagePath('examples/all-providers.yaml')] },
  // The documented profile, whose providers the toolkit may render as Deployments and Services.
  'documented-deployment': {
    set: ['profile=documented', ...[0, 1, 2, 3].map((i) => `providers[${i}].mode=deployment`)],
    valuesFiles: [packagePath('examples/all-providers.yaml')],
  },
  'ha-secure': {
    set: ['releaseName=vr', 'namespace=vr-prod', 'manager.replicas=3', 'manager.metrics.secure=true', 'monitoring.additionalLabels.release=kube-prometheus-stack'],
    valuesFiles: [packagePath('examples/vsphere.yaml')],
  },
};

/** Where the contract of the previous toolkit release is committed. */
export const CONTRACT_FIXTURE = 'test/fixtures/upgrade-contract.json';
