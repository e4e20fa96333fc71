/**
 * Loads a generated validator module like `require` would, but through `vm.Script` so that a
 * V8 code cache written at build time (`<module>.v8cache`) can be used: the validators are then
 * neither parsed nor compiled again, which halves the cold-start cost of validation.
 *
 * A cache made by another V8 version or for other V8 flags is rejected by V8 itself (the module
 * is then compiled from source as usual, with identical results); the index also records the
 * V8 version and architecture so a mismatching cache is not even read.
 */
import { isAscii } from 'buffer';
import { readFileSync } from 'fs';
import { createRequire } from 'module';
import { dirname } from 'path';
import { Script } from 'vm';

export const CODE_CACHE_SUFFIX = '.v8cache';

/** The CommonJS wrapper; build and run time must use the very same source for the cache to match. */
function wrap(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

export interface LoadedModule {
  readonly exports: Record<string, unknown>;
  /** Kept to create the code cache after warming up (build time). */
  readonly script: Script;
  /** true when a cache was given and V8 refused it; undefined when no cache was used. */
  readonly cacheRejected: boolean | undefined;
}

/**
 * `requireFromPackage`: the module's `require` resolves from this package rather than from the
 * file's folder (generated validators written elsewhere, or as Ajv wrote them, find Ajv's
 * run-time helpers: `ajv` is a dependency of this package).
 */
export function loadGeneratedModule(file: string, options: { useCodeCache: boolean; knownAscii?: boolean; requireFromPackage?: boolean }): LoadedModule {
  // Generated modules are ASCII: decoding them as latin1 is exact and several times faster
  // than UTF-8 decoding (and gives V8 a one-byte string). `knownAscii`: checked when it was built.
  const bytes = readFileSync(file);
  const source = options.knownAscii || isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  let cachedData: Buffer | undefined;
  if (options.useCodeCache) {
    try {
      cachedData = readFileSync(file + CODE_CACHE_SUFFIX);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(wrap(source), { filename: file, cachedData });
  const fn = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: { exports: unknown },
    filename: string,
    dir: string,
  ) => void;
  const module = { exports: {} as Record<string, unknown> };
  fn(module.exports, options.requireFromPackage ? require : createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cacheRejected: cachedData ? script.cachedDataRejected === true : undefined };
}

/** The running V8's identity, as recorded next to code caches. */
export function codeCacheIdentity(): string {
  return `${process.versions.v8}/${process.arch}`;
}
