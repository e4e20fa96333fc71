/**
 * Any `--set` string and any values file, however odd, either renders (exit 0) or is refused with
 * `error:` lines naming the problem (exit 2): never a crash reported as a bug, never a stack
 * trace, never a partly written output. Seeded by fc-settings.ts.
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../../lib/cli/cli';
import { check } from './fc-settings';

function run(argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

/** Exit 0 with a YAML stream, or exit 2 with nothing but `error:` lines (and no stack trace). */
function expectRenderedOrRefused(r: { code: number; stdout: string; stderr: string }): void {
  expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /);
  if (r.code === 0) {
    expect(r.stdout).toMatch(/^apiVersion: /m);
    return;
  }
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.length).toBeGreaterThan(0);
  // The CLI prefixes every problem with `error:`; long messages are never continued without it.
  for (const line of lines) expect(line).toMatch(/^(error: |Run with --help)/);
}

const KEYS = ['manager', 'replicas', 'image', 'tag', 'providers', 'name', 'type', 'env', 'resources', 'limits', 'cpu', 'monitoring', 'rules', 'alerts', 'namespace', 'commonLabels', 'crds', 'install', 'networkPolicies', 'a', 'x.y', '0', ''];
const PIECES = [...KEYS, '.', '..', '[', ']', '[0]', '[1]', '[-1]', '[99999999]', '=', '==', ',', '\\,', '\\.', '\\=', '{', '}', '{a,b}', 'null', 'true', '1', '-1', '1e3', '0x1', '"', "'", ' ', '\t', '\n', 'é', '\u0000', '🙂', '%', '*', '&a', '!!str'];
const setString = fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 10 }).map((p) => p.join(''));
const assignment = fc
  .tuple(fc.array(fc.constantFrom(...KEYS.filter((k) => k !== '')), { minLength: 1, maxLength: 4 }), fc.option(fc.constantFrom('[0]', '[1]', '[2]'), { nil: '' }), setString)
  .map(([path, index, value]) => `${path.join('.')}${index}=${value}`);

const YAML_PIECES = [...KEYS.map((k) => `${k}:`), '\n', '\n  ', '\n    ', '- ', ' ', '{', '}', '[', ']', ',', '&x ', '*x', '<<: *x', '"s"', "'s'", '|', '>', '#c', '---', '...', '~', 'null', '2', '-3', '1.5', 'true', 'vsphere', 'https://vc/sdk', '500m', '1Gi', '!!binary', '? ', 'é', '\t'];
const yamlText = fc.array(fc.constantFrom(...YAML_PIECES), { maxLength: 30 }).map((p) => p.join(''));

describe('any input renders or is refused cleanly', () => {
  test('random --set strings', () => {
    check(
      fc.property(fc.array(fc.oneof(setString, assignment), { minLength: 1, maxLength: 3 }), (sets) => {
        expectRenderedOrRefused(run(['synth', '--output', '-', ...sets.flatMap((s) => ['--set', s])]));
      }),
      300,
    );
  }, 120_000);

  test('random --set-string strings', () => {
    check(
      fc.property(assignment, (s) => {
        expectRenderedOrRefused(run(['synth', '--output', '-', '--set-string', s]));
      }),
      150,
    );
  }, 120_000);

  test('random values files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtrigaud-fuzz-'));
    try {
      check(
        fc.property(yamlText, (text) => {
          const file = join(dir, 'values.yaml');
          writeFileSync(file, text);
          expectRenderedOrRefused(run(['synth', '--output', '-', '-f', file]));
        }),
        200,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  test('a refused render into a folder leaves it as it was', () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtrigaud-fuzz-'));
    try {
      const out = join(dir, 'out');
      expect(run(['synth', '--output', out]).code).toBe(0);
      const before = readdirSync(out).sort();
      check(
        fc.property(assignment, (s) => {
          const r = run(['synth', '--output', out, '--set', s]);
          expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /);
          if (r.code !== 0) expect(readdirSync(out).sort()).toEqual(before);
          expect(readdirSync(dir)).toEqual(['out']); // no temporary folder left behind
        }),
        60,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
