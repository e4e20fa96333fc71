/**
 * What the e2e suites apply: every release a user can render from this repository (the default
 * release, every example, every environment), in both layouts, rendered by the CLI as
 * `npm run synth` renders them; and helpers to apply, read back and remove them on a control plane.
 */
import { readdirSync, readFileSync, rmSync } from 'fs';
import { basename, join } from 'path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../lib/cli/cli';
import { packagePath } from '../../lib/paths';
import { ControlPlane, KubectlResult } from './control-plane';
import { e2eTempDir } from './processes';

export type Layout = 'single' | 'per-resource';
export const LAYOUTS: readonly Layout[] = ['single', 'per-resource'];

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: any;
}

export interface Release {
  /** e.g. "default", "example libvirt", "environment prod" */
  name: string;
  layout: Layout;
  /** The YAML file (single) or the folder with kustomization.yaml (per-resource). */
  path: string;
  /** The rendered objects, read from the single-file render with the YAML reader the CLI writes for. */
  objects: K8sObject[];
  /** The release's CRDs, one file each (from its per-resource render). */
  crdFiles: string[];
  /** The files of its custom resources whose CRDs it renders too (Provider objects), from its per-resource render. */
  ownCustomResourceFiles: string[];
  /** The synth options that render it alone (`-f` files), e.g. for `synth -o -`. */
  synthArgs: string[];
}

/** Runs the CLI in this process, as `npm run synth -- <argv>` would. */
export function synth(argv: readonly string[]): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function synthOrThrow(argv: readonly string[]): string {
  const r = synth(argv);
  if (r.code !== 0) throw new Error(`synth ${argv.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export function parseObjects(yaml: string): K8sObject[] {
  return parseAllDocuments(yaml)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(d.errors[0].message);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

export const EXAMPLES_DIR = packagePath('examples');
export const ENVIRONMENTS_DIR = packagePath('examples', 'environments');

/** Every release of this repository rendered into a new temporary folder, both layouts. */
export function renderReleases(): { root: string; releases: Release[] } {
  const root = e2eTempDir('render');
  const examples = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.yaml')).sort();
  const sources: Array<{ name: string; args: string[] }> = [
    { name: 'default', args: [] },
    ...examples.map((f) => ({ name: `example ${basename(f, '.yaml')}`, args: ['-f', join(EXAMPLES_DIR, f)] })),
  ];
  const releases: Release[] = [];
  for (const layout of LAYOUTS) {
    const layoutArgs = layout === 'single' ? [] : ['--layout', 'per-resource'];
    for (const s of sources) {
      const out = join(root, layout, s.name.replace(/ /g, '-'));
      synthOrThrow(['synth', ...s.args, ...layoutArgs, '--output', out]);
      releases.push({ name: s.name, layout, path: layout === 'single' ? join(out, 'virtrigaud.yaml') : out, objects: [], crdFiles: [], ownCustomResourceFiles: [], synthArgs: s.args });
    }
    const envOut = join(root, layout, 'environments');
    synthOrThrow(['synth', '--all-environments', '--environments', ENVIRONMENTS_DIR, ...layoutArgs, '--output', envOut]);
    for (const env of readdirSync(envOut).sort()) {
      // --all-environments renders <env>/values.yaml over the shared values.yaml.
      const synthArgs = ['-f', join(ENVIRONMENTS_DIR, 'values.yaml'), '-f', join(ENVIRONMENTS_DIR, env, 'values.yaml')];
      releases.push({ name: `environment ${env}`, layout, path: layout === 'single' ? join(envOut, env, 'virtrigaud.yaml') : join(envOut, env), objects: [], crdFiles: [], ownCustomResourceFiles: [], synthArgs });
    }
  }
  // Objects of a release, from its single-file render (the per-resource layout holds the same objects).
  const single = new Map(releases.filter((r) => r.layout === 'single').map((r) => [r.name, parseObjects(readFileSync(r.path, 'utf8'))]));
  const files = new Map(
    releases
      .filter((r) => r.layout === 'per-resource')
      .map((r) => {
        const objectFiles = readdirSync(r.path).filter((f) => f !== 'kustomization.yaml' && f.endsWith('.yaml')).sort().map((f) => {
          const [object] = parseObjects(readFileSync(join(r.path, f), 'utf8'));
          return { file: join(r.path, f), object };
        });
        const own = new Set(ownCustomResources(objectFiles.map((f) => f.object)));
        return [r.name, {
          crdFiles: objectFiles.filter((f) => f.object.kind === 'CustomResourceDefinition').map((f) => f.file),
          ownCustomResourceFiles: objectFiles.filter((f) => own.has(f.object)).map((f) => f.file),
        }];
      }),
  );
  for (const r of releases) {
    r.objects = single.get(r.name)!;
    Object.assign(r, files.get(r.name)!);
  }
  return { root, releases };
}

/** The objects whose kind a CRD of the same release defines (custom resources it renders). */
export function ownCustomResources(objects: readonly K8sObject[]): K8sObject[] {
  const defined = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((crd) => `${crd.spec.group}/${crd.spec.names.kind}`));
  return objects.filter((o) => defined.has(`${o.apiVersion.split('/')[0]}/${o.kind}`));
}

export function removeRenders(root: string): void {
  if (root !== '') rmSync(root, { recursive: true, force: true });
}

/** The releases when the control planes can run (rendering takes a while), else none. */
export function releasesToApply(built: boolean): { root: string; releases: Release[] } {
  return built ? renderReleases() : { root: '', releases: [] };
}

/** `-f file` or `-k folder`. */
export function source(release: Release): string[] {
  return release.layout === 'single' ? ['-f', release.path] : ['-k', release.path];
}

/** Fails with kubectl's own output unless it succeeded without a word on stderr (warnings included). */
export function expectClean(what: string, r: KubectlResult): void {
  if (r.code !== 0 || r.stderr.trim() !== '') {
    throw new Error(`${what}: exit ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(0, 2000)}`);
  }
}

export const PROMETHEUS_OPERATOR_CRDS = packagePath('vendor', 'prometheus-operator-v0.93.0');

/** The Prometheus Operator CRDs a kube-prometheus-stack user has; waits until they are Established. */
export async function installPrometheusOperatorCrds(cp: ControlPlane): Promise<void> {
  const files = readdirSync(PROMETHEUS_OPERATOR_CRDS).filter((f) => f.endsWith('.yaml')).map((f) => join(PROMETHEUS_OPERATOR_CRDS, f));
  expectClean('apply the Prometheus Operator CRDs', await cp.kubectl(['apply', '--server-side', ...files.flatMap((f) => ['-f', f])]));
  expectClean('wait for the Prometheus Operator CRDs', await cp.kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...files.flatMap((f) => ['-f', f])]));
}

export const key = (o: { apiVersion?: string; kind: string; metadata: { name: string; namespace?: string } }): string =>
  `${o.apiVersion?.split('/').length === 2 ? o.apiVersion.split('/')[0] : 'core'}/${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

/** The stored objects named in `objects`, read back with `kubectl get -o json`, by key. */
export async function getStored(cp: ControlPlane, release: Release): Promise<Map<string, K8sObject>> {
  const r = await cp.kubectl(['get', ...source(release), '-o', 'json']);
  expectClean(`kubectl get ${release.name}`, r);
  const list = JSON.parse(r.stdout) as { items?: K8sObject[] } & K8sObject;
  const items = list.kind === 'List' ? list.items ?? [] : [list];
  return new Map(items.map((o) => [key(o), o]));
}

/**
 * Removes a release so that the next one starts from an empty cluster (only the Prometheus
 * Operator CRDs stay). With no controller-manager there is no namespace controller: the release's
 * objects are deleted first, then each of its Namespaces is finalized by hand, as that controller
 * would once the namespace is empty.
 */
export async function removeRelease(cp: ControlPlane, release: Release): Promise<void> {
  // A CRD deleted while the server still initializes its storage waits for a retry of the CRD
  // finalizer with growing back-off (1.37: "storage is (re)initializing"): first list each custom
  // resource until the list answers.
  const crds = release.objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => `${o.spec.names.plural}.${o.spec.group}`);
  for (let tries = 0; crds.length > 0 && tries < 60; tries++) {
    if ((await cp.kubectl(['get', crds.join(','), '--all-namespaces', '-o', 'name'])).code === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expectClean(`delete ${release.name}`, await cp.kubectl(['delete', ...source(release), '--ignore-not-found', '--wait=false']));
  for (const ns of release.objects.filter((o) => o.kind === 'Namespace')) await finalizeNamespace(cp, ns.metadata.name);
  // CRDs go once the API server has removed their custom resources.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const left = await cp.kubectl(['get', ...source(release), '--ignore-not-found', '-o', 'name']);
    expectClean(`get what is left of ${release.name}`, left);
    if (left.stdout.trim() === '') return;
    if (Date.now() > deadline) throw new Error(`delete ${release.name}: still there after 120s:\n${left.stdout}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function finalizeNamespace(cp: ControlPlane, name: string): Promise<void> {
  const get = await cp.kubectl(['get', 'namespace', name, '-o', 'json', '--ignore-not-found']);
  if (get.stdout.trim() === '') return;
  const ns = JSON.parse(get.stdout) as K8sObject;
  if (!ns.metadata.deletionTimestamp) expectClean(`delete namespace ${name}`, await cp.kubectl(['delete', 'namespace', name, '--wait=false']));
  ns.spec = { finalizers: [] };
  const r = await cp.kubectl(['replace', '--raw', `/api/v1/namespaces/${name}/finalize`, '-f', '-'], { input: JSON.stringify(ns) });
  if (r.code !== 0) throw new Error(`finalize namespace ${name}: ${r.stderr}`);
}

/**
 * Differences where the rendered object is not contained in the stored one: every rendered value
 * must be stored with the same JSON type and value (the server may add defaults, never change).
 */
export function subsetDiff(rendered: unknown, stored: unknown, path = ''): string[] {
  if (rendered === null || typeof rendered !== 'object') {
    return rendered === stored ? [] : [`${path || '.'}: rendered ${JSON.stringify(rendered)}, stored ${JSON.stringify(stored)}`];
  }
  if (Array.isArray(rendered)) {
    if (!Array.isArray(stored)) return [`${path}: rendered a list, stored ${JSON.stringify(stored)}`];
    if (stored.length !== rendered.length) return [`${path}: rendered ${rendered.length} items, stored ${stored.length}`];
    return rendered.flatMap((item, i) => subsetDiff(item, stored[i], `${path}[${i}]`));
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return [`${path}: rendered a map, stored ${JSON.stringify(stored)}`];
  return Object.entries(rendered).flatMap(([k, v]) =>
    k in stored ? subsetDiff(v, (stored as Record<string, unknown>)[k], `${path}.${k}`) : [`${path}.${k}: rendered ${JSON.stringify(v)}, not stored`],
  );
}
