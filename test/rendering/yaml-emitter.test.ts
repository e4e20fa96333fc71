import fc from 'fast-check';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { PACKAGE_ROOT } from '../../lib/paths';
import { toYamlDocument } from '../../lib/rendering/serialize';
import { emitYamlDocument, YAML_OPTIONS } from '../../lib/rendering/yaml-emitter';
import { check, runs } from '../properties/fc-settings';

/** Whether a YAML text reads back as `value` (JSON data). */
function readsBackAs(text: string, value: unknown): boolean {
  const [doc] = parseAllDocuments(text, { version: '1.2' }) as unknown as { toJS(): unknown; errors: unknown[] }[];
  return doc.errors.length === 0 && JSON.stringify(doc.toJS()) === JSON.stringify(value);
}

/**
 * The emitter must write exactly what `yaml` writes with the renderer's options, except where
 * `yaml`'s text would not read back as the value (whitespace-only block scalars such as "  \n",
 * `yaml` 2.9): there it must differ and read back correctly.
 */
function expectSame(value: unknown): void {
  const expected = stringify(value, YAML_OPTIONS);
  const fast = emitYamlDocument(value);
  if (fast === undefined) {
    expect(toYamlDocument(value)).toBe(expected);
    return;
  }
  // NaN, ±Infinity and -0 cannot be compared through JSON; the emitter writes them exactly as yaml does.
  if (!containsNonFinite(value) && !readsBackAs(expected, value)) {
    expect(fast).not.toBe(expected);
    expect(readsBackAs(fast, value)).toBe(true);
  } else {
    expect(fast).toBe(expected);
  }
  expect(toYamlDocument(value)).toBe(fast);
}

function containsNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !isFinite(value) || Object.is(value, -0);
  if (value && typeof value === 'object') return Object.values(value).some(containsNonFinite);
  return false;
}

/** Strings built from the characters YAML cares about: indicators, quotes, spaces, newlines, controls, look-alikes of other types. */
const TRICKY_PIECES = [
  '', ' ', '  ', '\t', '\n', '\n\n', '\r', '\r\n', ':', ': ', ' :', '#', ' #', '-', '- ', '?', '? ', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>',
  "'", '"', '%', '@', '`', '---', '...', '~', 'null', 'Null', 'NULL', 'true', 'False', 'TRUE', 'yes', 'no', 'on', '0', '1', '-1', '+1', '0o17', '0x1F',
  '1.5', '.5', '1.', '1e3', '-1E-3', '.inf', '-.Inf', '.nan', '007', '1_000', 'a', 'abc', 'x y', 'é', '\u00a0', '\u0085', '\u2028', '\u0000', '\u0007',
  '\u001b', '\u007f', '\ud800', '\ud83d\ude00', '\\', '\\n', 'http://x', 'a:b', 'key=value', '$(X)', '{{ .Values }}', '%YAML', '=',
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

describe('YAML emitter: byte-identical to yaml.stringify', () => {
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

  test("whitespace-only multi-line strings, which yaml 2.9 writes as blocks that lose their spaces, read back intact", () => {
    const lossy = ['  \n', ' \n\n', '  \t\n', '\n  \n', ' \n \n', '  \t \n\n', '\n \n\t\n'];
    for (const s of lossy) {
      for (const value of [{ k: s }, [s], { k: [[s]] }, { nested: { list: [{ deeper: s }] } }]) {
        expect(readsBackAs(stringify(value, YAML_OPTIONS), value)).toBe(false); // yaml's bug, still there
        const text = emitYamlDocument(value)!;
        expect(readsBackAs(text, value)).toBe(true);
        expect(text).not.toContain('|'); // a quoted scalar, not a block
        expect(text).toContain('"');
      }
    }
  });

  test('whitespace-only strings that yaml writes correctly stay byte-identical', () => {
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
    expectSame({ boxed: new String('x') }); // eslint-disable-line no-new-wrappers
    class Point { constructor(public x = 1) {} }
    expectSame({ p: new Point() });
    expectSame({ withToJson: { toJSON: () => 'replaced' } });
    expect(emitYamlDocument('scalar')).toBeUndefined();
    expect(toYamlDocument('scalar')).toBe(stringify('scalar', YAML_OPTIONS));
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
