/**
 * The data-safety corpus (test/data-safety/, format in its README.md): no render loses a file it
 * did not write; refusals leave every file byte for byte as it was.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, resolve } from 'path';
import { runCli } from '../../lib/cli/cli';

const CORPUS = resolve(__dirname, '../data-safety');
const root = mkdtempSync(join(tmpdir(), 'data-safety-'));
const originalCwd = process.cwd();

/** Every entry under a folder: file bytes (base64), link targets, empty folders. */
function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, prefix: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    if (entries.length === 0 && prefix !== '') out[prefix] = 'empty folder';
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const rel = `${prefix}${entry.name}`;
      if (entry.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(path)}`;
      else if (entry.isDirectory()) walk(path, `${rel}/`);
      else out[rel] = readFileSync(path).toString('base64');
    }
  };
  walk(folder, '');
  return out;
}

interface Case {
  readonly name: string;
  readonly mkdirs: string[];
  readonly links: [string, string][];
  readonly setup: string[][];
  readonly command: string[];
  readonly exit: number;
  readonly stderr: RegExp[];
  readonly changes: string[];
  readonly absent: string[];
  readonly present: string[];
}

function readCase(name: string): Case {
  const c: Case = { name, mkdirs: [], links: [], setup: [], command: [], exit: 2, stderr: [], changes: [], absent: [], present: [] };
  let commands = 0;
  const mutable = c as { -readonly [K in keyof Case]: Case[K] };
  for (const line of readFileSync(join(CORPUS, name, 'case'), 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const [, key, value] = /^(\$|>|[a-z]+:)\s*(.*)$/.exec(line) ?? [];
    const args = () => value.split(' ').filter((a) => a !== '');
    if (key === '$') c.setup.push(args());
    else if (key === '>') {
      mutable.command = args();
      commands++;
    }
    else if (key === 'mkdir:') c.mkdirs.push(value);
    else if (key === 'link:') c.links.push(value.split(' -> ') as [string, string]);
    else if (key === 'exit:') mutable.exit = Number(value);
    else if (key === 'stderr:') c.stderr.push(new RegExp(value, 'm'));
    else if (key === 'changes:') c.changes.push(value);
    else if (key === 'absent:') c.absent.push(value);
    else if (key === 'present:') c.present.push(value);
    else throw new Error(`${name}/case: cannot read ${JSON.stringify(line)}`);
  }
  if (commands !== 1) throw new Error(`${name}/case: needs exactly one "> command" line`);
  if (c.changes.length > 0 && c.exit !== 0) throw new Error(`${name}/case: changes: only with exit: 0`);
  return c;
}

function run(argv: readonly string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

afterAll(() => {
  process.chdir(originalCwd);
  rmSync(root, { recursive: true, force: true });
});

describe('data-safety corpus', () => {
  test('has the cases the issue names', () => {
    expect(cases).toEqual(expect.arrayContaining(['values-inside-output', 'output-is-environments', 'output-inside-environments', 'foreign-file', 'subfolder', 'failed-render-keeps-earlier', 'symlinked-output']));
  });

  test.each(cases)('%s', (name) => {
    const c = readCase(name);
    const sandbox = join(root, name);
    mkdirSync(sandbox);
    process.chdir(sandbox);
    try {
      if (existsSync(join(CORPUS, name, 'tree'))) cpSync(join(CORPUS, name, 'tree'), sandbox, { recursive: true });
      for (const args of c.setup) {
        const r = run(args);
        expect({ setup: args.join(' '), code: r.code, stderr: r.stderr }).toMatchObject({ code: 0 });
      }
      for (const d of c.mkdirs) mkdirSync(d, { recursive: true });
      for (const [path, target] of c.links) {
        mkdirSync(dirname(path), { recursive: true });
        symlinkSync(target, path);
      }
      if (existsSync(join(CORPUS, name, 'overlay'))) cpSync(join(CORPUS, name, 'overlay'), sandbox, { recursive: true });

      const before = snapshot(sandbox);
      const r = run(c.command);
      expect({ command: c.command.join(' '), code: r.code, stderr: r.stderr }).toMatchObject({ code: c.exit });
      for (const re of c.stderr) expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at |this is a bug/);
      if (c.exit === 2) expect(r.stderr).toMatch(/^error: /);

      const may = (path: string) => c.changes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`));
      const keep = (snap: Record<string, string>) => Object.fromEntries(Object.entries(snap).filter(([p]) => !may(p)));
      expect(keep(snapshot(sandbox))).toEqual(keep(before));
      for (const p of c.absent) expect({ absent: p, exists: lstatSync(p, { throwIfNoEntry: false }) !== undefined }).toEqual({ absent: p, exists: false });
      for (const p of c.present) expect({ present: p, exists: lstatSync(p, { throwIfNoEntry: false }) !== undefined }).toEqual({ present: p, exists: true });
      // No staging or retired folders left behind anywhere.
      expect(Object.keys(snapshot(sandbox)).filter((p) => /(^|\/)\.[^/]+\.(new|old)-/.test(p))).toEqual([]);
    } finally {
      process.chdir(originalCwd);
    }
  }, 60_000);
});
