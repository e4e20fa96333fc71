/**
 * The hostile-input corpus (test/hostile-inputs/, format in its README.md): every case fails fast
 * with its message and exit code 2, prints no stack trace, and leaves the output folder and the
 * sandbox byte-for-byte as they were.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { runCli } from '../../lib/cli/cli';

const CORPUS = resolve(__dirname, '../hostile-inputs');
const root = mkdtempSync(join(tmpdir(), 'hostile-'));
const sandbox = join(root, 'sandbox');
const workdir = join(sandbox, 'work', 'project');
const out = join(root, 'out');
const originalCwd = process.cwd();
const timings: { name: string; ms: number }[] = [];

/** Every file under a folder with its bytes (as base64), for byte-for-byte comparisons. */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, `${prefix}${entry.name}/`);
      else files[`${prefix}${entry.name}`] = readFileSync(path).toString('base64');
    }
  };
  walk(folder, '');
  return files;
}

function run(argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const start = process.hrtime.bigint();
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

interface Expectation {
  readonly exit: number;
  readonly match: RegExp[];
  readonly noMatch: RegExp[];
}

function readExpected(name: string): Expectation {
  const lines = readFileSync(join(CORPUS, `${name}.expected`), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
  let exit = 2;
  const match: RegExp[] = [];
  const noMatch: RegExp[] = [];
  for (const line of lines) {
    const code = /^exit: (\d+)$/.exec(line);
    if (code) exit = Number(code[1]);
    else if (line.startsWith('!')) noMatch.push(new RegExp(line.slice(1), 'm'));
    else match.push(new RegExp(line, 'm'));
  }
  return { exit, match, noMatch };
}

const fill = (arg: string) => arg.replace(/\{out\}/g, out).replace(/\{corpus\}/g, CORPUS).replace(/\{sandbox\}/g, sandbox);

/** The command line of a corpus case. */
function argvOf(file: string): string[] {
  const path = join(CORPUS, file);
  if (file.endsWith('.yaml')) return ['synth', '-f', path, '--output', out];
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  if (file.endsWith('.set')) {
    return ['synth', ...lines.flatMap((l) => (l.startsWith('--set-string ') ? ['--set-string', l.slice('--set-string '.length)] : ['--set', l])), '--output', out];
  }
  return lines.map(fill);
}

const cases = readdirSync(CORPUS)
  .filter((f) => statSync(join(CORPUS, f)).isFile() && /\.(yaml|set|args)$/.test(f))
  .sort()
  .map((file) => ({ name: file.replace(/\.(yaml|set|args)$/, ''), file }));

let outBefore: Record<string, string>;
let sandboxBefore: Record<string, string>;

beforeAll(() => {
  mkdirSync(workdir, { recursive: true });
  mkdirSync(join(sandbox, 'etc'));
  writeFileSync(join(sandbox, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  expect(run(['synth', '--output', out]).code).toBe(0);
  outBefore = snapshot(out);
  sandboxBefore = snapshot(sandbox);
  process.chdir(workdir);
});

afterAll(() => {
  process.chdir(originalCwd);
  rmSync(root, { recursive: true, force: true });
  const slowest = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 3);
  // The report the issue asks for; timing is not asserted (machines differ), only that nothing hangs.
  process.stdout.write(`hostile inputs: ${timings.length} cases, slowest ${slowest.map((t) => `${t.name} ${t.ms.toFixed(0)} ms`).join(', ')}\n`);
});

function expectRefused(name: string, r: ReturnType<typeof run>, expected: Expectation) {
  timings.push({ name, ms: r.ms });
  expect({ name, exit: r.code, stderr: r.stderr }).toMatchObject({ exit: expected.exit });
  for (const re of expected.match) expect(r.stderr).toMatch(re);
  for (const re of expected.noMatch) expect(r.stderr).not.toMatch(re);
  if (expected.exit === 2) expect(r.stderr).toMatch(/^error: /);
  // No stack trace, no "this is a bug": every hostile input is a known, explained error.
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toMatch(/this is a bug/);
  expect(snapshot(out)).toEqual(outBefore);
  expect(snapshot(sandbox)).toEqual(sandboxBefore);
}

describe('hostile-input corpus', () => {
  test('has cases, each with its .expected file', () => {
    expect(cases.length).toBeGreaterThan(80);
    for (const c of cases) expect(readdirSync(CORPUS)).toContain(`${c.name}.expected`);
  });

  test.each(cases)('$file', ({ name, file }) => {
    expectRefused(name, run(argvOf(file)), readExpected(name));
  }, 30_000);
});

describe('generated hostile inputs (too big to commit)', () => {
  const generated = (name: string, text: string | Buffer) => {
    const path = join(root, name);
    writeFileSync(path, text);
    return path;
  };
  const refused = (...match: RegExp[]): Expectation => ({ exit: 2, match, noMatch: [] });

  test('a values file over the 1 MiB limit is refused before it is read', () => {
    const path = generated('huge.yaml', `commonAnnotations:\n  note: "${'x'.repeat(1_200_000)}"\n`);
    expectRefused('huge-file', run(['-f', path, '--output', out]), refused(/^error: values file is 12000\d\d bytes; the limit is 1048576 \(.*huge\.yaml\)/));
  }, 30_000);

  test('YAML nested 10,000 levels deep', () => {
    const path = generated('deep-flow.yaml', `commonAnnotations:\n  a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    expectRefused('deep-flow', run(['-f', path, '--output', out]), refused(/invalid YAML|nested more than 64 levels/, /deep-flow\.yaml/));
  }, 30_000);

  test('YAML nested 300 levels deep in block style', () => {
    const lines = ['commonAnnotations:'];
    for (let i = 1; i <= 300; i++) lines.push(`${'  '.repeat(i)}k${i}:`);
    lines.push(`${'  '.repeat(301)}leaf: 1`);
    const path = generated('deep-block.yaml', lines.join('\n') + '\n');
    expectRefused('deep-block', run(['-f', path, '--output', out]), refused(/commonAnnotations\.k1\.k2\..*: values are nested more than 64 levels deep \(.*deep-block\.yaml:\d+:\d+\)/));
  }, 30_000);

  test('a --set key of a million characters: refused, and the message stays short', () => {
    const r = run(['--set', `manager.${'a'.repeat(1_000_000)}=1`, '--output', out]);
    expectRefused('long-set-key', r, refused(/^error: manager\.a{10}.*… \(\d+ more characters\): unknown key/));
    expect(r.stderr.length).toBeLessThan(2_000);
  }, 30_000);

  test('a --set value of a million characters: refused, and the message stays short', () => {
    const r = run(['--set', `releaseName=${'r'.repeat(1_000_000)}`, '--output', out]);
    expectRefused('long-set-value', r, refused(/releaseName: releaseName must be a lowercase RFC 1123 label .*… \(\d+ more characters\)/));
    expect(r.stderr.length).toBeLessThan(4_000);
  }, 30_000);

  test('a --set with ten thousand list items of the wrong kind', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => `flag${i}`).join(',');
    expectRefused('long-set-list', run(['--set', `manager.extraArgs={${items}}`, '--output', out]), refused(/manager\.extraArgs\[0\]: must be a flag such as --zap-devel/));
  }, 30_000);

  test('a --set with an index just above the limit', () => {
    expectRefused('set-index-10001', run(['--set', 'manager.tolerations[10001].key=x', '--output', out]), refused(/list index 10001 is larger than 10000/));
  }, 30_000);
});
