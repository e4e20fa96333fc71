import { readFileSync } from 'fs';
import { compareContracts, extractContract, ReleaseContract } from '../../lib/rendering/contract';
import { CONTRACT_CASES, CONTRACT_FIXTURE } from '../../lib/gitops/contract-cases';
import { packagePath } from '../../lib/paths';
import { renderRelease } from '../../lib/rendering/render';

const fixture: { toolkitVersion: string; cases: Record<string, ReleaseContract> } = JSON.parse(readFileSync(packagePath(CONTRACT_FIXTURE), 'utf8'));
const rendered = Object.fromEntries(Object.entries(CONTRACT_CASES).map(([name, options]) => [name, renderRelease(options).manifests as any[]]));

describe(`upgrade from the recorded release contract (toolkit ${fixture.toolkitVersion})`, () => {
  test('every recorded case is still rendered', () => {
    expect(Object.keys(fixture.cases).sort()).toEqual(Object.keys(CONTRACT_CASES).sort());
  });

  test.each(Object.keys(CONTRACT_CASES))('%s: kubectl apply over the previous release breaks nothing', (name) => {
    expect(compareContracts(fixture.cases[name], extractContract(rendered[name]))).toEqual([]);
  });

  test('the contract holds the facts a live cluster depends on', () => {
    const c = fixture.cases['documented-deployment'];
    const deployment = c.objects.find((o) => o.id === 'apps/Deployment virtrigaud-system/virtrigaud-manager');
    expect(JSON.parse(deployment!.fields['spec.selector'])).toEqual({
      matchLabels: { 'app.kubernetes.io/component': 'manager', 'app.kubernetes.io/instance': 'virtrigaud', 'app.kubernetes.io/name': 'virtrigaud' },
    });
    expect(c.links['monitoring.coreos.com/ServiceMonitor virtrigaud-system/virtrigaud-providers'].length).toBeGreaterThanOrEqual(3);
    expect(c.links['monitoring.coreos.com/ServiceMonitor virtrigaud-system/virtrigaud-manager']).toEqual(['core/Service virtrigaud-system/virtrigaud-manager']);
  });
});

describe('what the contract comparison catches', () => {
  const base = rendered['documented-deployment'];
  const previous = extractContract(base);
  const mutate = (fn: (objects: any[]) => void) => {
    const copy = structuredClone(base);
    fn(copy);
    return compareContracts(previous, extractContract(copy));
  };
  const find = (objects: any[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

  test('a changed Deployment selector', () => {
    const breakages = mutate((o) => {
      const d = find(o, 'Deployment', 'virtrigaud-manager');
      d.spec.selector.matchLabels['app.kubernetes.io/version'] = 'v0.3.12';
    });
    expect(breakages).toEqual([expect.objectContaining({ id: 'apps/Deployment virtrigaud-system/virtrigaud-manager', message: expect.stringMatching(/spec\.selector changed.*immutable/) })]);
  });

  test('a renamed Service that a ServiceMonitor depends on', () => {
    const breakages = mutate((o) => {
      find(o, 'Service', 'virtrigaud-manager').metadata.name = 'virtrigaud-controller';
    });
    expect(breakages.map((b) => b.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/no longer scrapes core\/Service virtrigaud-system\/virtrigaud-manager \(renamed or removed\)/),
        expect.stringMatching(/was removed or renamed: peers address it by name/),
      ]),
    );
  });

  test('a renamed Service port, a changed roleRef, a changed jobLabel, a changed CRD scope', () => {
    const messages = mutate((o) => {
      find(o, 'Service', 'virtrigaud-manager').spec.ports[0].name = 'http-metrics';
      find(o, 'ClusterRoleBinding', 'virtrigaud-manager').roleRef.name = 'other';
      find(o, 'ServiceMonitor', 'virtrigaud-providers').spec.jobLabel = 'app';
      find(o, 'CustomResourceDefinition', 'providers.infra.virtrigaud.io').spec.scope = 'Cluster';
    }).map((b) => `${b.id}: ${b.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Service virtrigaud-system\/virtrigaud-manager: port names metrics disappeared/),
        expect.stringMatching(/ServiceMonitor virtrigaud-system\/virtrigaud-manager: no longer scrapes/),
        expect.stringMatching(/ClusterRoleBinding virtrigaud-manager: roleRef changed.*immutable/),
        expect.stringMatching(/ServiceMonitor virtrigaud-system\/virtrigaud-providers: jobLabel changed/),
        expect.stringMatching(/CustomResourceDefinition providers.infra.virtrigaud.io: spec.scope changed/),
      ]),
    );
  });

  test('changes that are safe are not flagged: labels, replicas, images, added objects', () => {
    expect(
      mutate((o) => {
        const d = find(o, 'Deployment', 'virtrigaud-manager');
        d.metadata.labels['app.kubernetes.io/version'] = 'v0.3.12';
        d.spec.template.metadata.labels['app.kubernetes.io/version'] = 'v0.3.12';
        d.spec.replicas = 5;
        d.spec.template.spec.containers[0].image = 'ghcr.io/projectbeskar/virtrigaud/manager:v0.3.12';
        o.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'new', namespace: 'virtrigaud-system' } });
      }),
    ).toEqual([]);
  });
});
