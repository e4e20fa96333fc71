import { Manifest } from './synth';
import { toYamlDocument } from './serialize';

/** `single`: one file per release; `per-resource`: one file per object plus a kustomization.yaml. */
export type OutputLayout = 'single' | 'per-resource';
export const OUTPUT_LAYOUTS: readonly OutputLayout[] = ['single', 'per-resource'];

export interface OutputFile {
  /** Path relative to the output folder. */
  readonly path: string;
  readonly content: string;
}

/** `<kind>-<name>.yaml` in lowercase; objects of another namespace get `-<namespace>` too. */
export function resourceFileName(m: Manifest, releaseNamespace: string): string {
  const ns = m.metadata.namespace && m.metadata.namespace !== releaseNamespace ? `-${m.metadata.namespace}` : '';
  return `${m.kind.toLowerCase()}-${m.metadata.name}${ns}.yaml`;
}

/** The files of a release in a layout. */
export function layoutFiles(manifests: readonly Manifest[], options: { layout: OutputLayout; releaseName: string; releaseNamespace: string }): OutputFile[] {
  const documents = manifests.map(toYamlDocument);
  if (options.layout === 'single') {
    return [{ path: `${options.releaseName}.yaml`, content: documents.join('---\n') }];
  }
  const files: OutputFile[] = [];
  const seen = new Map<string, Manifest>();
  manifests.forEach((m, i) => {
    const path = resourceFileName(m, options.releaseNamespace);
    const other = seen.get(path);
    if (other) {
      throw new Error(`two objects would be written to ${path}: ${other.apiVersion} ${other.kind} and ${m.apiVersion} ${m.kind}`);
    }
    seen.set(path, m);
    files.push({ path, content: documents[i] });
  });
  const kustomization = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    'resources:',
    ...files.map((f) => `  - ${f.path}`),
    '',
  ].join('\n');
  return [...files, { path: 'kustomization.yaml', content: kustomization }];
}
