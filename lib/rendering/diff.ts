/**
 * What a render would change in a rendered folder, folder by folder (the output folder, or each
 * environment's), object by object, with the change itself. Every change found is shown: the
 * report is empty exactly when nothing would change.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import { OutputError } from '../errors';
import { Breakage, compareContracts, extractContract } from './contract';
import { OutputFile, OutputLayout } from './layout';
import { readRecord, RECORD_FILE } from './output';
import { toYamlDocument } from './serialize';

export type Change = 'added' | 'removed' | 'changed';

export interface ObjectChange {
  /** `group/Kind namespace/name`. */
  readonly id: string;
  readonly change: Change;
  /** Unified diff of the object's YAML (the whole object for an added or removed one). */
  readonly patch: string;
}

export interface FileChange {
  /** Path relative to its rendered folder. */
  readonly path: string;
  readonly change: Change;
  /** Unified diff of the file's text, when no object change accounts for it (order, layout, kustomization.yaml). */
  readonly patch?: string;
}

/** The changes in one rendered folder: the output folder (`dir` '') or an environment's. */
export interface FolderChanges {
  readonly dir: string;
  readonly objects: readonly ObjectChange[];
  readonly files: readonly FileChange[];
  /** Changes that would break `kubectl apply` or peers on a live cluster (immutable fields, renamed Services). */
  readonly upgradeRisks: readonly Breakage[];
}

export interface FolderDiff {
  /** The compared folder, as given. */
  readonly folder: string;
  /** Every rendered folder before or after, sorted; those without changes too. */
  readonly folders: readonly FolderChanges[];
}

/** A folder a render fills: its path under the output folder and its files (relative to it). */
export interface RenderedFiles {
  readonly dir: string;
  readonly files: readonly OutputFile[];
}

interface ObjectLike {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

/** Identity of an object as `kubectl apply` sees it: group, kind, namespace, name (not the version). */
export function objectId(o: ObjectLike): string {
  const group = (o.apiVersion ?? '').includes('/') ? (o.apiVersion ?? '').split('/')[0] : 'core';
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${group}/${o.kind} ${ns}${o.metadata?.name}`;
}

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The Kubernetes objects of some files (a kustomization.yaml is not applied: not an object). */
function objectsOf(files: ReadonlyMap<string, string>): Map<string, unknown> {
  const objects = new Map<string, unknown>();
  for (const content of files.values()) {
    for (const doc of parseAllDocuments(content)) {
      const o = doc.toJS({ maxAliasCount: 100 }) as ObjectLike | null;
      if (!o || typeof o !== 'object' || !o.kind || (o.apiVersion ?? '').startsWith('kustomize.config.k8s.io/')) continue;
      objects.set(objectId(o), o);
    }
  }
  return objects;
}

/**
 * The layout of a rendered folder: the one its record names, else per-resource when it holds a
 * kustomization.yaml, else single (also for a folder not rendered yet).
 */
export function detectLayout(folder: string): OutputLayout {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return 'single';
  const recorded = readRecord(folder)?.layout;
  if (recorded) return recorded;
  return existsSync(join(folder, 'kustomization.yaml')) ? 'per-resource' : 'single';
}

/**
 * The files of an existing output folder by the rendered folder they belong to: the deepest folder
 * holding a record (the output folder itself when none does).
 */
function existingFolders(folder: string): Map<string, Map<string, string>> {
  const groups = new Map<string, Map<string, string>>();
  const walk = (dir: string, rel: string, owner: string) => {
    const own = rel === '' || readRecord(dir) ? rel : owner;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path, relPath, own);
      else if (entry.isFile() && entry.name !== RECORD_FILE && /\.ya?ml$/.test(entry.name)) {
        if (!groups.has(own)) groups.set(own, new Map());
        (groups.get(own) as Map<string, string>).set(own === '' ? relPath : relPath.slice(own.length + 1), readFileSync(path, 'utf8'));
      }
    }
  };
  const st = lstatSync(folder, { throwIfNoEntry: false });
  if (st === undefined) return groups;
  if (!statSync(folder).isDirectory()) throw new OutputError(`diff compares with a rendered folder; ${folder} is a file`);
  walk(folder, '', '');
  return groups;
}

function patch(label: string, before: string, after: string): string {
  return createTwoFilesPatch(`${label} (current)`, `${label} (rendered)`, before, after, undefined, undefined, { context: 3 }).replace(/^=+\n/, '');
}

function compare(dir: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FolderChanges {
  const prefix = dir === '' ? '' : `${dir}/`;
  const oldObjects = objectsOf(before);
  const newObjects = objectsOf(after);
  const objects: ObjectChange[] = [];
  for (const id of [...new Set([...oldObjects.keys(), ...newObjects.keys()])].sort(byString)) {
    const a = oldObjects.has(id) ? toYamlDocument(oldObjects.get(id)) : '';
    const b = newObjects.has(id) ? toYamlDocument(newObjects.get(id)) : '';
    const change: Change | undefined = !oldObjects.has(id) ? 'added' : !newObjects.has(id) ? 'removed' : a !== b ? 'changed' : undefined;
    if (change) objects.push({ id, change, patch: patch(`${prefix}${id}`, a, b) });
  }
  const changedIds = new Set(objects.map((o) => o.id));
  const files: FileChange[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort(byString)) {
    const a = before.get(path);
    const b = after.get(path);
    if (a === b) continue;
    const change: Change = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
    // The file's text is shown unless a change of an object in it already shows what changed
    // (order, an object moved between files, kustomization.yaml: only the text shows those).
    const ids = [...objectsOf(new Map([['a', a ?? ''], ['b', b ?? '']])).keys()];
    const explained = ids.some((id) => changedIds.has(id));
    files.push({ path, change, ...(explained ? {} : { patch: patch(`${prefix}${path}`, a ?? '', b ?? '') }) });
  }
  const upgradeRisks = compareContracts(extractContract([...oldObjects.values()]), extractContract([...newObjects.values()]));
  return { dir, objects, files, upgradeRisks };
}

/** What writing the rendered folders into `folder` would change, folder by folder. */
export function diffFolder(folder: string, rendered: readonly RenderedFiles[]): FolderDiff {
  const before = existingFolders(folder);
  const after = new Map(rendered.map((r) => [r.dir, new Map(r.files.map((f) => [f.path, f.content]))]));
  const dirs = [...new Set([...before.keys(), ...after.keys()])].sort(byString);
  return { folder, folders: dirs.map((dir) => compare(dir, before.get(dir) ?? new Map(), after.get(dir) ?? new Map())) };
}

export function hasChanges(diff: FolderDiff): boolean {
  return diff.folders.some((f) => f.objects.length > 0 || f.files.length > 0);
}

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

function counts(objects: readonly ObjectChange[], files: readonly FileChange[] = []): string {
  const text = (['added', 'changed', 'removed'] as const).map((k) => `${objects.filter((c) => c.change === k).length} ${k}`).join(', ');
  const textOnly = files.filter((f) => f.patch !== undefined).length;
  return textOnly > 0 ? `${text}, ${textOnly} ${textOnly === 1 ? 'file' : 'files'} changed in text only` : text;
}

/** Human-readable report: per rendered folder, one line per change, then the changes themselves. */
export function formatDiff(diff: FolderDiff): string {
  if (!hasChanges(diff)) return 'no changes\n';
  const out: string[] = [];
  const several = diff.folders.length > 1 || diff.folders.some((f) => f.dir !== '');
  for (const f of diff.folders) {
    const where = f.dir === '' ? diff.folder : join(diff.folder, f.dir);
    const changed = f.objects.length > 0 || f.files.length > 0;
    if (!changed) {
      if (several) out.push(`=== ${f.dir || '(output folder)'}: no changes (${where})`, '');
      continue;
    }
    if (several) out.push(`=== ${f.dir || '(output folder)'}: ${counts(f.objects, f.files)} (${where})`);
    out.push(...f.objects.map((c) => `${SIGN[c.change]} ${c.change.padEnd(7)} ${c.id}`));
    // A file whose objects' changes are listed is not listed again.
    out.push(...f.files.filter((c) => c.patch !== undefined || c.change !== 'changed').map((c) => `${SIGN[c.change]} file ${c.change.padEnd(7)} ${c.path}`));
    out.push('');
    for (const c of f.objects) out.push(c.patch);
    for (const c of f.files) if (c.patch) out.push(c.patch);
    if (f.upgradeRisks.length > 0) {
      out.push('Upgrade risks (kubectl apply on a live cluster):', ...f.upgradeRisks.map((r) => `! ${r.id}: ${r.message}`), '');
    }
  }
  const all = counts(diff.folders.flatMap((f) => f.objects), diff.folders.flatMap((f) => f.files));
  out.push(several ? `total: ${all}` : all, '');
  return out.join('\n');
}
