/**
 * Checks the API server applies to every object beyond its OpenAPI schema: the name, the
 * namespace against the kind's scope, and the syntax of label keys and values.
 */
import { Violation, formatPath } from './errors';
import {
  DNS1035_LABEL as DNS1035_LABEL_RE,
  DNS1123_LABEL as DNS1123_LABEL_RE,
  DNS1123_SUBDOMAIN as DNS1123_SUBDOMAIN_RE,
  QUALIFIED_NAME as LABEL_NAME_RE,
} from '../conventions/patterns';

/** Kinds whose names are path segments (ValidatePathSegmentName), e.g. `system:metrics-reader`. */
const PATH_SEGMENT_NAME_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nameProblem(apiVersion: string, kind: string, name: string): string | undefined {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (group === 'rbac.authorization.k8s.io' && PATH_SEGMENT_NAME_KINDS.has(kind)) {
    if (name === '.' || name === '..') return `may not be "${name}"`;
    if (/[/%]/.test(name)) return 'may not contain "/" or "%"';
    return undefined;
  }
  if (group === '' && kind === 'Namespace') {
    return dns1123Label(name);
  }
  if (group === '' && kind === 'Service') {
    if (name.length > 63) return `must be no more than 63 characters (got ${name.length})`;
    if (!DNS1035_LABEL_RE.test(name)) {
      return 'must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit';
    }
    return undefined;
  }
  return dns1123Subdomain(name);
}

function dns1123Label(s: string): string | undefined {
  if (s.length > 63) return `must be no more than 63 characters (got ${s.length})`;
  if (!DNS1123_LABEL_RE.test(s)) {
    return 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
  }
  return undefined;
}

function dns1123Subdomain(s: string): string | undefined {
  if (s.length > 253) return `must be no more than 253 characters (got ${s.length})`;
  if (!DNS1123_SUBDOMAIN_RE.test(s)) {
    return 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    const p = dns1123Subdomain(prefix);
    if (p) return `key prefix ${p}`;
  }
  if (name.length === 0) return 'key name part must not be empty';
  if (name.length > 63) return `key name part must be no more than 63 characters (got ${name.length})`;
  if (!LABEL_NAME_RE.test(name)) {
    return 'key name part must consist of alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
  }
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  if (value.length > 63) return `must be no more than 63 characters (got ${value.length})`;
  if (value !== '' && !LABEL_NAME_RE.test(value)) {
    return 'must be empty or consist of alphanumerics, "-", "_" or ".", starting and ending with an alphanumeric';
  }
  return undefined;
}

/** Name, namespace and label checks. `namespaced` undefined = scope unknown (namespace not checked). */
export function checkObjectMeta(
  obj: Record<string, unknown>,
  apiVersion: string,
  kind: string,
  namespaced: boolean | undefined,
): Violation[] {
  const out: Violation[] = [];
  const meta = obj.metadata;
  if (!isRecord(meta)) return out; // the schema reports a missing or mistyped metadata

  const name = meta.name;
  if (name === undefined) {
    out.push({ path: 'metadata.name', message: 'required field is missing' });
  } else if (typeof name === 'string') {
    const problem = name === '' ? 'must not be empty' : nameProblem(apiVersion, kind, name);
    if (problem) out.push({ path: 'metadata.name', message: `${problem} (got ${JSON.stringify(name)})` });
  }

  const ns = meta.namespace;
  if (ns !== undefined && namespaced === false) {
    out.push({
      path: 'metadata.namespace',
      message: `must be absent: ${kind} is cluster-scoped (got ${JSON.stringify(ns)})`,
    });
  } else if (typeof ns === 'string') {
    const problem = ns === '' ? 'must not be empty (omit it instead)' : dns1123Label(ns);
    if (problem) out.push({ path: 'metadata.namespace', message: `${problem} (got ${JSON.stringify(ns)})` });
  }

  if (isRecord(meta.labels)) {
    for (const [key, value] of Object.entries(meta.labels)) {
      const path = formatPath(['metadata', 'labels', key]);
      const kp = labelKeyProblem(key);
      if (kp) out.push({ path, message: `invalid label ${kp}` });
      if (typeof value === 'string') {
        const vp = labelValueProblem(value);
        if (vp) out.push({ path, message: `label value ${vp} (got ${JSON.stringify(value)})` });
      }
    }
  }
  if (isRecord(meta.annotations)) {
    for (const key of Object.keys(meta.annotations)) {
      const kp = labelKeyProblem(key);
      if (kp) out.push({ path: formatPath(['metadata', 'annotations', key]), message: `invalid annotation ${kp}` });
    }
  }

  if (apiVersion === 'apiextensions.k8s.io/v1' && kind === 'CustomResourceDefinition' && typeof name === 'string') {
    const spec = obj.spec;
    if (isRecord(spec) && isRecord(spec.names) && typeof spec.names.plural === 'string' && typeof spec.group === 'string') {
      const expected = `${spec.names.plural}.${spec.group}`;
      if (name !== expected) {
        out.push({ path: 'metadata.name', message: `must be "<spec.names.plural>.<spec.group>" = ${JSON.stringify(expected)} (got ${JSON.stringify(name)})` });
      }
    }
  }
  return out;
}
