import { validatePromQL } from '../../lib/promql/validate';
import { buildRuleGroups, isAlertingRule } from '../../lib/monitoring/rules';
import { ctx, values } from './helpers';

/** `a or b or …` with one term per provider: valid PromQL of any length (lezer's depth guard must not flag it). */
describe('long expressions', () => {
  const chain = (n: number) =>
    ['up{job="virtrigaud-provider",namespace="virtrigaud-system"} == 0', ...Array.from({ length: n }, (_, i) => `absent(up{job="virtrigaud-provider",namespace="virtrigaud-system",service="virtrigaud-provider-p${i}"})`)].join(' or ');

  test('a 1,000-term or-chain is valid, with and without analysis', () => {
    expect(validatePromQL(chain(1000))).toEqual([]);
    expect(validatePromQL(chain(400), { analysis: true })).toEqual([]);
  });

  test('errors in long chains are still found', () => {
    const broken = chain(1000).replace('service="virtrigaud-provider-p700"', 'service="virtrigaud-provider-p700",');
    expect(validatePromQL(broken)).toEqual([]); // a trailing comma in a matcher list is valid PromQL
    const invalid = chain(1000).replace('absent(up{job="virtrigaud-provider",namespace="virtrigaud-system",service="virtrigaud-provider-p700"})', 'absent(up{job=})');
    expect(validatePromQL(invalid).length).toBeGreaterThan(0);
  });

  test('the provider down alert of 1,000 providers builds', () => {
    const providerServices = Array.from({ length: 1000 }, (_, i) => `virtrigaud-provider-p${i}`);
    const groups = buildRuleGroups(ctx, values().rules, { profile: 'documented', providerServices });
    const down = groups.flatMap((g) => g.rules).filter(isAlertingRule).find((r) => r.alert === 'VirtrigaudProviderDown');
    expect(down?.expr.match(/absent\(/g)).toHaveLength(1000);
  });
});
