import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../lib/cli/cli';

const root = mkdtempSync(join(tmpdir(), 'cli-'));

function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function file(name: string, text: string): string {
  const path = join(root, name);
  writeFileSync(path, text);
  return path;
}

function docs(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJS());
}

function snapshotFolder(folder: string): Record<string, string> {
  return Object.fromEntries(readdirSync(folder).map((f) => [f, readFileSync(join(folder, f), 'utf8')]));
}

describe('synth', () => {
  test('renders the default release into a folder', () => {
    const out = join(root, 'default');
    const r = run('synth', '--output', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toEqual(['virtrigaud.yaml']);
    const objects = docs(readFileSync(join(out, 'virtrigaud.yaml'), 'utf8'));
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'virtrigaud-system' } });
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(10);
    expect(objects.find((o) => o.kind === 'Deployment').metadata.name).toBe('virtrigaud-manager');
    expect(r.stderr).toMatch(/rendered \d+ objects/);
  });

  test('several -f files, later wins, then --set; - prints to stdout', () => {
    const a = file('a.yaml', 'manager:\n  replicas: 2\n  logLevel: debug\nnamespace: vr\n');
    const b = file('b.yaml', 'manager:\n  replicas: 4\n');
    const r = run('-f', a, '-f', b, '--set', 'manager.logLevel=error,commonLabels.team=infra', '--output', '-');
    expect(r.code).toBe(0);
    const deployment = docs(r.stdout).find((o) => o.kind === 'Deployment' && o.metadata.name === 'virtrigaud-manager');
    expect(deployment.spec.replicas).toBe(4);
    expect(deployment.metadata.namespace).toBe('vr');
    expect(deployment.metadata.labels.team).toBe('infra');
    expect(deployment.spec.template.spec.containers[0].args).toContain('--zap-log-level=error');
    expect(docs(r.stdout).some((o) => o.kind === 'PodDisruptionBudget')).toBe(true);
  });

  test('rendering twice gives byte-identical output', () => {
    const one = run('--output', '-', '-f', 'examples/all-providers.yaml').stdout;
    const two = run('--output', '-', '-f', 'examples/all-providers.yaml').stdout;
    expect(one.length).toBeGreaterThan(1000);
    expect(one).toBe(two);
  });

  test('a later successful render leaves no stale files', () => {
    const out = join(root, 'stale');
    expect(run('--output', out, '--layout', 'per-resource', '-f', 'examples/vsphere.yaml').code).toBe(0);
    expect(readdirSync(out)).toContain('provider-vcenter.yaml');
    expect(run('--output', out, '--layout', 'per-resource').code).toBe(0);
    expect(readdirSync(out).filter((f) => f.includes('vcenter'))).toEqual([]);
    expect(readdirSync(out)).toContain('deployment-virtrigaud-manager.yaml');
  });
});

describe('bad input: one clear message, exit 2, output untouched', () => {
  const out = join(root, 'kept');
  let before: Record<string, string>;
  beforeAll(() => {
    expect(run('--output', out).code).toBe(0);
    before = snapshotFolder(out);
  });

  const cases: [string, () => string[], RegExp][] = [
    ['unknown key with file and line', () => ['-f', file('unknown.yaml', 'manager:\n  replica: 2\n')], /manager\.replica: unknown key \(did you mean "replicas"\?\) \(.*unknown\.yaml:2:3\)/],
    ['wrong type', () => ['-f', file('type.yaml', 'manager:\n  replicas: two\n')], /manager\.replicas: .*expected number.*type\.yaml:2:3/],
    ['invalid name', () => ['--set', 'namespace=Virt_Rigaud'], /namespace: namespace must be a lowercase RFC 1123 label.*"Virt_Rigaud".*--set namespace=Virt_Rigaud/],
    ['invalid quantity', () => ['-f', file('qty.yaml', 'manager:\n  resources:\n    limits:\n      memory: 1 GB\n')], /manager\.resources\.limits\.memory: must be a Kubernetes quantity.*qty\.yaml:4:7/],
    ['malformed --set', () => ['--set', 'manager.replicas'], /malformed --set "manager\.replicas"/],
    ['missing file', () => ['-f', join(root, 'missing.yaml')], /missing\.yaml.*no such file|no such file.*missing\.yaml/],
    ['unparsable file', () => ['-f', file('broken.yaml', 'manager: [\n')], /invalid YAML.*broken\.yaml:\d+/],
    ['unknown option', () => ['--bogus'], /^error: unknown option --bogus\nRun with --help/],
    ['misspelt option', () => ['--set-strings', 'a=b'], /^error: unknown option --set-strings \(did you mean --set-string\?\)\n/],
    ['shortened option', () => ['--out', 'x'], /^error: unknown option --out \(did you mean --output\?\)\n/],
    ['option with a suffix', () => ['--values-file', 'x'], /^error: unknown option --values-file \(did you mean --values\?\)\n/],
    ['bad layout', () => ['--layout', 'tree'], /--layout must be single or per-resource/],
  ];
  test.each(cases)('%s', (_name, args, message) => {
    const r = run(...args(), '--output', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(snapshotFolder(out)).toEqual(before);
  });

  test('several problems are all reported', () => {
    const r = run('-f', file('many.yaml', 'manager:\n  replicas: -1\n  logLevel: loud\nbogus: 1\n'), '--output', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manager\.replicas/);
    expect(r.stderr).toMatch(/manager\.logLevel/);
    expect(r.stderr).toMatch(/bogus: unknown key/);
  });
});

describe('environments', () => {
  test('renders every environment into <output>/<env>/ in one run, all or nothing', () => {
    const envs = join(root, 'envs');
    mkdirSync(join(envs, 'dev'), { recursive: true });
    mkdirSync(join(envs, 'prod'), { recursive: true });
    writeFileSync(join(envs, 'values.yaml'), 'commonLabels:\n  team: infra\n');
    writeFileSync(join(envs, 'dev', 'values.yaml'), 'manager:\n  logLevel: debug\n');
    writeFileSync(join(envs, 'prod', 'values.yaml'), 'manager:\n  replicas: 3\n');
    const out = join(root, 'env-out');
    const r = run('--all-environments', '--environments', envs, '--output', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['dev', 'prod']);
    const prod = docs(readFileSync(join(out, 'prod', 'virtrigaud.yaml'), 'utf8')).find((o) => o.kind === 'Deployment');
    const dev = docs(readFileSync(join(out, 'dev', 'virtrigaud.yaml'), 'utf8')).find((o) => o.kind === 'Deployment');
    expect(prod.spec.replicas).toBe(3);
    expect(prod.metadata.labels.team).toBe('infra');
    expect(dev.spec.replicas).toBe(1);
    expect(dev.spec.template.spec.containers[0].args).toContain('--zap-log-level=debug');

    const before = { dev: snapshotFolder(join(out, 'dev')), prod: snapshotFolder(join(out, 'prod')) };
    writeFileSync(join(envs, 'prod', 'values.yaml'), 'manager:\n  replicas: many\n');
    writeFileSync(join(envs, 'dev', 'values.yaml'), 'manager:\n  logLevel: chatty\n');
    const bad = run('--all-environments', '--environments', envs, '--output', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/\[dev\] manager\.logLevel/);
    expect(bad.stderr).toMatch(/\[prod\] manager\.replicas/);
    expect({ dev: snapshotFolder(join(out, 'dev')), prod: snapshotFolder(join(out, 'prod')) }).toEqual(before);
  });
});

describe('diff', () => {
  test('exit 0 without changes, 1 with added, removed and changed objects', () => {
    const out = join(root, 'diff');
    expect(run('--output', out, '-f', 'examples/vsphere.yaml').code).toBe(0);
    const same = run('diff', '--output', out, '-f', 'examples/vsphere.yaml');
    expect(same.code).toBe(0);
    expect(same.stdout).toBe('no changes\n');

    const changed = run('diff', '--output', out, '--set', 'manager.replicas=2');
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/~ changed +apps\/Deployment virtrigaud-system\/virtrigaud-manager/);
    expect(changed.stdout).toMatch(/-  replicas: 1\n\+  replicas: 2/);
    expect(changed.stdout).toMatch(/\+ added +policy\/PodDisruptionBudget virtrigaud-system\/virtrigaud-manager/);
    expect(changed.stdout).toMatch(/- removed +infra\.virtrigaud\.io\/Provider virtrigaud-system\/vcenter/);
    expect(existsSync(join(out, 'virtrigaud.yaml'))).toBe(true);
    const renamed = run('diff', '--output', out, '-f', 'examples/vsphere.yaml', '--set', 'releaseName=vr');
    expect(renamed.code).toBe(1);
    expect(renamed.stdout).toMatch(/Upgrade risks/);
    expect(renamed.stdout).toMatch(/! core\/Service virtrigaud-system\/virtrigaud-manager: was removed or renamed/);
    expect(run('diff', '--output', out, '-f', 'examples/vsphere.yaml').code).toBe(0);
  });
});
