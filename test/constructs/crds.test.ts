import { ApiObject, App, Chart, IResolver, JsonPatch, ResolutionContext } from 'cdk8s';
import { Construct } from 'constructs';
import { ReleaseContext } from '../../lib/constructs/context';
import { VirtRigaudCrds, vendoredCrds } from '../../lib/constructs/crds';
import { objectMeta } from '../../lib/constructs/labels';

const ctx: ReleaseContext = {
  releaseName: 'rel',
  namespace: 'ns',
  version: 'v0.3.11',
  commonLabels: { team: 'infra' },
  commonAnnotations: { owner: 'me' },
};

/** The CRDs as plain cdk8s ApiObjects: what VirtRigaudCrds must render. */
class PlainCrds extends Construct {
  constructor(scope: Construct, id: string, annotations: Record<string, string>) {
    super(scope, id);
    for (const crd of vendoredCrds()) {
      new ApiObject(this, crd.metadata.name, {
        apiVersion: crd.apiVersion,
        kind: crd.kind,
        metadata: objectMeta(ctx, crd.metadata.name, 'crds', { namespaced: false, annotations: { ...crd.metadata.annotations, ...annotations } }),
        spec: crd.spec,
      });
    }
  }
}

function charts(app: App) {
  const fast = new Chart(app, 'fast', { disableResourceNameHashes: true });
  const plain = new Chart(app, 'plain', { disableResourceNameHashes: true });
  const annotations = { 'argocd.argoproj.io/sync-options': 'Prune=false' };
  return { fast: new VirtRigaudCrds(fast, 'crds', { context: ctx, annotations }), plain: new PlainCrds(plain, 'crds', annotations), fastChart: fast, plainChart: plain };
}

/** Keys sorted, no null or undefined anywhere: cdk8s's sanitization leaves such data unchanged. */
function isCanonical(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(isCanonical);
  if (Object.getPrototypeOf(v) !== Object.prototype) return false;
  const keys = Object.keys(v);
  return keys.every((k, i) => i === 0 || keys[i - 1] < k) && keys.every((k) => isCanonical((v as Record<string, unknown>)[k]));
}

describe('vendored CRDs', () => {
  test('the vendored specs are canonical (VirtRigaudCrds adds them without cdk8s resolution)', () => {
    expect(vendoredCrds()).toHaveLength(10);
    for (const crd of vendoredCrds()) expect(isCanonical(crd.spec)).toBe(true);
  });

  test('render exactly as plain ApiObjects, every time toJson is called, without sharing objects', () => {
    const { fastChart, plainChart } = charts(new App());
    const expected = plainChart.toJson();
    const first = fastChart.toJson();
    expect(first).toEqual(expected);
    expect(JSON.stringify(first)).toBe(JSON.stringify(expected)); // key order too
    (first[0] as { spec: { group: string } }).spec.group = 'mutated';
    const second = fastChart.toJson();
    expect(JSON.stringify(second)).toBe(JSON.stringify(expected));
    expect(second[0].spec).not.toBe(first[0].spec);
  });

  test('JSON patches and custom resolvers apply as to any ApiObject', () => {
    class Upper implements IResolver {
      resolve(c: ResolutionContext) {
        if (typeof c.value === 'string' && c.value === 'Namespaced') c.replaceValue('Cluster');
      }
    }
    const app = new App({ resolvers: [new Upper()] });
    const { fast, plain, fastChart, plainChart } = charts(app);
    const patch = [JsonPatch.add('/spec/names/shortNames/-', 'x'), JsonPatch.add('/metadata/labels/patched', 'yes')];
    ApiObject.of(fast.node.children[0]).addJsonPatch(...patch);
    ApiObject.of(plain.node.children[0]).addJsonPatch(...patch);
    const expected = plainChart.toJson();
    expect(JSON.stringify(expected)).toContain('"scope":"Cluster"');
    expect(JSON.stringify(expected)).toContain('"patched":"yes"');
    expect(JSON.stringify(fastChart.toJson())).toBe(JSON.stringify(expected));
  });
});
