import { LintError } from '../errors';
import { readYamlFolder } from '../yaml-folder';
import { parseAllDocuments } from 'yaml';
import {
  checkDisruptionBudgets,
  checkNetworkPolicies,
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

export { LintError };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

/** The mappings of a list (hand-edited YAML may hold anything there; the schema check reports it). */
function objectsIn(x: unknown): Obj[] {
  return Array.isArray(x) ? x.filter((v) => typeof v === 'object' && v !== null) : [];
}

/** Every rule expression of every PrometheusRule parses with the Prometheus grammar (and passes codemirror-promql's analysis when installed). */
export function checkPromQL(objects: readonly Obj[]): Finding[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { validatePromQL } = require('../promql/validate') as typeof import('../promql/validate');
  const findings: Finding[] = [];
  for (const o of objects.filter((x) => x.kind === 'PrometheusRule')) {
    for (const group of objectsIn(o.spec?.groups)) {
      for (const rule of objectsIn(group.rules)) {
        const errors = validatePromQL(String(rule.expr ?? ''), { analysis: 'if-installed' });
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
  const { validateManifest } = require('../schema/schema-validation') as typeof import('../schema/schema-validation');
  return objects.flatMap((o) => validateManifest(o).map((v) => ({ check: 'schema', object: objectLabel(o), message: `${v.path ? `${v.path}: ` : ''}${v.message}` })));
}

const CHECKS: readonly [string, (objects: readonly Obj[]) => Finding[]][] = [
  ['schema', checkSchemas],
  ['unique', checkUnique],
  ['workload-selector', checkWorkloadSelectors],
  ['service-selector', checkServices],
  ['servicemonitor-selector', checkServiceMonitors],
  ['pod-security', checkPodSecurity],
  ['rbac-wildcard', checkRbac],
  ['no-secrets', checkNoSecrets],
  ['network-policy', checkNetworkPolicies],
  ['disruption-budget', checkDisruptionBudgets],
  ['promql', checkPromQL],
];

/** Every check of the toolkit over a set of manifests. A check that trips over malformed input reports that instead of aborting the others. */
export function lintManifests(objects: readonly Obj[]): Finding[] {
  return CHECKS.flatMap(([name, check]) => {
    try {
      return check(objects);
    } catch (e) {
      return [{ check: name, object: '-', message: `could not run on these objects (${(e as Error).message}); fix the schema problems first` }];
    }
  });
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
      let o: Obj;
      try {
        o = doc.toJS({ maxAliasCount: 100 });
      } catch (e) {
        findings.push({ check: 'yaml', object: path, message: `${(e as Error).message.split('\n')[0]} (alias expansion is limited to 100)` });
        continue;
      }
      try {
        JSON.stringify(o);
      } catch {
        findings.push({ check: 'yaml', object: path, message: 'an alias refers to a node that contains it (a cycle)' });
        continue;
      }
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
