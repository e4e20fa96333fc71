/**
 * Records what real Helm (`helm template` of the probe chart, test/e2e/helm-values.ts) makes of every
 * case of the Helm values corpus into test/values/helm-recorded.ts, which npm test compares our
 * loader with offline. Run after changing the corpus: `npm run e2e:build -- helm` once, then
 * `ts-node --transpile-only scripts/record-helm-values.ts`. The e2e suite fails when the recording
 * differs from what the binary prints.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { packagePath } from '../lib/paths';
import { CORPUS } from '../test/e2e/helm-values-corpus';
import { recordCorpus } from '../test/e2e/helm-values';
import { HELM_BINARY, peerBinary } from './peers';

const helm = peerBinary(HELM_BINARY);
if (!helm) {
  process.stderr.write(`${HELM_BINARY} is not built: run npm run e2e:build\n`);
  process.exit(2);
}
const root = mkdtempSync(join(tmpdir(), 'record-helm-values-'));
try {
  const recorded = recordCorpus(helm, root, CORPUS);
  const body = Object.entries(recorded)
    .map(([name, outcome]) => `  ${JSON.stringify(name)}: ${outcome.ok ? `{ ok: true, json: ${JSON.stringify(outcome.json)} }` : '{ ok: false }'},`)
    .join('\n');
  writeFileSync(
    packagePath('test', 'values', 'helm-recorded.ts'),
    `/**\n * What Helm v3.22.0 printed for each case of test/e2e/helm-values-corpus.ts: recorded from the real binary by\n * scripts/record-helm-values.ts (do not edit by hand). \`ok: false\`: Helm refused the case.\n */\nexport const RECORDED: Record<string, { ok: true; json: string } | { ok: false }> = {\n${body}\n};\n`,
  );
  process.stdout.write(`recorded ${Object.keys(recorded).length} cases\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
