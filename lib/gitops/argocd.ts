/**
 * The Argo CD Config Management Plugin (argocd/plugin.yaml) reads its context the way an Argo CD
 * Helm source does:
 * - the release namespace is the Application's destination namespace (`ARGOCD_APP_NAMESPACE`)
 *   unless the values set `namespace`;
 * - values files, `--set` and `--set-string` come from the Application's plugin parameters
 *   (`ARGOCD_APP_PARAMETERS`, the JSON list Argo CD passes to CMP v2 plugins);
 * - values files stay inside the repository (`ARGOCD_APP_SOURCE_PATH` says where its root is);
 * - stdout holds only YAML; messages go to stderr.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'fs';
import { isAbsolute, join, relative, resolve, sep } from 'path';
import { parse } from 'yaml';
import { UsageError } from '../errors';
import { packagePath } from '../paths';
import type { RenderOptions } from '../rendering/render';

/** The parameters the plugin announces (argocd/plugin.yaml `parameters.static` lists the same names). */
export const PLUGIN_PARAMETERS = {
  valuesFiles: 'values-files',
  set: 'set',
  setString: 'set-string',
  skipCrds: 'skip-crds',
} as const;

/** The default of `values-files`: the Application's folder's values.yaml. */
export const DEFAULT_VALUES_FILE = 'values.yaml';

interface Parameter {
  readonly name?: unknown;
  readonly string?: unknown;
  readonly array?: unknown;
  readonly map?: unknown;
}

/** A value inside `--set k=v` as Argo CD's Helm source passes it: `,`, `\`, `{` and `}` escaped. */
function escapeSetValue(value: string): string {
  return value.replace(/[\\,{}]/g, (c) => `\\${c}`);
}

function parameters(env: NodeJS.ProcessEnv): Map<string, Parameter> {
  const text = env.ARGOCD_APP_PARAMETERS;
  if (text === undefined || text.trim() === '') return new Map();
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`ARGOCD_APP_PARAMETERS is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(list)) throw new UsageError('ARGOCD_APP_PARAMETERS must be a JSON list of parameters');
  const known = Object.values(PLUGIN_PARAMETERS) as string[];
  const byName = new Map<string, Parameter>();
  for (const p of list as Parameter[]) {
    if (typeof p?.name !== 'string' || !known.includes(p.name)) {
      throw new UsageError(`unknown plugin parameter ${JSON.stringify(p?.name)}; the parameters are ${known.join(', ')}`);
    }
    byName.set(p.name, p);
  }
  return byName;
}

function arrayOf(p: Parameter | undefined, name: string): string[] | undefined {
  if (p?.array === undefined) return undefined;
  if (!Array.isArray(p.array) || !p.array.every((v) => typeof v === 'string')) throw new UsageError(`plugin parameter ${name} must be a list of strings`);
  return p.array as string[];
}

function mapOf(p: Parameter | undefined, name: string): [string, string][] {
  if (p?.map === undefined) return [];
  if (typeof p.map !== 'object' || p.map === null || Array.isArray(p.map)) throw new UsageError(`plugin parameter ${name} must be a map`);
  // Sorted, as Argo CD writes them: the same Application renders the same way every time.
  return Object.entries(p.map as Record<string, unknown>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => [k, String(v)]);
}

/** Refuse a values file outside the repository, as Argo CD's Helm source does. */
function assertInsideRepository(file: string, appDir: string, sourcePath: string | undefined): void {
  if (sourcePath === undefined || sourcePath === '') return;
  const depth = sourcePath.split('/').filter((p) => p !== '' && p !== '.').length;
  const root = resolve(appDir, ...Array<string>(depth).fill('..'));
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p));
  const rel = relative(real(root), real(resolve(appDir, file)));
  if (isAbsolute(file) || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new UsageError(`values file ${file} is outside the repository; plugin parameter ${PLUGIN_PARAMETERS.valuesFiles} takes paths relative to the Application's path, inside the repository`);
  }
}

/** The render options of an Application, from the environment Argo CD gives the plugin. */
export function argocdRenderOptions(env: NodeJS.ProcessEnv, appDir: string): RenderOptions {
  const params = parameters(env);
  const valuesFiles = arrayOf(params.get(PLUGIN_PARAMETERS.valuesFiles), PLUGIN_PARAMETERS.valuesFiles) ?? [DEFAULT_VALUES_FILE];
  for (const f of valuesFiles) assertInsideRepository(f, appDir, env.ARGOCD_APP_SOURCE_PATH);
  const set = mapOf(params.get(PLUGIN_PARAMETERS.set), PLUGIN_PARAMETERS.set).map(([k, v]) => `${k}=${escapeSetValue(v)}`);
  const setString = mapOf(params.get(PLUGIN_PARAMETERS.setString), PLUGIN_PARAMETERS.setString).map(([k, v]) => `${k}=${escapeSetValue(v)}`);
  const skip = params.get(PLUGIN_PARAMETERS.skipCrds)?.string;
  if (skip !== undefined && skip !== 'true' && skip !== 'false') throw new UsageError(`plugin parameter ${PLUGIN_PARAMETERS.skipCrds} must be "true" or "false"; got ${JSON.stringify(skip)}`);
  const namespace = env.ARGOCD_APP_NAMESPACE;
  return {
    valuesFiles: valuesFiles.map((f) => resolve(appDir, f)),
    set,
    setString,
    crds: skip === 'true' ? 'skip' : 'include',
    layout: 'single',
    // Below the values files: a values file or --set naming a namespace wins, as with Helm.
    ...(namespace ? { base: { namespace } } : {}),
  };
}

const NOT_OURS = ['Chart.yaml', 'kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** Whether a file holds values of this toolkit: a mapping of its top-level keys only (or nothing). */
function holdsOurValues(file: string, known: readonly string[]): boolean {
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return false;
  let values: unknown;
  try {
    values = parse(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (values === null || values === undefined) return true;
  if (typeof values !== 'object' || Array.isArray(values)) return false;
  return Object.keys(values).every((k) => known.includes(k));
}

/** Whether a YAML or JSON file in the folder is a Kubernetes object (then the folder is a plain manifests folder). */
function holdsManifests(appDir: string): boolean {
  return readdirSync(appDir, { withFileTypes: true }).some((e) => {
    if (!e.isFile() || !/\.(ya?ml|json)$/.test(e.name)) return false;
    const text = readFileSync(join(appDir, e.name), 'utf8');
    return /^apiVersion:/m.test(text) && /^kind:/m.test(text);
  });
}

/**
 * Whether an Application folder is one of ours (the plugin's `discover`): its values files (the
 * `values-files` parameter, default values.yaml) hold only keys of the toolkit's values
 * (values.schema.json), and it is no Helm chart, kustomization or folder of manifests (those stay
 * Argo CD's own). Argo CD runs discovery for every Application without a named plugin, so it must
 * not claim other tools' folders; it runs it for a named plugin too, so it must match ours.
 */
export function isVirtrigaudApp(appDir: string, env: NodeJS.ProcessEnv = {}): boolean {
  if (NOT_OURS.some((f) => existsSync(join(appDir, f))) || holdsManifests(appDir)) return false;
  let files: string[];
  try {
    files = arrayOf(parameters(env).get(PLUGIN_PARAMETERS.valuesFiles), PLUGIN_PARAMETERS.valuesFiles) ?? [DEFAULT_VALUES_FILE];
  } catch {
    return false;
  }
  const known = Object.keys((JSON.parse(readFileSync(packagePath('values.schema.json'), 'utf8')) as { properties: object }).properties);
  return files.length > 0 && files.every((f) => holdsOurValues(resolve(appDir, f), known));
}
