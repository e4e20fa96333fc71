import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { assertContained, OutputError, writeFolderAtomically } from '../../lib/rendering/output';

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
