/**
 * The stock cdk8s workflow for the benchmark (`npm run bench`): the project's constructs, from
 * source, in an app as `cdk8s init typescript-app` sets it up (`cdk8s synth` runs `npx ts-node
 * main.ts`, which type-checks and compiles on every run). No schema validation, no ordering.
 *
 * BENCH_VALUES_JSON: a JSON values file for one release; BENCH_ENVIRONMENTS: an environments
 * folder (one chart per `<env>/values.yaml` over `values.yaml`); neither: the default release.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, Chart } from 'cdk8s';
import { VirtRigaud, VirtRigaudProps } from '../../lib/constructs/virtrigaud';
import { loadValues } from '../../lib/values/load';

const app = new App();
const environments = process.env.BENCH_ENVIRONMENTS;
if (environments) {
  for (const env of readdirSync(environments, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const { values } = loadValues({ files: [join(environments, 'values.yaml'), join(environments, env, 'values.yaml')] });
    const chart = new Chart(app, env);
    new VirtRigaud(chart, 'virtrigaud', values as VirtRigaudProps);
  }
} else {
  const file = process.env.BENCH_VALUES_JSON;
  const values = file ? (JSON.parse(readFileSync(file, 'utf8')) as VirtRigaudProps) : {};
  const chart = new Chart(app, 'virtrigaud');
  new VirtRigaud(chart, 'virtrigaud', values);
}
app.synth();
