/**
 * Helpers of the Helm values differential test: run real Helm (`helm template` of a probe chart whose
 * only template prints `.Values`) and our loader on the same values files and `--set` family flags,
 * and compare the two as canonical JSON text.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { loadValues } from '../../lib/values/load';

/** One case: values files (their text) and flags, with `{d}` standing for the case's folder in flag texts. */
export interface ValuesCase {
  readonly files?: readonly string[];
  /** Extra files the flags name (`--set-file a={d}/name`), by name. */
  readonly data?: Readonly<Record<string, string>>;
  readonly set?: readonly string[];
  readonly setString?: readonly string[];
  readonly setJson?: readonly string[];
  readonly setFile?: readonly string[];
  readonly setLiteral?: readonly string[];
  /** Standard input; `-` as a file reads it. */
  readonly stdin?: string;
  /** Values files given as `-` (standard input), by their index in `files`. */
  readonly stdinFile?: number;
}

/** Writes the probe chart: an empty values.yaml, one template printing `.Values` as base64 JSON on a comment line. */
export function writeProbeChart(dir: string): void {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: probe\nversion: 0.1.0\n');
  writeFileSync(join(dir, 'values.yaml'), '');
  writeFileSync(join(dir, 'templates', 'values.yaml'), '# {{ .Values | toJson | b64enc }}\n');
}

const sub = (dir: string, texts: readonly string[] | undefined) => (texts ?? []).map((t) => t.split('{d}').join(dir));

/** Writes the case's files into `dir`; returns the values file paths (`-` for the one read from standard input). */
function writeCase(c: ValuesCase, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(c.data ?? {})) writeFileSync(join(dir, name), content);
  return (c.files ?? []).map((content, i) => {
    if (c.stdinFile === i) return '-';
    const path = join(dir, `values-${i}.yaml`);
    writeFileSync(path, content);
    return path;
  });
}

export type Outcome = { ok: true; json: string } | { ok: false; error: string };

/** Helm's `.Values` for the case, as canonical JSON (null map entries dropped: see {@link canonical}). */
export function helmValues(helm: string, chart: string, c: ValuesCase, dir: string): Outcome {
  const files = writeCase(c, dir);
  const stdin = c.stdinFile !== undefined ? c.files![c.stdinFile] : c.stdin;
  const args = [
    'template',
    'probe',
    chart,
    ...files.flatMap((f) => ['-f', f]),
    ...sub(dir, c.set).flatMap((s) => ['--set', s]),
    ...sub(dir, c.setString).flatMap((s) => ['--set-string', s]),
    ...sub(dir, c.setJson).flatMap((s) => ['--set-json', s]),
    ...sub(dir, c.setFile).flatMap((s) => ['--set-file', s]),
    ...sub(dir, c.setLiteral).flatMap((s) => ['--set-literal', s]),
  ];
  const run = spawnSync(helm, args, { input: stdin ?? '', encoding: 'utf8', env: { ...process.env, HELM_CACHE_HOME: join(dir, '.helm'), HELM_CONFIG_HOME: join(dir, '.helm'), HELM_DATA_HOME: join(dir, '.helm') } });
  if (run.status !== 0) return { ok: false, error: (run.stderr || run.stdout).trim().split('\n')[0] };
  const line = run.stdout.split('\n').find((l) => /^# [A-Za-z0-9+/=]+$/.test(l));
  if (!line) throw new Error(`helm printed no values line:\n${run.stdout}`);
  return { ok: true, json: canonical(parseKeepingNumbers(Buffer.from(line.slice(2), 'base64').toString('utf8'))) };
}

/** Our merged values for the case (lib/values/load.ts), as canonical JSON. */
export function ourValues(c: ValuesCase, dir: string): Outcome {
  const files = writeCase(c, dir);
  const stdin = c.stdinFile !== undefined ? c.files![c.stdinFile] : c.stdin;
  try {
    const { values } = loadValues({
      files,
      set: sub(dir, c.set),
      setString: sub(dir, c.setString),
      setJson: sub(dir, c.setJson),
      setFile: sub(dir, c.setFile),
      setLiteral: sub(dir, c.setLiteral),
      stdin: () => Buffer.from(stdin ?? ''),
    });
    return { ok: true, json: canonical(values) };
  } catch (e) {
    return { ok: false, error: (e as Error).message.split('\n')[0] };
  }
}

/** A JSON number kept as the text Go printed. */
class GoNumber {
  constructor(readonly text: string) {}
}

/** JSON.parse, keeping numbers as their text (Helm's 64-bit integers exceed a double). */
export function parseKeepingNumbers(text: string): unknown {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i] ?? '')) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') return i++, out;
      for (;;) {
        ws();
        const key = value() as string;
        ws();
        i++; // :
        Object.defineProperty(out, key, { value: value(), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i++] === '}') return out;
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') return i++, out;
      for (;;) {
        out.push(value());
        ws();
        if (text[i++] === ']') return out;
      }
    }
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i))!;
      i += m[0].length;
      return JSON.parse(m[0]);
    }
    const m = /^(true|false|null|-?[0-9][0-9.eE+-]*)/.exec(text.slice(i))!;
    i += m[0].length;
    return m[0] === 'true' ? true : m[0] === 'false' ? false : m[0] === 'null' ? null : new GoNumber(m[0]);
  };
  return value();
}

/** How Go's encoding/json prints a float64 (shortest digits; exponent below 1e-6 and from 1e21, like JavaScript), -0 included. */
function goNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return String(n);
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * Canonical JSON: keys sorted, numbers as Go prints them, null map entries dropped. Helm keeps a null
 * in `.Values` where the chart has no default (and deletes the default where it has one); we drop it
 * and our schema's default applies: both mean "no value here", so nulls are compared as absent.
 */
export function canonical(value: unknown): string {
  if (value instanceof GoNumber) return value.text;
  if (typeof value === 'number' || typeof value === 'bigint') return goNumber(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== null);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The Helm binary the suite and the recording use (its home: scripts/peers.ts). */
export { HELM_BINARY } from './peers';

/** Helm's outcome for every case, without error texts (they name temporary paths). */
export function recordCorpus(helm: string, root: string, corpus: Readonly<Record<string, ValuesCase>>): Record<string, { ok: true; json: string } | { ok: false }> {
  const chart = join(root, 'probe');
  writeProbeChart(chart);
  const out: Record<string, { ok: true; json: string } | { ok: false }> = {};
  Object.entries(corpus).forEach(([name, c], i) => {
    const outcome = helmValues(helm, chart, c, join(root, `case-${i}`));
    out[name] = outcome.ok ? outcome : { ok: false };
  });
  return out;
}
