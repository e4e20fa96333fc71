/** virtrigaud-cdk8s/rendering: render a release to YAML, Helm-style (what `npm run synth` does). */
export { renderRelease, renderToFolder } from './render';
export type { CrdSelection, RenderOptions, RenderResult } from './render';
export { renderEnvironments, discoverEnvironments } from './environments';
export type { Environment, EnvironmentsRender } from './environments';
export type { OutputFile, OutputLayout } from './layout';
export { RenderError, OutputError } from '../errors';
export { ValuesError } from '../values/errors';
