import { loadValues, PlainValues } from '../values/load';
import { parseValues } from '../values/parse';
import { withParsedValues } from '../values/parsed';
import { Values } from '../values/schema';
import { layoutFiles, OutputFile, OutputLayout } from './layout';
import { writeFolderAtomically } from './output';
import { Manifest, synthesize } from './synth';

export interface RenderOptions {
  /** Values files (`-f`), later files win. @default - none: the defaults */
  readonly valuesFiles?: readonly string[];
  /** `--set` expressions, applied after the files. @default - none */
  readonly set?: readonly string[];
  /** `--set-string` expressions, applied after `set`. @default - none */
  readonly setString?: readonly string[];
  /** Values given in code, below the files. @default - none */
  readonly base?: PlainValues;
  /** Output layout. @default 'single' */
  readonly layout?: OutputLayout;
}

export interface RenderResult {
  readonly values: Values;
  readonly manifests: readonly Manifest[];
  readonly files: readonly OutputFile[];
}

/** Load values, build and validate the release, lay out its files. Reads the values files; writes nothing. */
export function renderRelease(options: RenderOptions = {}): RenderResult {
  const { values: raw, sources } = loadValues({ files: options.valuesFiles, set: options.set, setString: options.setString, base: options.base });
  const values = parseValues(raw, sources);
  const { manifests } = withParsedValues(values, () => synthesize(values));
  const files = layoutFiles(manifests, { layout: options.layout ?? 'single', releaseName: values.releaseName, releaseNamespace: values.namespace });
  return { values, manifests, files };
}

/** Render and replace `output` atomically: on any error the folder is left exactly as it was. */
export function renderToFolder(output: string, options: RenderOptions = {}): RenderResult {
  const result = renderRelease(options);
  writeFolderAtomically(output, result.files);
  return result;
}
