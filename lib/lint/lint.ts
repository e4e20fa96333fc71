import { readYamlFolder } from '../rendering/diff';
import { parseAllDocuments } from 'yaml';
import {
  checkNoSecrets,
  checkPodSecurity,
  checkRbac,
  checkServiceMonitors,
  checkServices,
  checkUnique,
  checkWorkloadSelectors,
  Finding,
  objectLabel,
} from './checks';

export interface LintReport {
  readonly files: number;
  readonly objects: number;
  readonly findings: readonly Finding[];
}

export class LintError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LintError';
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

/** Every rule expression of every PrometheusRule parses with the Prometheus grammar. */
export function checkPromQL(objects: readonly Obj[]): Finding[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validatePromQL } = require('../monitoring/promql-validate') as typeof import('../monitoring/promql-validate');
  const findings: Finding[] = [];
  for (const o of objects.filter((x) => x.kind === 'PrometheusRule')) {
    for (const group of o.spec?.groups ?? []) {
      for (const rule of group.rules ?? []) {
        const errors = validatePromQL(String(rule.expr ?? ''), { analysis: true });
        for (const message of errors) {
          findings.push({ check: 'promql', object: objectLabel(o), message: `${group.name}/${rule.alert ?? rule.record}: ${message}` });
        }
      }
    }
  }
  return findings;
}

/** Schema validity (Kubernetes 1.28 or the object's CRD). */
export function checkSchemas(objects: readonly Obj[]): Finding[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validateManifest } = require('../rendering/schema-validation') as typeof import('../rendering/schema-validation');
  return objects.flatMap((o) => validateManifest(o).map((v) => ({ check: 'schema', object: objectLabel(o), message: `${v.path ? `${v.path}: ` : ''}${v.message}` })));
}

/** Every check of the toolkit over a set of manifests. */
export function lintManifests(objects: readonly Obj[]): Finding[] {
  return [
    ...checkSchemas(objects),
    ...checkUnique(objects),
    ...checkWorkloadSelectors(objects),
    ...checkServices(objects),
    ...checkServiceMonitors(objects),
    ...checkPodSecurity(objects),
    ...checkRbac(objects),
    ...checkNoSecrets(objects),
    ...checkPromQL(objects),
  ];
}

/** Lint every YAML file under a folder (for output edited by hand). */
export function lintFolder(folder: string): LintReport {
  let files: Map<string, string>;
  try {
    files = readYamlFolder(folder);
  } catch (e) {
    throw new LintError((e as Error).message);
  }
  if (files.size === 0) throw new LintError(`no YAML files in ${folder}`);
  const objects: Obj[] = [];
  const findings: Finding[] = [];
  for (const [path, content] of files) {
    if (path.endsWith('kustomization.yaml')) continue;
    for (const doc of parseAllDocuments(content, { uniqueKeys: true })) {
      if (doc.errors.length > 0) {
        findings.push({ check: 'yaml', object: path, message: doc.errors[0].message.split('\n')[0] });
        continue;
      }
      const o = doc.toJS({ maxAliasCount: 100 });
      if (o === null || o === undefined) continue;
      if (typeof o !== 'object' || Array.isArray(o) || !o.kind) {
        findings.push({ check: 'yaml', object: path, message: 'a document is not a Kubernetes object' });
        continue;
      }
      objects.push(o);
    }
  }
  findings.push(...lintManifests(objects));
  return { files: files.size, objects: objects.length, findings };
}

export function formatLintReport(report: LintReport): string {
  const lines = report.findings.map((f) => `${f.check}: ${f.object}: ${f.message}`);
  lines.push(`${report.objects} objects in ${report.files} files: ${report.findings.length === 0 ? 'no problems' : `${report.findings.length} problems`}`);
  return lines.join('\n') + '\n';
}
