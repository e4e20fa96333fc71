import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';
import { createTwoFilesPatch } from 'diff';
import { parseAllDocuments } from 'yaml';
import { Breakage, compareContracts, extractContract } from '../gitops/contract';
import { OutputFile } from './layout';
import { toYamlDocument } from './serialize';

export interface ObjectChange {
  /** `group/Kind namespace/name`. */
  readonly id: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Unified diff of the object's YAML, for `changed`. */
  readonly patch?: string;
}

export interface FolderDiff {
  readonly objects: readonly ObjectChange[];
  /** Files added or removed (objects can move between files without changing). */
  readonly addedFiles: readonly string[];
  readonly removedFiles: readonly string[];
  readonly changedFiles: readonly string[];
  /** Changes that would break `kubectl apply` or peers on a live cluster (immutable fields, renamed Services). */
  readonly upgradeRisks: readonly Breakage[];
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

function objectsOf(files: ReadonlyMap<string, string>): Map<string, unknown> {
  const objects = new Map<string, unknown>();
  for (const [path, content] of files) {
    if (path.endsWith('kustomization.yaml')) continue;
    for (const doc of parseAllDocuments(content)) {
      const o = doc.toJS({ maxAliasCount: 100 }) as ObjectLike | null;
      if (o && typeof o === 'object' && o.kind) objects.set(objectId(o), o);
    }
  }
  return objects;
}

/** The YAML files of a folder (recursively), by relative path; empty when it does not exist. */
export function readYamlFolder(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(folder)) return files;
  if (!statSync(folder).isDirectory()) throw new Error(`${folder} is not a folder`);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) files.set(relative(folder, path), readFileSync(path, 'utf8'));
    }
  };
  walk(folder);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What writing `files` into `folder` would change, object by object. */
export function diffFolder(folder: string, files: readonly OutputFile[]): FolderDiff {
  const before = readYamlFolder(folder);
  const after = new Map(files.map((f) => [f.path, f.content]));
  const oldObjects = objectsOf(before);
  const newObjects = objectsOf(after);
  const objects: ObjectChange[] = [];
  for (const [id, o] of newObjects) {
    const old = oldObjects.get(id);
    if (old === undefined) {
      objects.push({ id, change: 'added' });
    } else {
      const a = toYamlDocument(old);
      const b = toYamlDocument(o);
      if (a !== b) objects.push({ id, change: 'changed', patch: createTwoFilesPatch(id, id, a, b, 'current', 'rendered', { context: 3 }) });
    }
  }
  for (const id of oldObjects.keys()) if (!newObjects.has(id)) objects.push({ id, change: 'removed' });
  objects.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return {
    objects,
    addedFiles: [...after.keys()].filter((p) => !before.has(p)),
    removedFiles: [...before.keys()].filter((p) => !after.has(p)),
    changedFiles: [...after.keys()].filter((p) => before.has(p) && before.get(p) !== after.get(p)),
    upgradeRisks: compareContracts(extractContract([...oldObjects.values()]), extractContract([...newObjects.values()])),
  };
}

export function hasChanges(diff: FolderDiff): boolean {
  return diff.objects.length > 0 || diff.addedFiles.length > 0 || diff.removedFiles.length > 0 || diff.changedFiles.length > 0;
}

/** Human-readable report: one line per object change, then the patches. */
export function formatDiff(diff: FolderDiff): string {
  if (!hasChanges(diff)) return 'no changes\n';
  const sign = { added: '+', removed: '-', changed: '~' } as const;
  const lines = diff.objects.map((c) => `${sign[c.change]} ${c.change.padEnd(7)} ${c.id}`);
  const fileLines = [
    ...diff.addedFiles.map((f) => `+ file ${f}`),
    ...diff.removedFiles.map((f) => `- file ${f}`),
  ];
  const patches = diff.objects.filter((c) => c.patch).map((c) => c.patch as string);
  const risks = diff.upgradeRisks.length > 0 ? ['Upgrade risks (kubectl apply on a live cluster):', ...diff.upgradeRisks.map((r) => `! ${r.id}: ${r.message}`), ''] : [];
  const counts = (['added', 'changed', 'removed'] as const).map((k) => `${diff.objects.filter((c) => c.change === k).length} ${k}`).join(', ');
  return [...lines, ...fileLines, '', ...patches, ...risks, `${counts}`, ''].join('\n');
}
