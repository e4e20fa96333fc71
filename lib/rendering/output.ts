import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'fs';
import { basename, dirname, join, resolve, sep } from 'path';
import { OutputFile } from './layout';

/** Files a render may replace: what it writes itself. */
const OWN_FILE = /\.ya?ml$/;

export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

/** Check a relative output path stays inside its folder (no `..`, no absolute paths). */
export function assertContained(relative: string): void {
  const normalized = relative.split(/[\\/]/);
  if (relative === '' || relative.startsWith('/') || normalized.includes('..') || normalized.includes('')) {
    throw new OutputError(`refusing to write ${JSON.stringify(relative)}: output paths must stay inside the output folder`);
  }
}

/** Refuse to replace a folder holding anything a render did not write (a typo like `-o .` must not wipe a project). */
function assertReplaceable(folder: string): void {
  if (!existsSync(folder)) return;
  const stat = lstatSync(folder);
  if (!stat.isDirectory()) throw new OutputError(`output ${folder} exists and is not a folder`);
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix + entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), rel + '/');
      else if (!entry.isFile() || !OWN_FILE.test(entry.name)) {
        throw new OutputError(`refusing to replace ${folder}: it holds ${rel}, which a render does not write; choose an empty or new folder`);
      }
    }
  };
  walk(folder, '');
}

/** Write files into a fresh sibling folder, then swap it in: the output is either the old one or the new one, never half. */
export function writeFolderAtomically(folder: string, files: readonly OutputFile[]): void {
  const target = resolve(folder);
  if (target === resolve('/') || target === resolve('.') || resolve('.').startsWith(target + sep)) {
    throw new OutputError(`refusing to replace ${folder}: it is or contains the working directory`);
  }
  assertReplaceable(target);
  for (const file of files) assertContained(file.path);
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const staging = join(parent, `.${basename(target)}.new-${stamp}`);
  const retired = join(parent, `.${basename(target)}.old-${stamp}`);
  try {
    mkdirSync(staging);
    for (const file of files) {
      const path = join(staging, file.path);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.content);
    }
    const hadOld = existsSync(target);
    if (hadOld) renameSync(target, retired);
    try {
      renameSync(staging, target);
    } catch (e) {
      if (hadOld) renameSync(retired, target);
      throw e;
    }
    rmSync(retired, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
