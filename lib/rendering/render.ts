import { UsageError } from '../errors';
import { LoadedValues, loadValues, PlainValues } from '../values/load';
import { parseValues } from '../values/parse';
import { ParsedValues } from '../values/parsed';
import { Values } from '../values/schema';
import { layoutFiles, OutputFile, OutputLayout } from './layout';
import { assertNoInputOverlap, RenderedFolder, writeFolderAtomically } from './output';
import { Manifest, synthesize } from './synth';

/** Which objects to render, like Helm's `--skip-crds` / `--include-crds`: all, all but the CRDs, or only the CRDs. */
export type CrdSelection = 'include' | 'skip' | 'only';

export interface RenderOptions {
  /** Values files (`-f`), later files win. @default - none: the defaults */
  readonly valuesFiles?: readonly string[];
  /** `--set` expressions, applied after the files. @default - none */
  readonly set?: readonly string[];
  /** `--set-string` expressions, applied after `set`. @default - none */
  readonly setString?: readonly string[];
  /** `--set-json` expressions, applied after the files, before `set` (Helm's order). @default - none */
  readonly setJson?: readonly string[];
  /** `--set-file` expressions, applied after `setString`. @default - none */
  readonly setFile?: readonly string[];
  /** `--set-literal` expressions, applied last. @default - none */
  readonly setLiteral?: readonly string[];
  /** The release name (`helm template NAME`); overrides `releaseName` of the values. @default - the values' releaseName */
  readonly releaseName?: string;
  /** The release namespace (`-n`); overrides `namespace` of the values. @default - the values' namespace */
  readonly namespace?: string;
  /** Standard input, for a values file `-` and `--set-file key=-`. @default the process' standard input */
  readonly stdin?: () => Buffer;
  /** Values given in code, below the files (a plain object: `VirtRigaudProps`). @default - none */
  readonly base?: PlainValues;
  /** Output layout. @default 'single' */
  readonly layout?: OutputLayout;
  /** `--skip-crds` / `--crds-only`. @default 'include' */
  readonly crds?: CrdSelection;
}

export interface RenderResult {
  /**
   * The values after defaults.
   * @internal
   */
  readonly values: Values;
  readonly manifests: readonly Manifest[];
  readonly files: readonly OutputFile[];
  /** The folders the files fill (for the output folder's record). */
  readonly folders: readonly RenderedFolder[];
}

const isCrd = (m: Manifest) => m.kind === 'CustomResourceDefinition';

/** The objects `crds` selects; `only` with no CRDs rendered is an error (it would render nothing). */
export function selectCrds(manifests: readonly Manifest[], crds: CrdSelection = 'include'): readonly Manifest[] {
  if (crds === 'include') return manifests;
  if (crds === 'skip') return manifests.filter((m) => !isCrd(m));
  const only = manifests.filter(isCrd);
  if (only.length === 0) throw new UsageError('--crds-only: these values render no CustomResourceDefinitions (crds.install is false)');
  return only;
}

/** The files of a rendered release in a layout. */
/** @internal */
export function releaseFiles(values: Values, manifests: readonly Manifest[], layout: OutputLayout): OutputFile[] {
  return layoutFiles(manifests, { layout, releaseName: values.releaseName, releaseNamespace: values.namespace });
}

/**
 * The merged values of render options, before the schema's defaults and checks: files and the `--set`
 * family as Helm merges them, then the release name and namespace arguments, which win (as in Helm).
 */
export function loadRenderValues(options: RenderOptions): LoadedValues {
  const { valuesFiles: files, set, setString, setJson, setFile, setLiteral, base, stdin } = options;
  const loaded = loadValues({ files, set, setString, setJson, setFile, setLiteral, base, stdin });
  const values = { ...loaded.values };
  const sources = new Map(loaded.sources);
  if (options.releaseName !== undefined) {
    values.releaseName = options.releaseName;
    sources.set('releaseName', { argument: 'the release name argument' });
  }
  if (options.namespace !== undefined) {
    values.namespace = options.namespace;
    sources.set('namespace', { argument: '--namespace' });
  }
  return { ...loaded, values, sources };
}

/** Load values, build and validate the release, lay out its files. Reads the values files; writes nothing. */
export function renderRelease(options: RenderOptions = {}): RenderResult {
  const { values: raw, sources, typedFrom } = loadRenderValues(options);
  const values = parseValues(raw, sources, typedFrom);
  const { manifests: all } = synthesize(new ParsedValues(values));
  const manifests = selectCrds(all, options.crds);
  const layout = options.layout ?? 'single';
  return { values, manifests, files: releaseFiles(values, manifests, layout), folders: [{ dir: '', layout }] };
}

/**
 * Render and replace `output` atomically: on any error the folder is left exactly as it was. Refuses an
 * output folder that holds files no render wrote, or that is, contains or lies inside a values file.
 */
export function renderToFolder(output: string, options: RenderOptions = {}): RenderResult {
  assertNoInputOverlap(output, (options.valuesFiles ?? []).filter((path) => path.trim() !== '-').map((path) => ({ path, what: 'the values file' })));
  const result = renderRelease(options);
  writeFolderAtomically(output, result.files, result.folders);
  return result;
}
