/**
 * Record the upgrade contract of this toolkit version (run when cutting a release, never to make a
 * failing upgrade test pass): `npm run contract:record`.
 */
import { writeFileSync } from 'fs';
import { CONTRACT_CASES, CONTRACT_FIXTURE } from '../lib/gitops/contract-cases';
import { extractContract } from '../lib/rendering/contract';
import { packagePath } from '../lib/paths';
import { renderRelease } from '../lib/rendering/render';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const version: string = require(packagePath('package.json')).version;
const cases = Object.fromEntries(Object.entries(CONTRACT_CASES).map(([name, options]) => [name, extractContract(renderRelease(options).manifests)]));
writeFileSync(packagePath(CONTRACT_FIXTURE), JSON.stringify({ toolkitVersion: version, cases }, null, 2) + '\n');
console.error(`recorded the upgrade contract of ${version} for ${Object.keys(cases).join(', ')} in ${CONTRACT_FIXTURE}`);
