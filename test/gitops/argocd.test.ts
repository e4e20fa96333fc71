import { spawnSync } from 'child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { packagePath } from '../../lib/paths';

const plugin = parse(readFileSync(packagePath('argocd/plugin.yaml'), 'utf8'));
const application = parse(readFileSync(packagePath('argocd/application.yaml'), 'utf8'));
const cli = packagePath('build/bin/virtrigaud.js');
const built = existsSync(cli);
if (!built && process.env.CI) throw new Error('build/ is missing: npm ci builds it (prepare)');
if (!built) console.warn('build/ not found (run npm run build): the Argo CD plugin run was skipped');

/** A folder with `virtrigaud-render` on it, as in the sidecar image. */
function binFolder(parent: string): string {
  const bin = join(parent, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'virtrigaud-render'), `#!/bin/sh\nexec node ${JSON.stringify(cli)} "$@"\n`);
  chmodSync(join(bin, 'virtrigaud-render'), 0o755);
  return bin;
}

describe('Argo CD config management plugin', () => {
  test('is a CMP v2 plugin whose name the example Application uses', () => {
    expect(plugin).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ConfigManagementPlugin', metadata: { name: 'virtrigaud-cdk8s' }, spec: { version: 'v1' } });
    expect(application.spec.source.plugin.name).toBe(`${plugin.metadata.name}-${plugin.spec.version}`);
  });

  (built ? test : test.skip)('generate prints the release for an environment, as argocd-repo-server would run it', () => {
    const repo = mkdtempSync(join(tmpdir(), 'gitops-'));
    cpSync(packagePath('examples/environments'), join(repo, 'environments'), { recursive: true });
    const bin = binFolder(repo);
    const env = Object.fromEntries(application.spec.source.plugin.env.map((e: { name: string; value: string }) => [`ARGOCD_ENV_${e.name}`, e.value]));
    const run = spawnSync(plugin.spec.generate.command[0], [...plugin.spec.generate.command.slice(1), ...plugin.spec.generate.args], {
      cwd: join(repo, application.spec.source.path),
      env: { PATH: `${bin}:${process.env.PATH}`, ...env, ARGOCD_ENV_SET: 'manager.logLevel=error' },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const objects = parseAllDocuments(run.stdout).map((d) => d.toJS());
    const manager = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'virtrigaud-manager');
    expect(manager.spec.replicas).toBe(3);
    expect(manager.spec.template.spec.containers[0].args).toContain('--zap-log-level=error');
    expect(manager.metadata.labels.team).toBe('virtualization');
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(['virtrigaud-manager']);
    expect(objects.filter((o) => o.kind === 'Provider').map((o) => o.metadata.name).sort()).toEqual(['pve', 'vcenter']);
  });

  (built ? test : test.skip)('a bad values file fails the generate step with the key and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-bad-'));
    writeFileSync(join(dir, 'values.yaml'), 'manager:\n  replicas: lots\n');
    const bin = binFolder(dir);
    const run = spawnSync('sh', ['-c', plugin.spec.generate.args[0]], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}` }, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/manager\.replicas: .*values\.yaml:2:3/);
  });
});
