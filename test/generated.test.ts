import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { PACKAGE_ROOT } from '../lib/paths';
import { generatedFiles } from '../scripts/generate';

/** Generated files are committed (users read them on GitHub); they must equal what their sources generate. */
describe('generated files are up to date (run `npm run generate` after changing their sources)', () => {
  const files = generatedFiles();

  test.each([...files.keys()])('%s', (path) => {
    const target = join(PACKAGE_ROOT, path);
    expect(existsSync(target)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(files.get(path));
  });

  test('no stale generated files: dist/ and docs/runbooks/ hold only generated files', () => {
    for (const dir of ['dist', 'docs/runbooks']) {
      const onDisk = readdirSync(join(PACKAGE_ROOT, dir)).map((f) => `${dir}/${f}`).sort();
      expect(onDisk).toEqual([...files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort());
    }
  });

  test('the values reference covers every top-level key and the README quick start is intact', () => {
    const readme = files.get('README.md') as string;
    for (const key of ['namespace', 'crds.install', 'manager.replicas', 'manager.image.registry', 'manager.image.digest', 'manager.resources', 'manager.nodeSelector', 'manager.tolerations', 'manager.affinity', 'manager.podAnnotations', 'manager.podLabels', 'manager.extraArgs', 'manager.env', 'imagePullSecrets', 'commonLabels', 'providers[].name', 'providers[].credentialsSecret']) {
      expect(readme).toContain(`| \`${key}\``);
    }
    // Two commands, each on its own from a fresh clone; no install-time script, so each builds first.
    const quickStart = /## Quick start\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = quickStart.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
    expect(commands).toEqual(['npm ci && npm run build && npm run synth', 'npm ci && npm run build && npm test']);
  });
});
