/**
 * Entry point for `cdk8s synth` (see cdk8s.yaml): renders the default release, exactly as
 * `npm run synth` does, into the folder cdk8s gives (CDK8S_OUTDIR, default dist/).
 * Edit the values here, or use `npm run synth -- -f values.yaml` for Helm-style values files.
 */
import { renderToFolder } from './lib/rendering/render';

const output = process.env.CDK8S_OUTDIR ?? 'dist';
const result = renderToFolder(output, { base: {} });
console.error(`rendered ${result.manifests.length} objects into ${output}/`);
