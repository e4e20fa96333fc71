/**
 * The Argo CD plugin run as argocd-cmp-server runs it: the plugin's own command (`sh -c …`) in the
 * Application's folder of a checked-out repository, with the environment Argo CD builds (the
 * sidecar's PATH, ARGOCD_APP_* build variables, ARGOCD_APP_PARAMETERS from the Application's plugin
 * parameters), stdin closed and no terminal.
 */
import { spawnSync } from 'child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { PLUGIN_PARAMETERS } from '../../lib/gitops/argocd';
import { packagePath } from '../../lib/paths';

const plugin = parse(readFileSync(packagePath('argocd/plugin.yaml'), 'utf8'));
const application = parse(readFileSync(packagePath('argocd/application.yaml'), 'utf8'));
const cli = packagePath('build/bin/virtrigaud.js');
const built = existsSync(cli);
if (!built && process.env.CI) throw new Error('build/ is missing: run npm run build');
if (!built) console.warn('build/ not found (run npm run build): the Argo CD plugin runs were skipped');
const builtTest = built ? test : test.skip;

/** A folder with `virtrigaud-render` on it, as in the sidecar image. */
function binFolder(parent: string): string {
  const bin = join(parent, '.bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'virtrigaud-render'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} "$@"\n`);
  chmodSync(join(bin, 'virtrigaud-render'), 0o755);
  return bin;
}

/** A GitOps repository as in docs/gitops.md: environments/ from the examples. */
function repository(): string {
  const repo = mkdtempSync(join(tmpdir(), 'gitops-'));
  cpSync(packagePath('examples/environments'), join(repo, 'environments'), { recursive: true });
  return repo;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run one of the plugin's commands ({command, args}) as the CMP server does, with only Argo CD's environment. */
function runPluginCommand(command: string[], repo: string, appPath: string, env: Record<string, string>): Run {
  const bin = binFolder(repo);
  const r = spawnSync(command[0], command.slice(1), {
    cwd: join(repo, appPath),
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: repo, ARGOCD_APP_NAME: 'virtrigaud', ARGOCD_APP_SOURCE_PATH: appPath, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const generate = (repo: string, appPath: string, env: Record<string, string> = {}) =>
  runPluginCommand([...plugin.spec.generate.command, ...plugin.spec.generate.args], repo, appPath, env);
const discover = (repo: string, appPath: string, env: Record<string, string> = {}) => runPluginCommand(plugin.spec.discover.find.command, repo, appPath, env);

/** The parameters of an Application as Argo CD passes them (ARGOCD_APP_PARAMETERS is their JSON). */
const params = (list: unknown[]) => ({ ARGOCD_APP_PARAMETERS: JSON.stringify(list) });

/** Every document of the output is a Kubernetes object: nothing else reached stdout. */
function objectsOf(stdout: string): any[] {
  const objects = parseAllDocuments(stdout).map((d) => d.toJS());
  for (const o of objects) expect(o).toEqual(expect.objectContaining({ apiVersion: expect.any(String), kind: expect.any(String), metadata: expect.objectContaining({ name: expect.any(String) }) }));
  return objects;
}

describe('Argo CD config management plugin', () => {
  test('is a CMP v2 plugin whose name the example Application uses, announcing the parameters it reads', () => {
    expect(plugin).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ConfigManagementPlugin', metadata: { name: 'virtrigaud-cdk8s' }, spec: { version: 'v1' } });
    expect(application.spec.source.plugin.name).toBe(`${plugin.metadata.name}-${plugin.spec.version}`);
    expect(plugin.spec.parameters.static.map((p: { name: string }) => p.name).sort()).toEqual(Object.values(PLUGIN_PARAMETERS).sort());
    // The example Application sets only announced parameters.
    for (const p of application.spec.source.plugin.parameters) expect(Object.values(PLUGIN_PARAMETERS)).toContain(p.name);
  });

  builtTest('generate renders the example Application: its parameters, the destination namespace, only YAML on stdout', () => {
    const repo = repository();
    const source = application.spec.source;
    const r = generate(repo, source.path, { ...params(source.plugin.parameters), ARGOCD_APP_NAMESPACE: application.spec.destination.namespace });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const objects = objectsOf(r.stdout);
    const manager = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'virtrigaud-manager');
    expect(manager.spec.replicas).toBe(3); // environments/prod/values.yaml over environments/values.yaml
    expect(manager.metadata.labels.team).toBe('virtualization'); // environments/values.yaml
    expect(manager.spec.template.spec.containers[0].args).toContain('--zap-log-level=info'); // the set parameter
    expect(manager.metadata.namespace).toBe(application.spec.destination.namespace);
    // CRDs first: Argo CD (and kubectl) create them before the objects that need them.
    const firstOther = objects.findIndex((o) => o.kind !== 'CustomResourceDefinition');
    expect(objects.slice(firstOther).some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).sort()).toEqual(['virtrigaud-manager']);
    expect(objects.filter((o) => o.kind === 'Provider').map((o) => o.metadata.name).sort()).toEqual(['pve', 'vcenter']);
  });

  builtTest('the destination namespace is the release namespace unless the values set one', () => {
    const repo = repository();
    const r = generate(repo, 'environments/dev', { ...params([{ name: 'values-files', array: ['../values.yaml', 'values.yaml'] }]), ARGOCD_APP_NAMESPACE: 'vr-dev' });
    expect(r.status).toBe(0);
    const namespaced = objectsOf(r.stdout).filter((o) => o.metadata.namespace !== undefined);
    expect(namespaced.length).toBeGreaterThan(5);
    expect(new Set(namespaced.map((o) => o.metadata.namespace))).toEqual(new Set(['vr-dev']));

    writeFileSync(join(repo, 'environments/dev/values.yaml'), `${readFileSync(join(repo, 'environments/dev/values.yaml'), 'utf8')}\nnamespace: from-values\n`);
    const own = generate(repo, 'environments/dev', { ...params([{ name: 'values-files', array: ['../values.yaml', 'values.yaml'] }]), ARGOCD_APP_NAMESPACE: 'vr-dev' });
    expect(own.status).toBe(0);
    expect(new Set(objectsOf(own.stdout).filter((o) => o.metadata.namespace !== undefined).map((o) => o.metadata.namespace))).toEqual(new Set(['from-values']));
  });

  builtTest('set and set-string parameters are --set and --set-string, values with commas and braces kept whole', () => {
    const repo = repository();
    const r = generate(repo, 'environments/staging', {
      ...params([
        { name: 'values-files', array: ['../values.yaml', 'values.yaml'] },
        { name: 'set', map: { 'manager.replicas': '2', 'commonAnnotations.owners': 'a,b {c}' } },
        { name: 'set-string', map: { 'commonLabels.build': '0123' } },
        { name: 'skip-crds', string: 'true' },
      ]),
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const objects = objectsOf(r.stdout);
    const manager = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'virtrigaud-manager');
    expect(manager.spec.replicas).toBe(2);
    expect(manager.metadata.annotations.owners).toBe('a,b {c}');
    expect(manager.metadata.labels.build).toBe('0123');
    expect(objects.some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
  });

  builtTest('without parameters, the Application folder\'s values.yaml', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-plain-'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'values.yaml'), 'manager:\n  replicas: 2\n');
    const r = generate(dir, 'app');
    expect(r.status).toBe(0);
    expect(objectsOf(r.stdout).find((o) => o.kind === 'Deployment').spec.replicas).toBe(2);
  });

  builtTest('a bad value fails generate with the key, file and line, and nothing on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitops-bad-'));
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app', 'values.yaml'), 'manager:\n  replicas: lots\n');
    const r = generate(dir, 'app');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/manager\.replicas: .*values\.yaml:2:3/);
    expect(r.stderr).not.toMatch(/\n\s+at |this is a bug/);
  });

  builtTest('values files outside the repository are refused, as for a Helm source', () => {
    const repo = repository();
    writeFileSync(join(dirname(repo), `${repo.split('/').pop()}-outside.yaml`), 'manager:\n  replicas: 2\n');
    const r = generate(repo, 'environments/prod', params([{ name: 'values-files', array: [`../../../${repo.split('/').pop()}-outside.yaml`] }]));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/is outside the repository/);
  });

  builtTest('an unknown parameter is refused with the known names', () => {
    const r = generate(repository(), 'environments/prod', params([{ name: 'valueFiles', array: ['values.yaml'] }]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown plugin parameter "valueFiles"; the parameters are values-files, set, set-string, skip-crds/);
  });

  describe('discover', () => {
    const matches = (r: Run) => r.status === 0 && r.stdout.trim() !== '';

    builtTest('matches the environments of a GitOps repository (a named plugin needs its discovery to match)', () => {
      const repo = repository();
      for (const env of ['dev', 'staging', 'prod']) expect(matches(discover(repo, `environments/${env}`))).toBe(true);
      expect(matches(discover(repo, 'environments/prod', params(application.spec.source.plugin.parameters)))).toBe(true);
    });

    builtTest('leaves other tools\' folders to Argo CD: Helm charts, kustomizations, manifests, other values', () => {
      const repo = mkdtempSync(join(tmpdir(), 'gitops-other-'));
      const folder = (name: string, files: Record<string, string>) => {
        mkdirSync(join(repo, name));
        for (const [f, text] of Object.entries(files)) writeFileSync(join(repo, name, f), text);
        return name;
      };
      const cases = [
        folder('chart', { 'Chart.yaml': 'apiVersion: v2\nname: x\nversion: 1.0.0\n', 'values.yaml': 'namespace: x\n' }),
        folder('kustomize', { 'kustomization.yaml': 'resources: [a.yaml]\n', 'values.yaml': 'namespace: x\n' }),
        folder('manifests', { 'values.yaml': 'namespace: x\n', 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' }),
        folder('foreign-values', { 'values.yaml': 'image:\n  tag: latest\nreplicaCount: 2\n' }),
        folder('nothing', { 'README.md': '# nothing\n' }),
      ];
      for (const c of cases) {
        const r = discover(repo, c);
        expect({ c, status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ c, status: 0, stdout: '', stderr: '' });
      }
    });
  });
});
