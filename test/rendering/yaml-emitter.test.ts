import fc from 'fast-check';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { PACKAGE_ROOT } from '../../lib/paths';
import { toYamlDocument } from '../../lib/rendering/serialize';
import { emitYamlDocument, YAML_OPTIONS } from '../../lib/rendering/yaml-emitter';
import { check, runs } from '../properties/fc-settings';
import { NUMBER_FORMS, PLAIN, READERS, readsBackAs, TRAPS, type Reader } from './yaml-readers';

/** Every string in a JSON value: map keys and scalars. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  }
  return out;
}

function containsNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !isFinite(value) || Object.is(value, -0);
  if (value && typeof value === 'object') return Object.values(value).some(containsNonFinite);
  return false;
}

/** The readers that must read `value` back: Go's JSON has no NaN or infinity. */
function readersFor(value: unknown): readonly Reader[] {
  return containsNonFinite(value) ? READERS.filter((r) => r !== 'go-yaml v2 (emulated)') : READERS;
}

/** The emitter may differ from `yaml` only where some reader reads `yaml`'s text as something else. */
function expectJustifiedDifference(value: unknown, fast: string): void {
  const expected = stringify(value, YAML_OPTIONS);
  if (fast === expected) return;
  const misreadBy = readersFor(value).filter((r) => !readsBackAs(expected, value, r));
  if (misreadBy.length === 0) throw new Error(`the emitter differs from yaml without need:\n--- yaml\n${expected}--- emitter\n${fast}`);
}

/**
 * The emitter must write what `yaml` writes with the renderer's options, except where some reader
 * (YAML 1.2, YAML 1.1, go-yaml v2) would read `yaml`'s text as something else; its own text must
 * read back as the value in every reader. Checked for the whole value and for each string in it,
 * as a value and as a key, so that every single difference is justified.
 */
function expectSame(value: unknown): void {
  const expected = stringify(value, YAML_OPTIONS);
  const fast = emitYamlDocument(value);
  if (fast === undefined) {
    // yaml's own path: the same text, but for double quotes around scalars a reader would misread
    const text = toYamlDocument(value);
    if (text !== expected) {
      expect(text.replace(/"/g, '')).toBe(expected.replace(/"/g, ''));
      const misread = readersFor(value).filter((r) => !readsBackAs(expected, JSON.parse(JSON.stringify(value)), r));
      expect(misread.length).toBeGreaterThan(0);
    }
    return;
  }
  expect(toYamlDocument(value)).toBe(fast);
  for (const r of readersFor(value)) {
    if (!readsBackAs(fast, value, r)) throw new Error(`${r} does not read the emitter's text back:\n${fast}`);
  }
  expectJustifiedDifference(value, fast);
  for (const s of new Set(stringsIn(value))) {
    for (const one of [{ k: s }, { [s]: 1 }, [s]]) {
      const text = emitYamlDocument(one);
      if (text !== undefined) expectJustifiedDifference(one, text);
    }
  }
}

/** Strings built from the characters YAML cares about: indicators, quotes, spaces, newlines, controls, look-alikes of other types. */
const TRICKY_PIECES = [
  '', ' ', '  ', '\t', '\n', '\n\n', '\r', '\r\n', ':', ': ', ' :', '#', ' #', '-', '- ', '?', '? ', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>',
  "'", '"', '%', '@', '`', '---', '...', '~', 'null', 'Null', 'NULL', 'true', 'False', 'TRUE', 'yes', 'no', 'on', '0', '1', '-1', '+1', '0o17', '0x1F',
  '1.5', '.5', '1.', '1e3', '-1E-3', '.inf', '-.Inf', '.nan', '007', '1_000', 'a', 'abc', 'x y', 'é', '\u00a0', '\u0085', '\u2028', '\u0000', '\u0007',
  '\u001b', '\u007f', '\ud800', '\ud83d\ude00', '\\', '\\n', 'http://x', 'a:b', 'key=value', '$(X)', '{{ .Values }}', '%YAML', '=',
  // YAML 1.1 and go-yaml v2 forms
  'On', 'OFF', 'y', 'N', 'Yes', 'off', '0X1F', '0o', '0O', '0b', '0B', '101', '_', '<<', '2024-01-02', 'T', '12:30:00', '1:20', 'e3', 'E', '+', '.',
  '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff', '\u0080',
];
const trickyString = fc.array(fc.constantFrom(...TRICKY_PIECES), { maxLength: 6 }).map((parts) => parts.join(''));
const anyString = fc.oneof(trickyString, fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary', maxLength: 8 }));
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    anyString,
    fc.integer(),
    fc.double({ noNaN: false }),
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(anyString, tie('value'), { maxKeys: 5 }),
})).value;

describe('YAML emitter: yaml.stringify, quoted where a YAML 1.1 reader needs it', () => {
  test('scalars of every kind in maps and sequences', () => {
    const scalars: unknown[] = [
      ...TRICKY_PIECES,
      'multi\nline', 'multi\nline\n', 'multi\nline\n\n', '\nleading', '  indented\nblock', 'trailing \nspace', 'ends with space\n  ',
      'a very long string with a newline in it that is longer than forty characters\nsecond line',
      'a very long string without quotes but with a \\n escape and "double" quotes inside it, long',
      "it's", 'say "hi"', `both ' and "`, 'x'.repeat(2000), '#'.repeat(3),
      0, -0, 1, -1, 1.5, 1e21, 1e-7, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity, true, false, null,
    ];
    for (const s of scalars) {
      expectSame({ key: s });
      expectSame([s]);
      expectSame({ nested: { list: [s, { deeper: s }], [typeof s === 'string' ? s : String(s)]: s } });
      expectSame([[s], [[s]], [{ k: s }]]);
    }
  });

  test('YAML 1.1 and go-yaml v2 words and number forms are quoted wherever they appear', () => {
    for (const w of TRAPS) {
      // the table itself: each plain form is misread by some reader
      expect([w, READERS.some((r) => !readsBackAs(`- ${w}\n`, [w], r))]).toEqual([w, true]);
      for (const [value, prefix] of [[{ k: w }, 'k: '], [{ [w]: 'v' }, ''], [[w], '- '], [{ a: { b: [{ c: w }] } }, '    - c: ']] as const) {
        const text = emitYamlDocument(value)!;
        const line = text.split('\n').find((l) => l.startsWith(prefix) && l.includes(w))!;
        expect([w, line.slice(prefix.length)]).toEqual([w, expect.stringMatching(/^(["']).*\1(: v)?$/)]);
        for (const r of READERS) expect([w, r, readsBackAs(text, value, r)]).toEqual([w, r, true]);
      }
    }
    for (const w of PLAIN) {
      expect([w, READERS.every((r) => readsBackAs(`- ${w}\n`, [w], r))]).toEqual([w, true]);
      expect(emitYamlDocument({ [w]: w })).toBe(`${w}: ${w}\n`);
    }
    // the merge key: quoted as a key, where it merges; a value `<<` is a string to every reader
    expect(READERS.filter((r) => !readsBackAs('<<: x\n', { '<<': 'x' }, r))).toEqual(['yaml 1.1', 'go-yaml v2 (emulated)']);
    expect(emitYamlDocument({ '<<': '<<', l: ['<<'] })).toBe('"<<": <<\nl:\n  - <<\n');
  });

  test("number forms around go-yaml v2's edges (`.5_5`, `0b-101`, `.5e3_0` …) read back as the same strings, on both paths", () => {
    const longKey = 'x'.repeat(1100);
    let quoted = 0;
    for (const w of NUMBER_FORMS) {
      const value = { k: w, [w]: [w] };
      const emitted = emitYamlDocument(value)!;
      const handedToYaml = { ...value, [longKey]: w };
      for (const r of READERS) {
        expect([w, r, readsBackAs(emitted, value, r)]).toEqual([w, r, true]);
        expect([w, r, readsBackAs(toYamlDocument(handedToYaml), handedToYaml, r)]).toEqual([w, r, true]);
      }
      if (emitted.startsWith('k: "') || emitted.startsWith("k: '")) quoted++;
    }
    // Most are numbers to some reader; the rest are written plain.
    expect(quoted).toBeGreaterThan(NUMBER_FORMS.length / 2);
    expect(quoted).toBeLessThan(NUMBER_FORMS.length);
  });

  test('characters YAML 1.1 reads as line breaks or go-yaml v2 refuses raw are escaped in double quotes', () => {
    const cases: [string, string][] = [
      ['a\u0085b', '"a\\Nb"'], ['a\u2028b', '"a\\Lb"'], ['a\u2029b', '"a\\Pb"'],
      ['x\ufffe', '"x\\ufffe"'], ['x\uffff', '"x\\uffff"'], ['x\u007f', '"x\\x7f"'], ['x\u0080y', '"x\\x80y"'], ['x\u009f', '"x\\x9f"'],
    ];
    for (const [s, quoted] of cases) {
      const value = { k: s, [s]: 1 };
      const text = emitYamlDocument(value)!;
      expect(text).toBe(`k: ${quoted}\n${quoted}: 1\n`);
      expect(readsBackAs(stringify(value, YAML_OPTIONS), value, 'go-yaml v2 (emulated)')).toBe(false);
      for (const r of READERS) expect([s, r, readsBackAs(text, value, r)]).toEqual([s, r, true]);
    }
  });

  test('a block whose first line with content starts with a tab states its indentation (libyaml refuses it otherwise)', () => {
    for (const [s, block] of [['\tx\ny', '|2-\n  \tx\n  y'], ['\n\n\tx\ny\n', '|2\n  \n\n  \tx\n  y'], ['x\n\ty', '|-\n  x\n  \ty']]) {
      const value = { k: s };
      expect(emitYamlDocument(value)).toBe(`k: ${block}\n`);
      for (const r of READERS) expect([s, r, readsBackAs(emitYamlDocument(value)!, value, r)]).toEqual([s, r, true]);
    }
    expect(readsBackAs(stringify({ k: '\tx\ny' }, YAML_OPTIONS), { k: '\tx\ny' }, 'go-yaml v2 (emulated)')).toBe(false);
  });

  test('a document whose first key starts with a byte-order mark keeps it', () => {
    const value = { '\ufeffk': '\ufeffv', nested: { '\ufeffm': 1 } };
    const text = emitYamlDocument(value)!;
    expect(text).toBe('"\ufeffk": \ufeffv\nnested:\n  \ufeffm: 1\n');
    for (const r of READERS) expect([r, readsBackAs(stringify(value, YAML_OPTIONS), value, r)]).toEqual([r, false]);
    for (const r of READERS) expect([r, readsBackAs(text, value, r)]).toEqual([r, true]);
  });

  test("whitespace-only multi-line strings, which yaml 2.9 writes as blocks that lose their spaces, read back intact", () => {
    const lossy = ['  \n', ' \n\n', '  \t\n', '\n  \n', ' \n \n', '  \t \n\n', '\n \n\t\n'];
    for (const s of lossy) {
      for (const value of [{ k: s }, [s], { k: [[s]] }, { nested: { list: [{ deeper: s }] } }]) {
        expect(readsBackAs(stringify(value, YAML_OPTIONS), value, 'yaml 1.2')).toBe(false); // yaml's bug, still there
        const text = emitYamlDocument(value)!;
        for (const r of READERS) expect(readsBackAs(text, value, r)).toBe(true);
        expect(text).not.toContain('|'); // a quoted scalar, not a block
        expect(text).toContain('"');
      }
    }
  });

  test('whitespace-only strings other than those: as yaml writes them, unless a reader misreads that', () => {
    for (const s of ['\t\n', '\t \n', '\n\t\n  \n', '\n\n']) expectSame({ k: s, l: [[s]] });
  });

  test('collections: empty, nested, keys that need quoting, undefined members', () => {
    expectSame({});
    expectSame([]);
    expectSame({ a: {}, b: [], c: [{}], d: [[]], e: { f: [] } });
    expectSame({ '': 1, ' a': 2, 'a ': 3, '1': 4, 'true': 5, '- x': 6, 'a: b': 7, 'multi\nline': 8, '---': 9, ['x'.repeat(1100)]: 10 });
    expectSame({ a: undefined, b: 1, c: { d: undefined } });
    expectSame({ only: undefined });
  });

  test('values outside plain JSON are handed to yaml', () => {
    expectSame({ date: new Date(0) });
    expectSame({ set: new Set([1, 2]) });
    expectSame({ map: new Map([['a', 1]]) });
    expectSame([1, undefined, 2]);
    expectSame({ big: BigInt(7) });
    expectSame({ boxed: new String('x') }); // eslint-disable-line no-new-wrappers -- a boxed string is the input under test
    class Point { constructor(public x = 1) {} }
    expectSame({ p: new Point() });
    expectSame({ withToJson: { toJSON: () => 'replaced' } });
    expect(emitYamlDocument('scalar')).toBeUndefined();
    expect(toYamlDocument('scalar')).toBe(stringify('scalar', YAML_OPTIONS));
  });

  test("what is handed to yaml gets the same quotes for YAML 1.1 readers", () => {
    const longKey = 'on' + 'x'.repeat(1100);
    for (const w of [...TRAPS, '<<']) {
      const value = { [longKey]: w, [w]: [w], l: [{ k: w }] };
      expect(emitYamlDocument(value)).toBeUndefined(); // the long key: yaml's path
      const text = toYamlDocument(value);
      for (const r of READERS) expect([w, r, readsBackAs(text, value, r)]).toEqual([w, r, true]);
    }
  });

  test('random JSON values', () => {
    let emitted = 0;
    check(
      fc.property(jsonValue, (v) => {
        const doc = typeof v === 'object' && v !== null ? v : { v };
        if (emitYamlDocument(doc) !== undefined) emitted++;
        expectSame(doc);
      }),
      1500,
    );
    expect(emitted).toBeGreaterThan(runs(1500) * 0.96); // long keys aside, random JSON takes the emitter's path
  });

  test('random JSON values round-trip through the YAML parser', () => {
    check(
      fc.property(fc.dictionary(anyString, jsonValue, { maxKeys: 4 }), (v) => {
        const text = emitYamlDocument(v);
        if (text === undefined) return;
        const [doc] = parseAllDocuments(text, { version: '1.2' }) as unknown as { toJS(): unknown; errors: unknown[] }[];
        expect(doc.errors).toEqual([]);
        expect(doc.toJS()).toEqual(v);
      }),
      300,
    );
  });

  test('the committed render, object by object', () => {
    const docs = parseAllDocuments(readFileSync(join(PACKAGE_ROOT, 'dist', 'virtrigaud.yaml'), 'utf8')) as unknown as { toJS(): unknown }[];
    expect(docs.length).toBeGreaterThan(20);
    for (const d of docs) {
      const value = d.toJS();
      expect(emitYamlDocument(value)).toBeDefined(); // plain JSON: the emitter's own path
      expectSame(value);
    }
  });
});
