import { existsSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import { RenderError } from '../errors';
import { ValuesError } from '../values/errors';
import { OutputFile } from './layout';
import { RenderedFolder } from './output';
import { renderRelease, RenderOptions, RenderResult } from './render';

/** Shared values of every environment: `<root>/values.yaml`. */
export const BASE_VALUES_FILE = 'values.yaml';
const ENVIRONMENT_NAME = /^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/;

export interface Environment {
  readonly name: string;
  /** Values files in order: the shared base (when present), then the environment's own. */
  readonly valuesFiles: readonly string[];
}

/** Every `<root>/<env>/values.yaml`, sorted by name, over `<root>/values.yaml`. */
export function discoverEnvironments(root: string): Environment[] {
  if (!existsSync(root)) throw new ValuesError([{ path: '', message: `no environments folder ${root}` }]);
  if (!statSync(root).isDirectory()) throw new ValuesError([{ path: '', message: `the environments folder ${root} is not a folder` }]);
  const base = join(root, BASE_VALUES_FILE);
  const baseFiles = existsSync(base) ? [base] : [];
  const environments: Environment[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    // A symbolic link to a folder is an environment too: skipping it would silently drop its output.
    const isFolder = entry.isDirectory() || (entry.isSymbolicLink() && statSync(join(root, entry.name), { throwIfNoEntry: false })?.isDirectory() === true);
    if (!isFolder || !existsSync(join(root, entry.name, 'values.yaml'))) continue;
    if (!ENVIRONMENT_NAME.test(entry.name)) {
      throw new ValuesError([{ path: '', message: `environment folder name ${JSON.stringify(entry.name)} must be lowercase letters, digits, '-' or '_' (it names an output folder)`, source: { file: join(root, entry.name) } }]);
    }
    environments.push({ name: entry.name, valuesFiles: [...baseFiles, join(root, entry.name, 'values.yaml')] });
  }
  if (environments.length === 0) throw new ValuesError([{ path: '', message: `no environments found: expected ${root}/<env>/values.yaml` }]);
  return environments;
}

export interface EnvironmentsRender {
  readonly environments: readonly { readonly name: string; readonly result: RenderResult }[];
  /** Every file, under `<env>/`. */
  readonly files: readonly OutputFile[];
  /** One rendered folder per environment (each gets its own record, so it can also be rendered alone). */
  readonly folders: readonly RenderedFolder[];
}

/**
 * Render every environment in one process. Layers per environment: the shared base, `options.valuesFiles`,
 * the environment's values, then `--set`. Every environment is rendered and validated before anything is
 * written; problems of all environments are reported together.
 */
export function renderEnvironments(root: string, options: RenderOptions = {}): EnvironmentsRender {
  const environments: { name: string; result: RenderResult }[] = [];
  const failures: string[] = [];
  for (const env of discoverEnvironments(root)) {
    const [base, own] = env.valuesFiles.length === 2 ? env.valuesFiles : [undefined, env.valuesFiles[0]];
    try {
      const result = renderRelease({ ...options, valuesFiles: [...(base ? [base] : []), ...(options.valuesFiles ?? []), own] });
      environments.push({ name: env.name, result });
    } catch (e) {
      if (!(e instanceof ValuesError || e instanceof RenderError)) throw e;
      failures.push(...e.message.split('\n').map((line) => `[${env.name}] ${line}`));
    }
  }
  if (failures.length > 0) throw new RenderError(failures.join('\n'));
  const files = environments.flatMap(({ name, result }) => result.files.map((f) => ({ path: `${name}/${f.path}`, content: f.content })));
  const folders = environments.map(({ name }) => ({ dir: name, layout: options.layout ?? 'single' }));
  return { environments, files, folders };
}
