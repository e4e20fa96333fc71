import { spawnSync } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
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
    expect(readdirSync(out)).toEqual(['.virtrigaud-render', 'virtrigaud.yaml']);
    const objects = docs(readFileSync(join(out, 'virtrigaud.yaml'), 'utf8'));
    // CRDs first (as Helm installs crds/ before templates), then the Namespace.
    expect(objects.slice(0, 10).every((o) => o.kind === 'CustomResourceDefinition')).toBe(true);
    expect(objects[10]).toMatchObject({ kind: 'Namespace', metadata: { name: 'virtrigaud-system' } });
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

test('the committed dist/ is a render of its own: synth replaces it with the same bytes (the quick start works)', () => {
  const dist = join(root, 'dist-copy');
  cpSync(join(__dirname, '../../dist'), dist, { recursive: true });
  const before = snapshotFolder(dist);
  expect(Object.keys(before)).toContain('.virtrigaud-render');
  expect(run('synth', '--output', dist)).toMatchObject({ code: 0 });
  expect(snapshotFolder(dist)).toEqual(before);
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

describe('stdout', () => {
  test.each([
    [['synth', '--output', '-', '--layout', 'per-resource'], /--layout per-resource writes one file per object .* needs an output folder .*--output - prints one YAML stream that kubectl apply -f - reads/],
    [['synth', '--output', '-', '--all-environments', '--environments', 'examples/environments'], /--all-environments writes one folder per environment, so it needs an output folder .*to print one environment: -f <dir>\/values\.yaml -f <dir>\/<env>\/values\.yaml --output -/],
    [['diff', '--output', '-'], /diff compares with a rendered folder: give it with --output <folder>/],
    [['diff', '--output', 'package.json'], /diff compares with a rendered folder; package\.json is not a folder/],
    [['synth', '--output', '-', '--skip-crds', '--crds-only'], /--skip-crds and --crds-only exclude each other/],
  ])('%j is a usage error saying what to use instead', (argv, message) => {
    const r = run(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /);
  });

  test('CRDs come first; --crds-only and --skip-crds split the stream in two, in the same order', () => {
    const all = docs(run('--output', '-', '-f', 'examples/all-providers.yaml').stdout);
    const crds = all.filter((o) => o.kind === 'CustomResourceDefinition');
    expect(crds).toHaveLength(10);
    expect(all.slice(0, crds.length)).toEqual(crds);
    const only = run('--output', '-', '-f', 'examples/all-providers.yaml', '--crds-only');
    const skip = run('--output', '-', '-f', 'examples/all-providers.yaml', '--skip-crds');
    expect([only.code, skip.code]).toEqual([0, 0]);
    expect([...docs(only.stdout), ...docs(skip.stdout)]).toEqual(all);
    expect(docs(skip.stdout).some((o) => o.kind === 'CustomResourceDefinition')).toBe(false);
  });

  test('--crds-only with CRDs turned off renders nothing: an error, not an empty stream', () => {
    const r = run('--output', '-', '--crds-only', '--set', 'crds.install=false');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--crds-only: these values render no CustomResourceDefinitions \(crds\.install is false\)/);
  });
});

describe('diff per environment', () => {
  const envs = join(root, 'diff-envs');
  const out = join(root, 'diff-envs-out');
  beforeAll(() => {
    for (const env of ['dev', 'prod']) mkdirSync(join(envs, env), { recursive: true });
    writeFileSync(join(envs, 'values.yaml'), 'commonLabels:\n  team: infra\n');
    writeFileSync(join(envs, 'dev', 'values.yaml'), 'manager:\n  logLevel: debug\n');
    writeFileSync(join(envs, 'prod', 'values.yaml'), 'manager:\n  replicas: 3\n');
    expect(run('--all-environments', '--environments', envs, '--output', out, '--layout', 'per-resource').code).toBe(0);
  });
  const diff = (...extra: string[]) => run('diff', '--all-environments', '--environments', envs, '--output', out, ...extra);

  test('right after a render: no changes, exit 0, whatever layout the folder has', () => {
    expect(diff()).toMatchObject({ code: 0, stdout: 'no changes\n' });
    // Told the other layout: every file would change; shown, exit 1.
    const other = diff('--layout', 'single');
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/^=== dev: 0 added, 0 changed, 0 removed/m);
    expect(other.stdout).toMatch(/^\+ file added +virtrigaud\.yaml$/m);
    expect(other.stdout).toMatch(/^- file removed +kustomization\.yaml$/m);
  });

  test('a change in one environment is shown under it, with the change itself; the same object elsewhere is unchanged', () => {
    writeFileSync(join(envs, 'prod', 'values.yaml'), 'manager:\n  replicas: 4\n');
    try {
      const r = diff();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^=== dev: no changes/m);
      const prod = r.stdout.slice(r.stdout.indexOf('=== prod'));
      expect(prod).toMatch(/^=== prod: 0 added, 1 changed, 0 removed/);
      expect(prod).toMatch(/^~ changed +apps\/Deployment virtrigaud-system\/virtrigaud-manager$/m);
      expect(prod).toMatch(/^-  replicas: 3\n\+  replicas: 4$/m);
      expect(r.stdout).toMatch(/^total: 0 added, 1 changed, 0 removed$/m);
    } finally {
      writeFileSync(join(envs, 'prod', 'values.yaml'), 'manager:\n  replicas: 3\n');
    }
  });

  test('an environment added or removed: every object of it shown, whole', () => {
    mkdirSync(join(envs, 'qa'));
    writeFileSync(join(envs, 'qa', 'values.yaml'), 'manager:\n  replicas: 2\n');
    try {
      const r = diff();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^=== qa: \d+ added, 0 changed, 0 removed/m);
      expect(r.stdout).toMatch(/^\+ added +apps\/Deployment virtrigaud-system\/virtrigaud-manager$/m);
      expect(r.stdout).toMatch(/^\+  replicas: 2$/m);
    } finally {
      rmSync(join(envs, 'qa'), { recursive: true });
    }
    rmSync(join(envs, 'dev'), { recursive: true });
    try {
      const r = diff();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^=== dev: 0 added, 0 changed, \d+ removed/m);
      expect(r.stdout).toMatch(/^-  +- --zap-log-level=debug$/m);
    } finally {
      mkdirSync(join(envs, 'dev'));
      writeFileSync(join(envs, 'dev', 'values.yaml'), 'manager:\n  logLevel: debug\n');
    }
  });

  test('a change only the text shows (a file edited without changing its object) is shown, never exit 1 alone', () => {
    const file = join(out, 'prod', 'deployment-virtrigaud-manager.yaml');
    const rendered = readFileSync(file, 'utf8');
    writeFileSync(file, `# a comment\n${rendered}`);
    try {
      const r = diff();
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^~ file changed +deployment-virtrigaud-manager\.yaml$/m);
      expect(r.stdout).toMatch(/^-# a comment$/m);
    } finally {
      writeFileSync(file, rendered);
    }
  });
});

/** The commands of a ```sh block of a Markdown section, as argv (npm run <script> -- args). */
function documentedCommands(markdown: string, section: string): string[][] {
  const start = markdown.indexOf(section);
  expect(start).toBeGreaterThan(-1);
  const block = /```sh\n([\s\S]*?)```/.exec(markdown.slice(start));
  return (block?.[1] ?? '').split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter((l) => l.startsWith('npm run ')).map((l) => {
    const [, script, rest] = /^npm run (\w+)\s+--\s+(.*)$/.exec(l) ?? [];
    return [script, ...rest.split(/\s+/)];
  });
}

describe('the README\'s GitOps commands', () => {
  test('render, then diff: no changes (exit 0); change a value: shown, exit 1', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const commands = documentedCommands(readme, '## GitOps');
    expect(commands.map((c) => c[0])).toEqual(['synth', 'diff']);
    const repo = join(root, 'readme-repo');
    cpSync(join(__dirname, '../../examples/environments'), join(repo, 'environments'), { recursive: true });
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      expect(run(...commands[0])).toMatchObject({ code: 0 });
      expect(run(...commands[1])).toMatchObject({ code: 0, stdout: 'no changes\n' });
      writeFileSync('environments/staging/values.yaml', `${readFileSync('environments/staging/values.yaml', 'utf8')}\ncommonAnnotations:\n  changed: by-test\n`);
      const changed = run(...commands[1]);
      expect(changed.code).toBe(1);
      expect(changed.stdout).toMatch(/^=== staging: 0 added, \d+ changed, 0 removed/m);
      expect(changed.stdout).toMatch(/^\+    changed: by-test$/m);
    } finally {
      process.chdir(cwd);
    }
  });
});

(existsSync(join(__dirname, '../../build/bin/virtrigaud.js')) ? describe : describe.skip)('the built CLI', () => {
  const bin = join(__dirname, '../../build/bin/virtrigaud.js');

  test('a reader that closes the pipe early: exit 141 (as SIGPIPE in a shell), nothing on stderr', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${bin}" synth -o - 2>"$0" | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`, join(root, 'epipe-stderr')], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('141');
    expect(readFileSync(join(root, 'epipe-stderr'), 'utf8')).toBe('');
  });

  test.each([[{}], [{ VIRTRIGAUD_NO_BUNDLE: '1' }]])('bundle or modules (%j): bad input is the user\'s error, never a bug', (env) => {
    for (const argv of [['synth', '-o', '-', '--layout', 'per-resource'], ['diff', '-o', 'package.json'], ['synth', '-o', '-', '--set', 'manager.replicas=x']]) {
      const r = spawnSync(process.execPath, [bin, ...argv], { encoding: 'utf8', env: { ...process.env, ...env } });
      expect({ argv, status: r.status }).toEqual({ argv, status: 2 });
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr).not.toMatch(/this is a bug|\n\s+at /);
    }
  });
});
