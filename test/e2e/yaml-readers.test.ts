/**
 * Every render read by the real consumer: kubectl's YAML reader (k8s.io/apimachinery's YAMLReader
 * and sigs.k8s.io/yaml.YAMLToJSON, go-yaml v2 with YAML 1.1 rules; the Go peer e2e/peers/yaml,
 * binary k8s-yaml-json) must read the same JSON as our own reader (`yaml`), object for object:
 * every example and environment in both layouts, and property-test renders with YAML 1.1 trap
 * words and random text in every free-text value. The binary runs once per batch of files.
 *
 * Also checked against the binary: the offline port of go-yaml v2's scalar resolution
 * (test/rendering/yaml-readers.ts) and the emitter on single strings.
 */
import { execFileSync } from 'child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { PACKAGE_ROOT } from '../../lib/paths';
import { renderEnvironments } from '../../lib/rendering/environments';
import type { OutputLayout } from '../../lib/rendering/layout';
import { renderRelease } from '../../lib/rendering/render';
import { toYamlStream } from '../../lib/rendering/serialize';
import { isValidLabelKey, isValidLabelValue } from '../../lib/values/common';
import type { ValuesInput } from '../../lib/values/schema';
import * as arb from '../properties/arbitraries';
import { runs, SEED } from '../properties/fc-settings';
import { goYamlV2Plain, NOT_JSON, NUMBER_FORMS, PLAIN, TRAPS } from '../rendering/yaml-readers';
import { peerBinary } from './peers';
import { e2eTempDir } from './processes';

const BINARY = 'k8s-yaml-json';

const bin = peerBinary(BINARY);
const SKIP = `${BINARY} is not built: run \`npm run e2e:build\` (or \`go build -trimpath -o ../../../.cache/e2e/bin/${BINARY} .\` in e2e/peers/yaml)`;
if (!bin) console.warn(`YAML readers e2e suite skipped: ${SKIP}`);

type GoDocument = { json?: unknown; error?: string };
type GoFile = GoDocument[] | { error: string };

/** Writes the files under a fresh temporary folder and reads all of them with one run of the binary. */
function readWithGo(files: readonly { path: string; content: string }[]): Map<string, GoFile> {
  const dir = e2eTempDir('yaml-readers');
  try {
    const paths = files.map((f, i) => {
      const p = join(dir, String(i), f.path);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.content);
      return p;
    });
    const out = execFileSync(bin!, ['-'], { input: paths.join('\n'), maxBuffer: 1 << 30, encoding: 'utf8' });
    const byPath = JSON.parse(out) as Record<string, GoFile>;
    return new Map(files.map((f, i) => [f.path, byPath[paths[i]]]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Our reader: every non-empty document of the text, as JSON data. */
function readWithYaml(content: string): unknown[] {
  return parseAllDocuments(content)
    .map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as unknown;
    })
    .filter((o) => o !== null && o !== undefined);
}

/** Go must read every file without an error and exactly as our reader does. */
function expectSameReading(files: readonly { path: string; content: string }[]): void {
  const go = readWithGo(files);
  for (const f of files) {
    const read = go.get(f.path)!;
    if (!Array.isArray(read)) throw new Error(`${f.path}: ${read.error}`);
    const failed = read.filter((d) => d.error !== undefined);
    expect({ file: f.path, errors: failed.map((d) => d.error) }).toEqual({ file: f.path, errors: [] });
    expect({ file: f.path, objects: read.map((d) => d.json) }).toEqual({ file: f.path, objects: readWithYaml(f.content) });
  }
}

/** JSON with sorted keys (Go writes map keys sorted). */
function canonical(x: unknown): string {
  return JSON.stringify(x, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** Rendering dozens of releases takes a while on a busy machine. */
const SLOW = 300_000;

const LAYOUTS: OutputLayout[] = ['single', 'per-resource'];
const EXAMPLES = join(PACKAGE_ROOT, 'examples');

// --- property-test values with YAML 1.1 traps in every free-text value ---

/** Free text: the trap words and number forms, the look-alikes, and random text. */
const freeText = fc.oneof(fc.constantFrom(...TRAPS), fc.constantFrom(...PLAIN), fc.string({ maxLength: 20, unit: 'grapheme' }), fc.string({ maxLength: 12 }));
const trapLabelKey = fc.oneof(fc.constantFrom(...TRAPS, ...PLAIN).filter(isValidLabelKey), arb.labelKey);
const trapLabelValue = fc.oneof(fc.constantFrom(...TRAPS, ...PLAIN).filter(isValidLabelValue), arb.labelValue);
const trapLabels = fc.dictionary(trapLabelKey, trapLabelValue, { maxKeys: 4, noNullPrototype: true });
const trapAnnotations = fc.dictionary(trapLabelKey, freeText, { maxKeys: 4, noNullPrototype: true });
const trapEnv = fc.array(freeText, { maxLength: 4 }).map((vs) => vs.map((value, i) => ({ name: `TRAP_${i}`, value })));
const trapArgs = fc.array(freeText, { maxLength: 3 }).map((vs) => vs.map((v, i) => `--trap-${i}=${v}`));

type Obj = Record<string, any>;

const trappedValues = fc
  .tuple(
    arb.values({ maxProviders: 3 }),
    fc.record({
      labels: trapLabels,
      namespaceLabels: trapLabels,
      annotations: trapAnnotations,
      crdAnnotations: trapAnnotations,
      podLabels: trapLabels,
      podAnnotations: trapAnnotations,
      nodeSelector: trapLabels,
      env: trapEnv,
      args: trapArgs,
      saAnnotations: trapAnnotations,
    }),
  )
  .map(([values, t]) => {
    const v = values as Obj;
    const manager = (v.manager ?? {}) as Obj;
    return {
      ...v,
      commonLabels: { ...v.commonLabels, ...t.labels },
      namespaceLabels: { ...v.namespaceLabels, ...t.namespaceLabels },
      commonAnnotations: { ...v.commonAnnotations, ...t.annotations },
      crds: { ...v.crds, annotations: { ...v.crds?.annotations, ...t.crdAnnotations } },
      manager: {
        ...manager,
        extraArgs: [...(manager.extraArgs ?? []), ...t.args],
        env: [...(manager.env ?? []), ...t.env],
        nodeSelector: { ...manager.nodeSelector, ...t.nodeSelector },
        podLabels: { ...manager.podLabels, ...t.podLabels },
        podAnnotations: { ...manager.podAnnotations, ...t.podAnnotations },
        serviceAccount: { ...manager.serviceAccount, annotations: { ...manager.serviceAccount?.annotations, ...t.saAnnotations } },
      },
      providers: (v.providers ?? []).map((p: Obj) => ({
        ...p,
        env: [...(p.env ?? []), ...t.env],
        nodeSelector: { ...p.nodeSelector, ...t.nodeSelector },
        ...(p.podAnnotations ? { podAnnotations: { ...p.podAnnotations, ...t.podAnnotations } } : {}),
      })),
    } as ValuesInput;
  });

(bin ? describe : describe.skip)(`kubectl's YAML reader (Go ${BINARY}) reads every render as we do`, () => {
  test('every example, in both layouts', () => {
    const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    const files = [undefined, ...examples].flatMap((example) =>
      LAYOUTS.flatMap((layout) =>
        renderRelease({ valuesFiles: example ? [join(EXAMPLES, example)] : [], layout }).files.map((f) => ({ path: `${example ?? 'default'}/${layout}/${f.path}`, content: f.content })),
      ),
    );
    expectSameReading(files);
  }, SLOW);

  test('every environment, in both layouts', () => {
    const files = LAYOUTS.flatMap((layout) => renderEnvironments(join(EXAMPLES, 'environments'), { layout }).files.map((f) => ({ path: `${layout}/${f.path}`, content: f.content })));
    expect(new Set(files.map((f) => f.path.split('/')[1])).size).toBeGreaterThanOrEqual(3);
    expectSameReading(files);
  }, SLOW);

  test('property-test renders with YAML 1.1 trap words and random text in every free-text value', () => {
    const samples = fc.sample(fc.tuple(trappedValues, fc.constantFrom(...LAYOUTS)), { seed: SEED, numRuns: runs(40) });
    const files = samples.flatMap(([values, layout], i) => {
      let rendered;
      try {
        rendered = renderRelease({ base: values as Record<string, unknown>, layout });
      } catch (e) {
        throw new Error(`sample ${i} (FC_SEED=${SEED}) does not render: ${(e as Error).message}\n${JSON.stringify(values)}`);
      }
      return rendered.files.map((f) => ({ path: `sample-${i}/${f.path}`, content: f.content }));
    });
    // the traps reach the output: free text from the values, quoted
    const all = files.map((f) => f.content).join('\n');
    for (const w of ['on', 'Off', 'y', '0x1F', '1_000']) expect(all).toMatch(new RegExp(`(["'])${w}\\1`));
    expectSameReading(files);
  }, SLOW);

  /**
   * Plain scalars for the port: the traps, the look-alikes, the number forms, random strings of
   * the characters that matter and random numbers with underscores, dots, signs and prefixes.
   */
  function plainCandidates(): string[] {
    const chars = fc.constantFrom(...'-+._0123456789abefxoEBXOyYnNtTlu:~<T Z'.split(''));
    const random = fc.sample(fc.array(chars, { minLength: 1, maxLength: 10 }).map((a) => a.join('')), { seed: SEED, numRuns: runs(3000) });
    const numberChars = fc.constantFrom(...'-+._0158eExXoObBpa'.split(''));
    const numbers = fc.sample(fc.array(numberChars, { minLength: 1, maxLength: 8 }).map((a) => a.join('')), { seed: SEED, numRuns: runs(3000) });
    return [...new Set([...TRAPS, ...PLAIN, ...NUMBER_FORMS, ...random, ...numbers])].filter((s) => {
      // only what a plain scalar can hold: read as one string by a schema without types
      const docs = parseAllDocuments(`- ${s}\n`, { schema: 'failsafe' });
      return docs.length === 1 && docs[0].errors.length === 0 && JSON.stringify(docs[0].toJS()) === JSON.stringify([s]);
    });
  }

  test("the offline port of go-yaml v2's scalar resolution reads plain scalars as Go does", () => {
    const candidates = plainCandidates();
    expect(candidates.length).toBeGreaterThan(1000);
    const go = readWithGo([{ path: 'plain.yaml', content: candidates.map((s) => `- ${s}\n`).join('---\n') }]).get('plain.yaml') as GoDocument[];
    expect(go.length).toBe(candidates.length);
    const mismatches = candidates.flatMap((s, i) => {
      const port = goYamlV2Plain(s);
      const real = go[i].error !== undefined ? NOT_JSON : (go[i].json as unknown[])[0];
      return Object.is(port, real) || JSON.stringify(port) === JSON.stringify(real) ? [] : [{ s, port: String(port), go: go[i] }];
    });
    expect(mismatches).toEqual([]);
  }, SLOW);

  test('the emitter writes single strings that Go reads back unchanged, as keys, values and items', () => {
    const random = fc.sample(fc.oneof(fc.string({ maxLength: 12, unit: 'binary' }), fc.string({ maxLength: 12, unit: 'grapheme' }), fc.string()), { seed: SEED, numRuns: runs(2000) });
    const strings = [...new Set([...plainCandidates(), ...random, '\u0085', 'a\u2028b', '\ufeffk', 'x\u007f', '\ufffe'])].filter((s) => !/[\uD800-\uDFFF]/u.test(s)); // a file holds no lone surrogate
    const values = strings.map((s) => ({ k: s, [s]: s, l: [s, { [s]: [s] }] }));
    const go = readWithGo([{ path: 'strings.yaml', content: toYamlStream(values) }]).get('strings.yaml') as GoDocument[];
    expect(go.length).toBe(values.length);
    const mismatches = values.flatMap((v, i) => (go[i].error === undefined && canonical(go[i].json) === canonical(v) ? [] : [{ value: v, go: go[i] }]));
    expect(mismatches).toEqual([]);
  }, SLOW);
});

if (!bin) {
  describe('YAML readers e2e suite', () => {
    test.skip(SKIP, () => undefined);
  });
}
