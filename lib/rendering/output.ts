/**
 * Writing rendered files into a folder without ever losing a user's file.
 *
 * A render records what it wrote: every folder it renders into (the output folder; with
 * `--all-environments`, each `<output>/<env>/`) gets a record file, RECORD_FILE, listing each
 * file it wrote with its SHA-256 (the format of `sha256sum`, so `sha256sum -c` checks it). The
 * record has no `.yaml`/`.json` extension, so kubectl, kustomize, Flux and Argo CD never read it.
 *
 * A later render replaces the folder only when everything in it is a file a record lists (or a
 * record, or a folder of such files); anything else is refused with its name, before anything is
 * written. The replacement is atomic: the new folder is written beside the old one and swapped in.
 */
import { createHash } from 'crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'fs';
import { basename, dirname, join, resolve, sep } from 'path';
import { OutputError } from '../errors';
import { OUTPUT_LAYOUTS, OutputFile, OutputLayout } from './layout';

export { OutputError };

/** The record of a render, in every folder it renders into. */
export const RECORD_FILE = '.virtrigaud-render';

/** A folder a render writes as a whole: `''` is the output folder, `dev` its environment `dev`. */
export interface RenderedFolder {
  readonly dir: string;
  readonly layout: OutputLayout;
}

/** Check a relative output path stays inside its folder (no `..`, no absolute paths). */
export function assertContained(relative: string): void {
  const normalized = relative.split(/[\\/]/);
  if (relative === '' || relative.startsWith('/') || normalized.includes('..') || normalized.includes('') || normalized.includes('.')) {
    throw new OutputError(`refusing to write ${JSON.stringify(relative)}: output paths must stay inside the output folder`);
  }
}

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** The record of the files of one rendered folder (paths relative to it). */
export function formatRecord(files: readonly OutputFile[], layout: OutputLayout): string {
  const lines = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((f) => `${sha256(f.content)}  ${f.path}`);
  return [
    '# Written by virtrigaud-cdk8s: the files its last render wrote into this folder (sha256sum -c checks them).',
    '# A render replaces this folder only while it holds nothing else. Do not edit.',
    `# layout: ${layout}`,
    ...lines,
    '',
  ].join('\n');
}

export interface Record {
  readonly layout?: OutputLayout;
  /** Relative path → SHA-256 at render time. */
  readonly files: ReadonlyMap<string, string>;
}

/** The record in `folder`, if there is one (a regular file). Paths that would leave the folder are ignored. */
export function readRecord(folder: string): Record | undefined {
  const path = join(folder, RECORD_FILE);
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  const files = new Map<string, string>();
  let layout: OutputLayout | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const recordedLayout = /^# layout: (\S+)$/.exec(line);
    if (recordedLayout && (OUTPUT_LAYOUTS as readonly string[]).includes(recordedLayout[1])) layout = recordedLayout[1] as OutputLayout;
    const entry = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!entry) continue;
    try {
      assertContained(entry[2]);
    } catch {
      continue;
    }
    files.set(entry[2], entry[1]);
  }
  return { layout, files };
}

/**
 * `path` as it is on disk: symbolic links resolved, also in the part of it that exists when the
 * rest does not yet (`out/new/folder` under a linked `out`).
 */
export function realPath(path: string): string {
  const absolute = resolve(path);
  const missing: string[] = [];
  let existing = absolute;
  for (;;) {
    try {
      return join(realpathSync(existing), ...missing);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return absolute;
      missing.unshift(basename(existing));
      existing = parent;
    }
  }
}

const inside = (child: string, parent: string) => child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/**
 * Refuse an output folder that is, contains or lies inside one of the render's inputs (values
 * files, the environments folder): a render must never replace what it reads. Paths are compared
 * with symbolic links resolved. Runs before anything is rendered or written.
 */
export function assertNoInputOverlap(output: string, inputs: readonly { readonly path: string; readonly what: string }[]): void {
  const out = realPath(output);
  for (const input of inputs) {
    const path = realPath(input.path);
    const how = path === out ? 'is' : inside(path, out) ? 'contains' : inside(out, path) ? 'lies inside' : undefined;
    if (how) {
      throw new OutputError(`refusing to write into ${output}: it ${how} ${input.what} ${input.path}; render into a folder of its own (e.g. -o rendered)`);
    }
  }
}

/** The folder a render replaces: `folder` itself, or what a symbolic link at `folder` points to. */
export function outputTarget(folder: string): string {
  const target = resolve(folder);
  const st = lstatSync(target, { throwIfNoEntry: false });
  if (st?.isSymbolicLink()) {
    const pointsTo = statSync(target, { throwIfNoEntry: false });
    if (!pointsTo) throw new OutputError(`output ${folder} is a symbolic link to a missing folder`);
    if (!pointsTo.isDirectory()) throw new OutputError(`output ${folder} exists and is not a folder`);
    return realpathSync(target);
  }
  return realPath(target);
}

/**
 * Refuse to replace a folder holding anything no render of this toolkit wrote (a typo like
 * `-o .` or `-o src` must not wipe a project). Returns the files a render wrote but someone has
 * changed since (they are replaced; the caller may say so).
 */
export function assertReplaceable(folder: string, shownAs = folder): string[] {
  const st = lstatSync(folder, { throwIfNoEntry: false });
  if (!st) return [];
  if (!st.isDirectory()) throw new OutputError(`output ${shownAs} exists and is not a folder`);
  const edited: string[] = [];
  const refuse = (rel: string, what: string): never => {
    throw new OutputError(`refusing to replace ${shownAs}: it holds ${rel}, ${what}; move it away or choose an empty or new output folder`);
  };
  /** Records of the folders from the output folder down to the current one, with their paths. */
  const walk = (dir: string, prefix: string, records: readonly { prefix: string; record: Record }[]) => {
    const own = readRecord(dir);
    const here = own ? [...records, { prefix, record: own }] : records;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new OutputError(`cannot read ${join(shownAs, prefix)}: ${(e as Error).message}`);
    }
    if (entries.length === 0 && prefix !== '') refuse(prefix, 'an empty folder no render wrote');
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const rel = prefix + entry.name;
      if (entry.isDirectory()) {
        walk(join(dir, entry.name), `${rel}/`, here);
      } else if (entry.isSymbolicLink()) {
        refuse(rel, 'a symbolic link, which a render never writes');
      } else if (!entry.isFile()) {
        refuse(rel, 'which a render never writes');
      } else if (!(entry.name === RECORD_FILE && own)) {
        const claim = here.find((r) => r.record.files.has(rel.slice(r.prefix.length)));
        if (!claim) refuse(rel, `which no render of virtrigaud-cdk8s wrote (no ${RECORD_FILE} lists it)`);
        else if (claim.record.files.get(rel.slice(claim.prefix.length)) !== sha256(readFileSync(join(dir, entry.name)))) edited.push(rel);
      }
    }
  };
  walk(folder, '', []);
  return edited;
}

/**
 * Everything that decides whether a render may replace `folder`, checked before anything is
 * written: not the file system root, the working directory or a folder holding it; nothing in it
 * but what renders wrote. Returns the folder to replace (links resolved) and the rendered files
 * edited since.
 */
export function checkOutputFolder(folder: string): { target: string; edited: string[] } {
  const target = outputTarget(folder);
  const cwd = realPath('.');
  if (target === dirname(target) || target === cwd || inside(cwd, target)) {
    throw new OutputError(`refusing to replace ${folder}: it is or contains the working directory`);
  }
  return { target, edited: assertReplaceable(target, folder) };
}

/** The files to write: the rendered files and a record per rendered folder. */
function withRecords(files: readonly OutputFile[], folders: readonly RenderedFolder[]): OutputFile[] {
  const records = folders.map((f) => {
    const prefix = f.dir === '' ? '' : `${f.dir}/`;
    const own = files.filter((file) => file.path.startsWith(prefix)).map((file) => ({ path: file.path.slice(prefix.length), content: file.content }));
    return { path: `${prefix}${RECORD_FILE}`, content: formatRecord(own, f.layout) };
  });
  return [...files, ...records];
}

export interface WriteResult {
  /** Files a render wrote, changed by hand since, now replaced. */
  readonly replacedEdited: readonly string[];
}

/**
 * Write files into a fresh sibling folder, then swap it in: the output is either the old one or
 * the new one, never half. `folders` are the rendered folders to record (default: the output
 * folder itself, in the single layout).
 */
export function writeFolderAtomically(folder: string, files: readonly OutputFile[], folders: readonly RenderedFolder[] = [{ dir: '', layout: 'single' }]): WriteResult {
  for (const file of files) assertContained(file.path);
  for (const f of folders) if (f.dir !== '') assertContained(f.dir);
  const { target, edited: replacedEdited } = checkOutputFolder(folder);
  const all = withRecords(files, folders);
  const parent = dirname(target);
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const staging = join(parent, `.${basename(target)}.new-${stamp}`);
  const retired = join(parent, `.${basename(target)}.old-${stamp}`);
  try {
    mkdirSync(parent, { recursive: true });
    try {
      mkdirSync(staging);
      for (const file of all) {
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
  } catch (e) {
    if (e instanceof OutputError) throw e;
    const err = e as NodeJS.ErrnoException;
    // Permissions, a full disk, a read-only file system: the user's to fix, and nothing was replaced.
    throw new OutputError(`cannot write ${folder}: ${err.code ?? ''}${err.code ? ' ' : ''}${err.message.replace(/^\w+: /, '')} (the output folder is left as it was)`);
  }
  return { replacedEdited };
}

