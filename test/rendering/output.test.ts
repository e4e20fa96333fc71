import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { assertContained, assertNoInputOverlap, assertReplaceable, OutputError, readRecord, RECORD_FILE, writeFolderAtomically } from '../../lib/rendering/output';

const root = mkdtempSync(join(tmpdir(), 'output-'));

describe('atomic output folder', () => {
  test('writes a new folder and leaves no staging folders behind', () => {
    const out = join(root, 'new', 'dist');
    writeFolderAtomically(out, [{ path: 'a.yaml', content: 'a: 1\n' }]);
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('a: 1\n');
    expect(readdirSync(join(root, 'new'))).toEqual(['dist']);
  });

  test('replaces the whole folder: stale files do not survive', () => {
    const out = join(root, 'replace');
    writeFolderAtomically(out, [{ path: 'old.yaml', content: 'x' }, { path: 'keep.yaml', content: 'x' }]);
    writeFolderAtomically(out, [{ path: 'keep.yaml', content: 'y' }]);
    expect(readdirSync(out)).toEqual(['.virtrigaud-render', 'keep.yaml']);
    expect(readFileSync(join(out, 'keep.yaml'), 'utf8')).toBe('y');
  });

  test('refuses a folder with files a render does not write, and leaves it untouched', () => {
    const out = join(root, 'project');
    mkdirSync(out);
    writeFileSync(join(out, 'main.ts'), 'precious');
    expect(() => writeFolderAtomically(out, [{ path: 'a.yaml', content: '' }])).toThrow(/holds main\.ts/);
    expect(readdirSync(out)).toEqual(['main.ts']);
  });

  test('refuses the working directory and its parents', () => {
    expect(() => writeFolderAtomically('.', [])).toThrow(OutputError);
    expect(() => writeFolderAtomically('..', [])).toThrow(/working directory/);
  });

  test('refuses file paths that escape the folder, before touching anything', () => {
    const out = join(root, 'escape');
    writeFolderAtomically(out, [{ path: 'a.yaml', content: 'old' }]);
    expect(() => writeFolderAtomically(out, [{ path: '../evil.yaml', content: '' }])).toThrow(/must stay inside/);
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('old');
    expect(existsSync(join(root, 'evil.yaml'))).toBe(false);
    for (const bad of ['/etc/passwd', 'a/../../b', '', 'a//b']) expect(() => assertContained(bad)).toThrow(OutputError);
    expect(() => assertContained('sub/dir/file.yaml')).not.toThrow();
  });

  test('an output path that is a file is refused', () => {
    const file = join(root, 'file.yaml');
    writeFileSync(file, 'x');
    expect(() => writeFolderAtomically(file, [])).toThrow(/not a folder/);
  });
});

describe('render records', () => {
  test('each rendered folder records its files with their SHA-256, and sha256sum -c agrees', () => {
    const out = join(root, 'recorded');
    writeFolderAtomically(out, [{ path: 'dev/a.yaml', content: 'a: 1\n' }, { path: 'prod/a.yaml', content: 'a: 2\n' }], [{ dir: 'dev', layout: 'single' }, { dir: 'prod', layout: 'per-resource' }]);
    expect(readdirSync(out).sort()).toEqual(['dev', 'prod']);
    expect(readRecord(join(out, 'prod'))).toEqual({ layout: 'per-resource', files: new Map([['a.yaml', createHash('sha256').update('a: 2\n').digest('hex')]]) });
    const check = spawnSync('sha256sum', ['-c', '--quiet', RECORD_FILE], { cwd: join(out, 'dev'), encoding: 'utf8' });
    if (check.error) console.warn('sha256sum not found: the record check with it was skipped');
    else expect(check.status).toBe(0);
  });

  test('a file no record lists is refused, also beside recorded ones; listed ones are replaced', () => {
    const out = join(root, 'claimed');
    writeFolderAtomically(out, [{ path: 'a.yaml', content: 'x' }]);
    writeFileSync(join(out, 'b.yaml'), 'mine');
    expect(() => writeFolderAtomically(out, [{ path: 'a.yaml', content: 'y' }])).toThrow(/holds b\.yaml, which no render of virtrigaud-cdk8s wrote/);
    expect(readFileSync(join(out, 'a.yaml'), 'utf8')).toBe('x');
    rmSync(join(out, 'b.yaml'));
    writeFileSync(join(out, 'a.yaml'), 'edited');
    expect(writeFolderAtomically(out, [{ path: 'a.yaml', content: 'y' }]).replacedEdited).toEqual(['a.yaml']);
  });

  test('a record cannot claim files outside its folder', () => {
    const out = join(root, 'forged');
    mkdirSync(join(out, 'sub'), { recursive: true });
    writeFileSync(join(out, 'keep.txt'), 'mine');
    writeFileSync(join(out, 'sub', RECORD_FILE), `${'0'.repeat(64)}  ../keep.txt\n`);
    expect(readRecord(join(out, 'sub'))?.files.size).toBe(0);
    expect(() => assertReplaceable(out)).toThrow(/holds keep\.txt/);
  });
});

describe('inputs and output', () => {
  const tree = join(root, 'inputs');
  mkdirSync(join(tree, 'envs', 'dev'), { recursive: true });
  writeFileSync(join(tree, 'v.yaml'), '');
  symlinkSync(join(tree, 'envs'), join(tree, 'link-to-envs'));

  test.each([
    ['is', join(tree, 'v.yaml'), join(tree, 'v.yaml')],
    ['contains', join(tree), join(tree, 'v.yaml')],
    ['lies inside', join(tree, 'envs', 'out'), join(tree, 'envs')],
    ['lies inside', join(tree, 'link-to-envs', 'dev', 'out'), join(tree, 'envs')],
    ['is', join(tree, 'link-to-envs'), join(tree, 'envs')],
  ])('an output that %s an input is refused (%s)', (how, output, input) => {
    expect(() => assertNoInputOverlap(output, [{ path: input, what: 'the input' }])).toThrow(new RegExp(`it ${how} the input`));
  });

  test('siblings and look-alike names are not inputs', () => {
    expect(() => assertNoInputOverlap(join(tree, 'envs-rendered'), [{ path: join(tree, 'envs'), what: 'the input' }])).not.toThrow();
    expect(() => assertNoInputOverlap(join(tree, 'out'), [{ path: join(tree, 'v.yaml'), what: 'the input' }])).not.toThrow();
  });
});
