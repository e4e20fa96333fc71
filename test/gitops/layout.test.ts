import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { objectId } from '../../lib/rendering/diff';
import { RECORD_FILE } from '../../lib/rendering/output';
import { renderRelease, renderToFolder } from '../../lib/rendering/render';

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

describe('per-resource layout', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'layout-')), 'out');
  const result = renderToFolder(dir, { layout: 'per-resource', valuesFiles: ['examples/all-providers.yaml'] });

  test('one file per object named <kind>-<name>.yaml, plus kustomization.yaml listing them all', () => {
    const files = readdirSync(dir).filter((f) => f !== RECORD_FILE).sort();
    expect(files).toHaveLength(result.manifests.length + 1);
    expect(files).toContain('deployment-virtrigaud-manager.yaml');
    expect(files).toContain('clusterrole-virtrigaud-manager.yaml');
    expect(files).toContain('clusterrolebinding-virtrigaud-manager.yaml');
    expect(files).toContain('customresourcedefinition-providers.infra.virtrigaud.io.yaml');
    expect(files).toContain('provider-vcenter.yaml');
    const kustomization = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
    expect(kustomization.kind).toBe('Kustomization');
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => f !== 'kustomization.yaml'));
    for (const m of result.manifests) {
      const file = `${m.kind.toLowerCase()}-${m.metadata.name}.yaml`;
      expect(parse(readFileSync(join(dir, file), 'utf8'))).toEqual(m);
    }
  });

  test('adding a provider adds files without renaming any other', () => {
    const before = renderRelease({ layout: 'per-resource', valuesFiles: ['examples/all-providers.yaml'] }).files;
    const after = renderRelease({
      layout: 'per-resource',
      valuesFiles: ['examples/all-providers.yaml'],
      set: ['providers[4].name=extra,providers[4].type=proxmox,providers[4].endpoint=https://pve2.example.com:8006,providers[4].credentialsSecret=pve2'],
    }).files;
    const names = (files: readonly { path: string }[]) => files.map((f) => f.path).filter((p) => p !== 'kustomization.yaml');
    expect(names(after)).toEqual(expect.arrayContaining(names(before)));
    expect(names(after).filter((p) => !names(before).includes(p)).sort()).toEqual(['networkpolicy-virtrigaud-provider-extra.yaml', 'provider-extra.yaml']);
  });

  (kubectl ? test : test.skip)('kubectl kustomize builds exactly the rendered objects', () => {
    const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const built = parseAllDocuments(out).map((d) => d.toJS());
    expect(built.map(objectId).sort()).toEqual(result.manifests.map(objectId).sort());
  });
  if (!kubectl) console.warn('kubectl not found: the kubectl kustomize check was skipped');
});
