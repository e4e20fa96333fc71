import { ValuesError } from '../../lib/values/errors';
import { loadValues } from '../../lib/values/load';
import { parseSetExpression, typedValue } from '../../lib/values/set';

// Expected values below were printed by real Helm v3.22.0 (`helm template` of the probe chart in
// test/e2e/helm-values.ts with the same --set); the whole corpus is in test/values/helm-recorded.ts.
describe('--set parsing', () => {
  test('dotted paths, several assignments, Helm typing', () => {
    expect(parseSetExpression('manager.replicas=3,manager.logLevel=debug,a.b=True,c=NULL,d=1.5,e=007,f=+5,g=-0')).toEqual([
      { path: ['manager', 'replicas'], value: 3, text: 'manager.replicas=3' },
      { path: ['manager', 'logLevel'], value: 'debug', text: 'manager.logLevel=debug' },
      { path: ['a', 'b'], value: true, text: 'a.b=True' },
      { path: ['c'], value: null, text: 'c=NULL' },
      { path: ['d'], value: '1.5', text: 'd=1.5' },
      { path: ['e'], value: '007', text: 'e=007' },
      { path: ['f'], value: 5, text: 'f=+5' },
      { path: ['g'], value: 0, text: 'g=-0' },
    ]);
    expect(Object.is(typedValue('-0'), 0)).toBe(true);
  });

  test('64-bit integers keep every digit (Helm: 9223372036854775807 as an integer, one more as a string)', () => {
    expect(typedValue('9223372036854775807')).toBe(9223372036854775807n);
    expect(typedValue('9007199254740991')).toBe(9007199254740991);
    expect(typedValue('9223372036854775808')).toBe('9223372036854775808');
  });

  test('list indexes, list literals and escapes', () => {
    expect(parseSetExpression('providers[0].name=esx')[0].path).toEqual(['providers', 0, 'name']);
    expect(parseSetExpression('manager.extraArgs={--a,--b}')[0].value).toEqual(['--a', '--b']);
    expect(parseSetExpression('commonLabels.team\\.io/owner=x')[0].path).toEqual(['commonLabels', 'team.io/owner']);
    expect(parseSetExpression('a=x\\,y')[0].value).toBe('x,y');
    expect(parseSetExpression('a=b=c')[0].value).toBe('b=c');
    expect(parseSetExpression('a={}')[0].value).toEqual(['']);
  });

  test('--set-string keeps strings', () => {
    expect(parseSetExpression('a=3,b=true', true).map((a) => a.value)).toEqual(['3', 'true']);
  });

  test.each([
    ['manager.replicas', /key "manager.replicas" has no value/],
    ['=3', /empty key segment/],
    ['.a=3', /empty key segment/],
    ['a..b=1', /empty key segment/],
    ['a[x]=1', /bad list index \[x\]/],
    ['a[-1]=1', /negative -1 index/],
    ['a[99999]=1', /larger than 10000/],
    ['a={1,2', /list must terminate with '}'/],
  ])('malformed %s fails with a message naming it', (text, message) => {
    expect(() => parseSetExpression(text)).toThrow(ValuesError);
    expect(() => parseSetExpression(text)).toThrow(message);
    expect(() => parseSetExpression(text)).toThrow(`malformed --set ${JSON.stringify(text)}`);
  });
});

describe('applying --set like Helm', () => {
  test('maps merge, lists replace, null removes', () => {
    const base = { manager: { replicas: 1, logLevel: 'info' }, list: [1, 2, 3] };
    const v = loadValues({ base, set: ['manager.replicas=3', 'list={9}', 'manager.logLevel=null'] }).values;
    expect(v).toEqual({ manager: { replicas: 3 }, list: [9] });
    expect(base.manager.replicas).toBe(1);
  });

  test('list entries: in order, and a gap filled with null (Helm: a[1]=x on no list is [null, "x"])', () => {
    expect(loadValues({ set: ['providers[0].name=a,providers[0].type=vsphere,providers[1].name=b'] }).values).toEqual({ providers: [{ name: 'a', type: 'vsphere' }, { name: 'b' }] });
    expect(loadValues({ set: ['a[1]=x'] }).values).toEqual({ a: [null, 'x'] });
  });

  test('a key below a value that is no map, or an index of no list, is refused', () => {
    expect(() => loadValues({ set: ['a=1', 'a.b=2'] })).toThrow(/a is not a map, so it has no key below it/);
    expect(() => loadValues({ set: ['a.b=1', 'a[0]=2'] })).toThrow(/a is not a list, so it has no index 0/);
  });

  test('records the expression and its flag as the source of each key', () => {
    const { sources } = loadValues({ set: ['manager.replicas=3,a=1'], setString: ['b=x'] });
    expect(sources.get('manager.replicas')).toEqual({ set: 'manager.replicas=3', flag: 'set' });
    expect(sources.get('a')).toEqual({ set: 'a=1', flag: 'set' });
    expect(sources.get('b')).toEqual({ set: 'b=x', flag: 'set-string' });
  });

  test('flags apply in Helm’s order whatever the order given: json, set, string, file, literal', () => {
    const v = loadValues({ setLiteral: ['a=literal'], setString: ['a=string'], set: ['a=set'], setJson: ['a="json"'] }).values;
    expect(v).toEqual({ a: 'literal' });
    expect(loadValues({ setString: ['a=1'], set: ['a=2'] }).values).toEqual({ a: '1' });
  });

  test('__proto__ is a key like any other', () => {
    const v = loadValues({ set: ['__proto__.x=1'], setJson: ['b={"__proto__":{"y":2}}'] }).values;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v).sort()).toEqual(['__proto__', 'b']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
