/**
 * The Helm options of the CLI: --set-json, --set-file, --set-literal, -f - (standard input),
 * -n/--namespace, the release name argument, --version; and a --set boolean or number where the
 * schema asks for a string. Values Helm gives the same flags were printed by real Helm v3.22.0
 * (test/values/helm-recorded.ts); these tests check what the render makes of them.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../lib/cli/cli';
import { VIRTRIGAUD_VERSION } from '../../lib/version';

const root = mkdtempSync(join(tmpdir(), 'cli-helm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(argv: string[], stdin?: string) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stdin: () => Buffer.from(stdin ?? '') });
  return { code, stdout, stderr };
}

const objects = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS());
const manager = (yaml: string) => objects(yaml).find((o) => o?.kind === 'Deployment' && o.metadata.name.endsWith('-manager'));

test('--version prints the toolkit version and the VirtRigaud release', () => {
  const r = run(['--version']);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(`virtrigaud-cdk8s ${(JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version} (deploys VirtRigaud ${VIRTRIGAUD_VERSION})\n`);
});

test('--help shows every Helm option', () => {
  const help = run(['--help']).stdout;
  for (const option of ['--set-json', '--set-file', '--set-literal', '-n, --namespace', '--version', '-f, --values <file|->', 'synth [NAME]']) expect(help).toContain(option);
});

test('the release name argument and -n set releaseName and namespace, over the values', () => {
  const r = run(['synth', 'vmops', '-n', 'vm-system', '--set', 'releaseName=other,namespace=other', '-o', '-', '--skip-crds']);
  expect(r.code).toBe(0);
  const m = manager(r.stdout);
  expect(m.metadata.name).toBe('vmops-manager');
  expect(m.metadata.namespace).toBe('vm-system');
});

test('a bad release name is named as the argument', () => {
  const r = run(['synth', 'Bad_Name', '-o', '-']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: releaseName: .*"Bad_Name" \(from the release name argument\)$/m);
  expect(r.stderr).not.toMatch(/\n\s+at /);
});

test('-f - reads standard input; its errors name <stdin>', () => {
  const ok = run(['-f', '-', '-o', '-', '--skip-crds'], 'manager:\n  replicas: 3\n');
  expect(ok.code).toBe(0);
  expect(manager(ok.stdout).spec.replicas).toBe(3);
  const bad = run(['-f', '-', '-o', '-'], 'manager:\n  replicas: [\n');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/^error: invalid YAML: .*\(<stdin>:\d+:\d+\)$/m);
  const wrong = run(['-f', '-', '-o', '-'], 'manager:\n  replicas: two\n');
  expect(wrong.stderr).toMatch(/^error: manager\.replicas: .* \(<stdin>:2:3\)$/m);
});

test('--set-json, --set-file, --set-literal', () => {
  const note = join(root, 'note.txt');
  writeFileSync(note, 'hello, world');
  const r = run([
    '-o', '-', '--skip-crds',
    '--set-json', 'manager.podAnnotations={"a":"1","b":"x"}',
    '--set-file', `manager.podAnnotations.note=${note}`,
    '--set-literal', 'manager.podAnnotations.lit=a,b=c\\d',
  ]);
  expect(r.code).toBe(0);
  expect(manager(r.stdout).spec.template.metadata.annotations).toMatchObject({ a: '1', b: 'x', note: 'hello, world', lit: 'a,b=c\\d' });
});

test('--set-file of a missing file names it', () => {
  const r = run(['-o', '-', '--set-file', `manager.podAnnotations.x=${join(root, 'nope')}`]);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: cannot read --set-file file: no such file \(.*nope\)$/m);
});

test('malformed --set-json names the flag and the expression', () => {
  const r = run(['-o', '-', '--set-json', 'manager.replicas=1x']);
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('error: malformed --set-json "manager.replicas=1x": key "x" has no value (write key=value)\n');
});

describe('--set typing where the schema asks for a string (Helm types these as in test/values/helm-recorded.ts)', () => {
  test('a boolean or number typed by --set fills a string field with its text as written', () => {
    const r = run(['-o', '-', '--skip-crds', '--set', 'manager.podAnnotations.prometheus\\.io/scrape=true,manager.podAnnotations.n=+5,commonLabels.t=True']);
    expect(r.code).toBe(0);
    const m = manager(r.stdout);
    expect(m.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', n: '+5' });
    expect(m.metadata.labels.t).toBe('True');
  });

  test('a number field still gets a number, -0 is 0, and a bool where a number is wanted is an error', () => {
    expect(manager(run(['-o', '-', '--skip-crds', '--set', 'manager.replicas=-0']).stdout).spec.replicas).toBe(0);
    expect(manager(run(['-o', '-', '--skip-crds', '--set', 'manager.replicas=+2']).stdout).spec.replicas).toBe(2);
    const r = run(['-o', '-', '--set', 'manager.replicas=true']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/manager\.replicas: Invalid input: expected number, received boolean \(from --set manager\.replicas=true\)/);
  });

  test('an unquoted YAML 1.1 boolean in a string field is an error saying to quote it', () => {
    const r = run(['-f', '-', '-o', '-'], 'commonLabels:\n  enabled: yes\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/commonLabels\.enabled: Invalid input: expected string, received boolean \(YAML reads unquoted yes, .* quote the value\) \(<stdin>:2:3\)/);
  });

  test('YAML merge keys are read as Helm reads them', () => {
    const r = run(['-f', '-', '-o', '-', '--skip-crds'], 'providers:\n  - &vs {name: a, type: vsphere, endpoint: "https://vc-a", credentialsSecret: vc}\n  - <<: *vs\n    name: b\n    endpoint: "https://vc-b"\n');
    expect(r.stderr).toBe('');
    const providers = objects(r.stdout).filter((o) => o?.kind === 'Provider');
    expect(providers.map((p) => [p.metadata.name, p.spec.type, p.spec.endpoint])).toEqual([
      ['a', 'vsphere', 'https://vc-a'],
      ['b', 'vsphere', 'https://vc-b'],
    ]);
  });
});
