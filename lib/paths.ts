import { existsSync } from 'fs';
import { dirname, join } from 'path';

/** The package's root folder, from source (ts-node, jest) and from `build/` alike. */
export const PACKAGE_ROOT: string = (() => {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'vendor'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`virtrigaud-cdk8s: package root not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

/** A path inside the package. */
export function packagePath(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}
