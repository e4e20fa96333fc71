import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { OutputError } from './errors';

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The YAML files of a folder (recursively), by relative path; empty when it does not exist. */
export function readYamlFolder(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(folder)) return files;
  if (!statSync(folder).isDirectory()) throw new OutputError(`${folder} is not a folder`);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) files.set(relative(folder, path), readFileSync(path, 'utf8'));
    }
  };
  walk(folder);
  return new Map([...files].sort(([a], [b]) => byString(a, b)));
}
