/**
 * Offline half of the Helm values differential test: our loader against what real Helm v3.22.0
 * printed for every case of the corpus (test/values/helm-recorded.ts, recorded from the binary by
 * scripts/record-helm-values.ts; test/e2e/helm-values.test.ts checks the recording stays true).
 */
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CORPUS, stricter } from '../e2e/helm-values-corpus';
import { ourValues } from '../e2e/helm-values';
import { RECORDED } from './helm-recorded';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'helm-recorded-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('every corpus case is recorded', () => {
  expect(Object.keys(RECORDED).sort()).toEqual(Object.keys(CORPUS).sort());
});

describe.each(Object.entries(CORPUS))('%s', (name, c) => {
  const recorded = RECORDED[name];
  if (recorded?.ok) {
    test(name.endsWith('(stricter)') ? 'Helm accepts it; we refuse it for a listed reason' : 'our merged values equal Helm’s', () => {
      const ours = ourValues(c, mkdtempSync(join(root, 'case-')));
      if (name.endsWith('(stricter)')) {
        expect(ours.ok).toBe(false);
        expect(stricter(ours.ok ? '' : ours.error)).toBeDefined();
      } else {
        expect(ours).toEqual(recorded);
      }
    });
  } else {
    test('Helm refuses it, and so do we', () => {
      const ours = ourValues(c, mkdtempSync(join(root, 'case-')));
      expect(ours.ok).toBe(false);
    });
  }
});
