import { ValuesError } from '../../lib/values/errors';
import { applyAssignment, loadValues } from '../../lib/values/load';
import { parseSetExpression, typedValue } from '../../lib/values/set';

describe('--set parsing', () => {
  test('dotted paths, several assignments, Helm typing', () => {
    expect(parseSetExpression('manager.replicas=3,manager.logLevel=debug,a.b=true,c=null,d=1.5,e=007')).toEqual([
      { path: ['manager', 'replicas'], value: 3, text: 'manager.replicas=3' },
      { path: ['manager', 'logLevel'], value: 'debug', text: 'manager.logLevel=debug' },
      { path: ['a', 'b'], value: true, text: 'a.b=true' },
      { path: ['c'], value: null, text: 'c=null' },
      { path: ['d'], value: '1.5', text: 'd=1.5' },
      { path: ['e'], value: '007', text: 'e=007' },
    ]);
  });

  test('list indexes, list literals and escapes', () => {
    expect(parseSetExpression('providers[0].name=esx')[0].path).toEqual(['providers', 0, 'name']);
    expect(parseSetExpression('manager.extraArgs={--a,--b}')[0].value).toEqual(['--a', '--b']);
    expect(parseSetExpression('commonLabels.team\\.io/owner=x')[0].path).toEqual(['commonLabels', 'team.io/owner']);
    expect(parseSetExpression('a=x\\,y')[0].value).toBe('x,y');
    expect(parseSetExpression('a=b=c')[0].value).toBe('b=c');
  });

  test('--set-string keeps strings', () => {
    expect(parseSetExpression('a=3,b=true', true).map((a) => a.value)).toEqual(['3', 'true']);
    expect(typedValue('3')).toBe(3);
  });

  test.each([
    ['manager.replicas', /has no "="/],
    ['=3', /the key is empty/],
    ['a..b=1', /empty key segment/],
    ['a[x]=1', /bad key segment/],
    ['a[99999]=1', /larger than 10000/],
  ])('malformed %s fails with a message naming it', (text, message) => {
    expect(() => parseSetExpression(text)).toThrow(ValuesError);
    expect(() => parseSetExpression(text)).toThrow(message);
    expect(() => parseSetExpression(text)).toThrow(`malformed --set`);
  });
});

describe('applying --set like Helm', () => {
  test('maps merge, lists replace, null removes', () => {
    const base = { manager: { replicas: 1, logLevel: 'info' }, list: [1, 2, 3] };
    let v = applyAssignment(base, parseSetExpression('manager.replicas=3')[0]);
    expect(v).toEqual({ manager: { replicas: 3, logLevel: 'info' }, list: [1, 2, 3] });
    v = applyAssignment(v, parseSetExpression('list={9}')[0]);
    expect(v.list).toEqual([9]);
    v = applyAssignment(v, parseSetExpression('manager.logLevel=null')[0]);
    expect(v.manager).toEqual({ replicas: 3 });
    expect(base.manager.replicas).toBe(1);
  });

  test('creates list entries in order and refuses gaps', () => {
    const v = loadValues({ set: ['providers[0].name=a,providers[0].type=vsphere,providers[1].name=b'] }).values;
    expect(v).toEqual({ providers: [{ name: 'a', type: 'vsphere' }, { name: 'b' }] });
    expect(() => loadValues({ set: ['providers[2].name=a'] })).toThrow(/list index 2 skips entries/);
  });

  test('records the --set expression as the source of each key', () => {
    const { sources } = loadValues({ set: ['manager.replicas=3'] });
    expect(sources.get('manager.replicas')).toEqual({ set: 'manager.replicas=3' });
  });
});
