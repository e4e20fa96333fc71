import { readFileSync } from 'fs';
import { k8s } from 'cdk8s-plus-28';
import { slimK8sImports } from '../../scripts/build-bundle';

/** The bundle's cut-down Kubernetes L1 imports behave as the original module for the names kept. */
describe('slimmed k8s imports of the bundle', () => {
  const file = require.resolve('cdk8s-plus-28/lib/imports/k8s.js');
  const roots = new Set(['KubeDeployment', 'KubeService', 'KubeNetworkPolicy', 'KubeClusterRole', 'IntOrString', 'Quantity', 'Volume' /* a type: no value */]);
  const source = slimK8sImports(readFileSync(file, 'utf8'), roots);
  const module = { exports: {} as Record<string, unknown> };
  // eslint-disable-next-line no-new-func -- runs the slimmed module source, as the bundle does
  new Function('exports', 'require', 'module', source)(module.exports, require, module);
  const slim = module.exports as unknown as typeof k8s;

  test('exports the names used, a fraction of the module', () => {
    expect(Object.keys(slim).sort()).toEqual(['IntOrString', 'KubeClusterRole', 'KubeDeployment', 'KubeNetworkPolicy', 'KubeService', 'Quantity']);
    expect(source.length).toBeLessThan(readFileSync(file, 'utf8').length / 5);
    expect(slim.KubeDeployment.GVK).toEqual(k8s.KubeDeployment.GVK);
  });

  test('renders the same manifests (toJson drops undefined members alike)', () => {
    const props = (m: typeof k8s): k8s.KubeDeploymentProps => ({
      metadata: { name: 'x', labels: { a: 'b' }, annotations: undefined },
      spec: {
        replicas: 2,
        selector: { matchLabels: { a: 'b' } },
        template: {
          metadata: { labels: { a: 'b' } },
          spec: {
            containers: [{
              name: 'c', image: 'i', args: ['--x'], ports: [{ containerPort: 8080, name: undefined }],
              resources: { limits: { cpu: m.Quantity.fromString('1'), memory: m.Quantity.fromString('1Gi') } },
              readinessProbe: { httpGet: { path: '/readyz', port: m.IntOrString.fromNumber(8081) } },
            }],
            volumes: [{ name: 'v', secret: { secretName: 's', optional: undefined } }],
          },
        },
      },
    });
    const original = k8s.KubeDeployment.manifest(props(k8s));
    expect(JSON.stringify(original)).not.toContain('undefined');
    expect(JSON.stringify(slim.KubeDeployment.manifest(props(slim)))).toBe(JSON.stringify(original));
    expect(Object.keys(slim.KubeDeployment.manifest(props(slim)).spec?.template.spec?.containers[0].ports?.[0] ?? {})).toEqual(['containerPort']);
  });
});
