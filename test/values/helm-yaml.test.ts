/**
 * go-yaml v2's scalar resolution and sigs.k8s.io/yaml's float keys, as ported in lib/values/helm-yaml.ts.
 * Expected values were printed by real Helm v3.22.0 (`helm template` of the probe chart in
 * test/e2e/helm-values.ts with a values file holding each scalar); the e2e suite compares whole files.
 */
import { formatFloat32Key, resolvePlain } from '../../lib/values/helm-yaml';
import { parseValuesYaml } from '../../lib/values/load';

test.each([
  ['yes', true],
  ['Off', false],
  ['y', true],
  ['NULL', null],
  ['YeS', 'YeS'],
  ['010', 8],
  ['08', 8],
  ['09.5', 9.5],
  ['.5_5', 0.55],
  ['1e-400', 0],
  ['0b101', 5],
  ['-0b101', -5],
  ['0b-101', -5],
  ['0b+101', 5],
  ['-0b-1', '-0b-1'],
  ['.5e3_0', 5e29],
  ['.5_e3', '.5_e3'],
  ['0x_1F', 31],
  ['+12', 12],
  ['1_0.5', 10.5],
  ['18446744073709551615', 18446744073709552000],
  ['1e', '1e'],
  ['0x', '0x'],
  ['2001-12-14', '2001-12-14'],
  ['12:30:00', '12:30:00'],
])('the plain scalar %s is %p', (text, expected) => {
  expect(resolvePlain(text).value).toEqual(expected);
});

test('-0.0 stays a negative zero (Helm prints -0), -0 is 0', () => {
  expect(Object.is(resolvePlain('-0.0').value, -0)).toBe(true);
  expect(Object.is(resolvePlain('-0').value, 0)).toBe(true);
});

test.each([
  [1, '1'],
  [1.5, '1.5'],
  [1000, '1000'],
  [0.1, '0.1'],
  [1e20, '1e+20'],
])('a float key %p is %p', (f, expected) => {
  expect(formatFloat32Key(f)).toBe(expected);
});

test('keys become strings as Helm makes them', () => {
  expect(Object.keys(parseValuesYaml('1: a\ntrue: b\n0x10: c\n1.5: d\n', 'k.yaml').values).sort()).toEqual(['1', '1.5', '16', 'true']);
});

test('a merged key overrides the keys before it; later keys override it (go-yaml v2)', () => {
  const { values } = parseValuesYaml('b: &b {x: 1, z: 2}\nc:\n  x: 5\n  <<: *b\n  z: 3\nd:\n  <<: [*b, {w: 1, x: 9}]\n', 'm.yaml');
  expect(values).toEqual({ b: { x: 1, z: 2 }, c: { x: 1, z: 3 }, d: { w: 1, x: 1, z: 2 } });
});

test('two keys that become the same string are a duplicate', () => {
  expect(() => parseValuesYaml('yes: 1\ntrue: 2\n', 'd.yaml')).toThrow(/duplicate key/);
});
