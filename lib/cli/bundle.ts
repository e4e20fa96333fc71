/**
 * The CLI as one bundled file with a V8 code cache: starting it costs one file read and no module
 * resolution, parsing or compiling of the ~60 modules and their dependencies (about half of a
 * render's time otherwise). `npm run build` writes the bundle, its code cache and a manifest of
 * its inputs into `build/lib/cli/`; `bin/virtrigaud.ts` runs it when it is there and current, and
 * the compiled modules otherwise (same code, same output).
 *
 * Current means: made by this Node.js version, and every input the bundle was made from (the
 * TypeScript sources and the `package.json` of every bundled package) still has the size and
 * modification time it had at build time (see bundleIsCurrent). Anything else falls back to the
 * modules. The code cache is used when this V8 made it.
 */
import { existsSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { codeCacheIdentity, LoadedModule, loadGeneratedModule } from '../schema/module-loader';

export const BUNDLE_FILE = 'virtrigaud.bundle.js';
export const BUNDLE_MANIFEST_FILE = 'virtrigaud.bundle.json';

export interface BundleManifest {
  /** The Node.js version the bundle was made with (it lists the exports of lazily loaded built-ins). */
  readonly node: string;
  /** V8 version and architecture of the code cache (`<bundle>.v8cache`); undefined = no cache. */
  readonly codeCache?: string;
  /** Whether the bundle is pure ASCII (esbuild escapes everything else). */
  readonly ascii?: boolean;
  /** The bundle's entry source (relative to the package root): absent in a published package, which holds only build/. */
  readonly entry?: string;
  /** Inputs as [path relative to the package root, size, mtimeMs]. */
  readonly inputs: readonly (readonly [string, number, number])[];
}

export interface BundleExports {
  readonly runCli: typeof import('./cli').runCli;
  readonly usesPrecompiledValidators: () => boolean;
}

/**
 * Whether every input still looks as it did when the bundle was built. Inputs that are not there
 * count only in a source checkout (the entry source is there) and outside node_modules: a
 * published package ships build/ without sources, and its dependencies live elsewhere (the
 * bundle carries its own copy of them).
 */
export function bundleIsCurrent(manifest: BundleManifest, packageRoot: string): boolean {
  if (manifest.node !== process.version) return false;
  const checkout = manifest.entry === undefined || existsSync(join(packageRoot, manifest.entry));
  for (const [path, size, mtimeMs] of manifest.inputs) {
    let st;
    try {
      st = statSync(join(packageRoot, path));
    } catch {
      if (checkout && !/(^|[\\/])node_modules[\\/]/.test(path)) return false;
      continue;
    }
    if (st.size !== size || st.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

/**
 * Loads the bundle in `dir` if it is there and current (undefined otherwise). `packageRoot` is
 * where the manifest's input paths are relative to.
 */
export function loadBundle(dir: string, packageRoot: string, options: { useCodeCache?: boolean } = {}): (LoadedModule & { exports: BundleExports }) | undefined {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, BUNDLE_MANIFEST_FILE), 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
  if (!bundleIsCurrent(manifest, packageRoot)) return undefined;
  const useCodeCache = (options.useCodeCache ?? true) && manifest.codeCache === codeCacheIdentity();
  const loaded = loadGeneratedModule(join(dir, BUNDLE_FILE), { useCodeCache, knownAscii: manifest.ascii === true });
  return loaded as LoadedModule & { exports: BundleExports };
}
