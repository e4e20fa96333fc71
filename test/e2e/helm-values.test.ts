/**
 * Helm's values semantics, proven against real Helm (v3.22.0, built from its Go module: e2e/peers/helm).
 * A probe chart with an empty values.yaml and one template printing `.Values | toJson` is rendered by
 * `helm template` with the same values files and `--set`, `--set-string`, `--set-json`, `--set-file`,
 * `--set-literal` flags as our loader gets (lib/values/load.ts `loadValues`: the merged user values,
 * before our schema's defaults and checks). For every case Helm accepts, our values must equal
 * Helm's, or our loader must refuse it for one of the reasons listed in STRICTER (each also in the
 * README's "Helm compatibility" section). Nulls compare as absent (see helm-values.ts `canonical`).
 */
import { mkdtempSync, rmSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import { check } from '../properties/fc-settings';
import { NUMBER_FORMS } from '../rendering/yaml-readers';
import { RECORDED } from '../values/helm-recorded';
import { CORPUS, stricter, STRICTER } from './helm-values-corpus';
import { HELM_BINARY, helmValues, ourValues, Outcome, ValuesCase, writeProbeChart } from './helm-values';
import { peerBinary } from './peers';
import { e2eTempDir } from './processes';
import { peersBuilt } from './suite';

const HELM = HELM_BINARY;
const SUITE = 'Helm values semantics (helm template)';

/** Compares one case; returns a description of a difference, or undefined when Helm and we agree. */
function compare(helm: string, chart: string, root: string, name: string, c: ValuesCase): { difference?: string; helm: Outcome; ours: Outcome } {
  const dir = mkdtempSync(join(root, 'case-'));
  const theirs = helmValues(helm, chart, c, join(dir, 'helm'));
  const ours = ourValues(c, join(dir, 'ours'));
  rmSync(dir, { recursive: true, force: true });
  let difference: string | undefined;
  if (theirs.ok && ours.ok && theirs.json !== ours.json) difference = `${name}: Helm ${theirs.json}\n   ours ${ours.json}`;
  if (theirs.ok && !ours.ok && !stricter(ours.error)) difference = `${name}: Helm accepts it (${theirs.json}); we refuse: ${ours.error}`;
  return { difference, helm: theirs, ours };
}

if (peersBuilt(SUITE, [HELM])) {
  const helm = peerBinary(HELM)!;
  let root: string;
  let chart: string;
  beforeAll(() => {
    root = e2eTempDir('helm-values');
    chart = join(root, 'probe');
    writeProbeChart(chart);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  describe(SUITE, () => {
    test(`the corpus (${Object.keys(CORPUS).length} cases): our merged values equal Helm's wherever Helm accepts a case`, () => {
      const differences: string[] = [];
      const stale: string[] = [];
      let compared = 0;
      let refusedByHelm = 0;
      for (const [name, c] of Object.entries(CORPUS)) {
        const { difference, helm: theirs, ours } = compare(helm, chart, root, name, c);
        if (difference) differences.push(difference);
        // npm test compares our loader with this recording offline: it must be what Helm prints.
        if (JSON.stringify(RECORDED[name]) !== JSON.stringify(theirs.ok ? theirs : { ok: false })) stale.push(name);
        if (theirs.ok && ours.ok) compared++;
        if (!theirs.ok) refusedByHelm++;
        // A case named "(stricter)" is one Helm accepts and we refuse on purpose; "(Helm refuses)" one it refuses.
        if (name.endsWith('(stricter)')) expect({ name, helmOk: theirs.ok, oursOk: ours.ok }).toEqual({ name, helmOk: true, oursOk: false });
        if (name.endsWith('(Helm refuses)')) expect({ name, helmOk: theirs.ok, oursOk: ours.ok }).toEqual({ name, helmOk: false, oursOk: false });
      }
      console.log(`${SUITE}: corpus ${Object.keys(CORPUS).length} cases, ${compared} compared equal, ${refusedByHelm} refused by Helm`);
      expect(differences).toEqual([]);
      expect({ staleRecordings: stale, hint: 'run ts-node --transpile-only scripts/record-helm-values.ts' }).toEqual({ staleRecordings: [], hint: expect.any(String) });
    }, 240_000);

    test(`number forms (${NUMBER_FORMS.length}: underscores, leading dots, signs, base prefixes, exponents) as values and keys: equal to Helm's`, () => {
      const differences: string[] = [];
      let compared = 0;
      for (const form of NUMBER_FORMS) {
        const { difference, helm: theirs, ours } = compare(helm, chart, root, form, { files: [`v: ${form}\nl: [${form}]\nm:\n  ${form}: x\n`] });
        if (difference) differences.push(difference);
        if (theirs.ok && ours.ok) compared++;
      }
      console.log(`${SUITE}: number forms ${NUMBER_FORMS.length}, ${compared} accepted by both and equal`);
      expect(differences).toEqual([]);
      expect(compared).toBeGreaterThan(NUMBER_FORMS.length * 0.9);
    }, 120_000);

    test('every reason we are stricter than Helm is one Helm accepts', () => {
      for (const s of STRICTER) expect(s.why).toMatch(/Helm/);
    });

    test('random --set expressions and values files: equal to Helm wherever Helm accepts them', () => {
      const key = fc.constantFrom('a', 'b', 'c', 'a.b', 'a.c', 'b.a', 'l', 'm', 'x\\.y', 'k\\=v', 'k\\,w');
      const index = fc.constantFrom('[0]', '[1]', '[2]', '[+1]', '[00]', '');
      const path = fc.tuple(key, index, fc.option(fc.tuple(key, index), { nil: undefined })).map(([k, i, rest]) => `${k}${i}${rest ? `.${rest[0]}${rest[1]}` : ''}`);
      const scalar = fc.oneof(
        fc.constantFrom('true', 'True', 'FALSE', 'null', 'NULL', '0', '-0', '+5', '007', '1e3', '0x10', '9223372036854775807', '9223372036854775808', '1.5', '', ' ', 'x\\,y', 'a=b', '\\', 'on', 'yes'),
        fc.stringMatching(/^[-+0-9a-zA-Z.]{0,6}$/),
      );
      const value = fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }).map((items) => `{${items.join(',')}}`) });
      const assignment = fc.tuple(path, value).map(([p, v]) => `${p}=${v}`);
      const expression = fc.array(assignment, { minLength: 1, maxLength: 4 }).map((a) => a.join(','));
      const yamlScalar = fc.constantFrom('1', 'yes', 'Off', '~', 'null', '010', '0x1F', '1_000', '1e3', '"1"', "'x'", '.5', '-0', '[]', '{}', '[1, 2]', '{b: 1}', '{c: {d: 1}}');
      const file = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'l', 'm', 'a: {b', 'yes'), yamlScalar), { maxLength: 4 }).map((entries) => {
        const seen = new Set<string>();
        return entries
          .filter(([k]) => !seen.has(k) && seen.add(k))
          .map(([k, v]) => (k === 'a: {b' ? `a: {b: ${v}}` : `${k}: ${v}`))
          .join('\n');
      });
      const flags = fc.record({
        files: fc.array(file, { maxLength: 3 }),
        set: fc.array(expression, { maxLength: 2 }),
        setString: fc.array(expression, { maxLength: 1 }),
        setJson: fc.array(fc.tuple(path, fc.constantFrom('1', '"s"', '[1,{"b":2}]', '{"b":{"c":null}}', 'null', '', 'true', '-0', '12345678901234567890')).map(([p, v]) => `${p}=${v}`), { maxLength: 1 }),
        setLiteral: fc.array(fc.tuple(path, scalar).map(([p, v]) => `${p}=${v}`), { maxLength: 1 }),
      });
      let compared = 0;
      let cases = 0;
      check(
        fc.property(flags, (c) => {
          cases++;
          const { difference, helm: theirs, ours } = compare(helm, chart, root, JSON.stringify(c), c);
          if (theirs.ok && ours.ok) compared++;
          if (difference) throw new Error(difference);
        }),
        150,
      );
      console.log(`${SUITE}: property ${cases} cases, ${compared} accepted by both and equal`);
    }, 300_000);
  });
}
