/** virtrigaud-cdk8s/lint: the checks `npm run lint` runs on rendered YAML. */
export { lintFolder, lintManifests, formatLintReport, LintError } from './lint';
export type { LintReport } from './lint';
export type { Finding } from './checks';
