import { App, Chart } from 'cdk8s';
import { VirtRigaud } from '../../lib/constructs/virtrigaud';
import { synthesize } from '../../lib/rendering/synth';
import { parseValues } from '../../lib/values/parse';
import { ParsedValues } from '../../lib/values/parsed';

/** The renderer hands its parsed values to the construct explicitly; nothing else is trusted unparsed. */
describe('ParsedValues', () => {
  const parsed = () => parseValues({ providers: [{ name: 'kvm', type: 'libvirt', endpoint: 'qemu+ssh://kvm.example.com/system', credentialsSecret: 'c' }] });

  test('values in a ParsedValues are used as they are, not parsed again', () => {
    const values = parsed();
    expect(synthesize(new ParsedValues(values)).values).toBe(values);
    const unchecked = { ...values, releaseName: 'Not A Name' };
    expect(new VirtRigaud(new Chart(new App(), 'c'), 'r', new ParsedValues(unchecked)).values).toBe(unchecked);
  });

  test('the same values as plain props are parsed again', () => {
    const values = parsed();
    const result = synthesize(values);
    expect(result.values).not.toBe(values);
    expect(result.values).toEqual(values);
    expect(() => new VirtRigaud(new Chart(new App(), 'c'), 'r', { ...values, releaseName: 'Not A Name' } as never)).toThrow(/^releaseName: /);
  });
});
