import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ValuesError } from '../../lib/values/errors';
import { loadValues, loadValuesFile, mergeValues, parseValuesYaml } from '../../lib/values/load';

const dir = mkdtempSync(join(tmpdir(), 'values-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('values files', () => {
  test('records the file, line and column of every key', () => {
    const layer = parseValuesYaml('manager:\n  replicas: 2\nproviders:\n  - name: esx\n    type: vsphere\n', 'v.yaml');
    expect(layer.values).toEqual({ manager: { replicas: 2 }, providers: [{ name: 'esx', type: 'vsphere' }] });
    expect(layer.sources.get('manager.replicas')).toEqual({ file: 'v.yaml', line: 2, column: 3 });
    expect(layer.sources.get('providers[0].type')).toEqual({ file: 'v.yaml', line: 5, column: 5 });
  });

  test('an empty file is empty values', () => {
    expect(parseValuesYaml('', 'e.yaml').values).toEqual({});
    expect(parseValuesYaml('# only a comment\n', 'e.yaml').values).toEqual({});
  });

  test('duplicate keys fail with their path and line', () => {
    const err = catchError(() => parseValuesYaml('manager:\n  replicas: 1\n  replicas: 2\n', 'dup.yaml'));
    expect(err.problems[0]).toMatchObject({ path: 'manager.replicas', source: { file: 'dup.yaml', line: 3 } });
    expect(err.message).toMatch(/duplicate key/);
  });

  test('syntax errors carry the line', () => {
    const err = catchError(() => parseValuesYaml('manager:\n  replicas: [1\nfoo: bar\n', 'bad.yaml'));
    expect(err.problems[0].source).toMatchObject({ file: 'bad.yaml' });
    expect(err.problems[0].source?.line).toBeGreaterThanOrEqual(2);
    expect(err.message).toMatch(/invalid YAML/);
  });

  test('alias bombs are stopped', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const err = catchError(() => parseValuesYaml(lines.join('\n'), 'bomb.yaml'));
    expect(err.message).toMatch(/alias/i);
  });

  test('a document that is not a mapping is refused', () => {
    expect(() => parseValuesYaml('- a\n- b\n', 'list.yaml')).toThrow(/must be a mapping/);
    expect(() => parseValuesYaml('just text', 'text.yaml')).toThrow(/must be a mapping/);
  });

  test('missing files and folders fail clearly', () => {
    expect(() => loadValuesFile(join(dir, 'nope.yaml'))).toThrow(/no such file/);
    expect(() => loadValuesFile(dir)).toThrow(/not a file/);
  });

  test('oversized files are refused before parsing', () => {
    const big = file('big.yaml', `x: "${'a'.repeat(1024 * 1024 + 10)}"\n`);
    expect(() => loadValuesFile(big)).toThrow(/limit is 1048576/);
  });
});

describe('merging like Helm', () => {
  test('maps merge, lists and scalars replace, null removes a key', () => {
    expect(
      mergeValues({ a: { b: 1, c: 2 }, l: [1, 2], s: 'x', gone: 1 }, { a: { c: 3, d: { e: null, f: 1 } }, l: [3], s: 'y', gone: null }),
    ).toEqual({ a: { b: 1, c: 3, d: { f: 1 } }, l: [3], s: 'y' });
  });

  test('later files win and --set wins over files; sources follow', () => {
    const a = file('a.yaml', 'manager:\n  replicas: 2\n  logLevel: debug\n');
    const b = file('b.yaml', '\nmanager:\n  replicas: 3\n');
    const { values, sources } = loadValues({ files: [a, b], set: ['manager.logLevel=error'] });
    expect(values).toEqual({ manager: { replicas: 3, logLevel: 'error' } });
    expect(sources.get('manager.replicas')).toMatchObject({ file: b, line: 3 });
    expect(sources.get('manager.logLevel')).toEqual({ set: 'manager.logLevel=error', flag: 'set' });
  });
});

function catchError(fn: () => unknown): ValuesError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValuesError);
    return e as ValuesError;
  }
  throw new Error('expected a ValuesError');
}
