/**
 * QUANTITY (lib/conventions/patterns.ts) against the real quantity parser: kubectl 1.28's
 * `set resources --local`, which runs apimachinery's resource.ParseQuantity on the value.
 * The parser also takes strings with no digit at all (`.`, `-`, `+.`) as zero; we refuse those.
 */
import { execFileSync } from 'child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import fc from 'fast-check';
import { QUANTITY } from '../../lib/conventions/patterns';
import { peerBinary } from '../e2e/peers';
import { peersBuilt } from '../e2e/suite';

const SAMPLES = [
  '0', '1', '100m', '0.5', '.5', '1.', '+1', '-1', '1.5e+3', '2e-3', '1e3', '1E3', '1E', '1e', '1e2.5', '1e+', '1K', '1k',
  '1Ki', '128Mi', '1Gi', '1Ti', '1Pi', '1Ei', '1n', '1u', '1M', '1G', '1T', '1P', '1ki', '1KI', '1mi', '0x1', '1.5.5',
  '1 ', ' 1', '1e1000', '+.5e-2', '00.5', '1Mi5', 'm', '.', '-', '+.', '',
];

if (peersBuilt('quantity pattern against kubectl-1.28', ['kubectl-1.28'])) {
  const kubectl = peerBinary('kubectl-1.28')!;
  const dir = mkdtempSync(join(tmpdir(), 'virtrigaud-quantity-'));
  const pod = join(dir, 'pod.yaml');
  writeFileSync(pod, 'apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec: {containers: [{name: c, image: x}]}\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Whether apimachinery parses `q` (an empty value is refused by kubectl before parsing). */
  const parses = (q: string): boolean => {
    try {
      execFileSync(kubectl, ['set', 'resources', '--local', '-f', pod, `--requests=cpu=${q}`, '-o', 'name'], { stdio: 'pipe' });
      return true;
    } catch {
      return false;
    }
  };
  const agree = (q: string) => expect(`${JSON.stringify(q)}: ${QUANTITY.test(q)}`).toBe(`${JSON.stringify(q)}: ${parses(q) && /[0-9]/.test(q)}`);

  test('the curated samples: accepted exactly when the parser accepts them and they hold a digit', () => {
    expect(parses('1e2.5')).toBe(false); // the case the patterns disagreed on
    for (const q of SAMPLES) agree(q);
  });

  test('random strings over the quantity alphabet', () => {
    const chars = [...'0123456789.+-eEiKMGTPmunk'];
    const strings = fc.sample(fc.array(fc.constantFrom(...chars), { minLength: 1, maxLength: 6 }).map((a) => a.join('')), { numRuns: 40, seed: 14 });
    for (const q of strings) agree(q);
  });
}
