/**
 * `lint` is for output edited by hand, so it must survive anything: any value put anywhere in a
 * rendered release yields a report (findings), never a crash of a check. Seeded by fc-settings.ts.
 */
import fc from 'fast-check';
import { lintManifests } from '../../lib/lint/lint';
import { renderRelease } from '../../lib/rendering/render';
import { packagePath } from '../../lib/paths';
import { check } from './fc-settings';

type Obj = any;


const base: Obj[] = JSON.parse(
  JSON.stringify(renderRelease({ valuesFiles: [packagePath('examples/all-providers.yaml')], set: ['crds.install=false,manager.metrics.secure=true,manager.replicas=2'] }).manifests),
);

function paths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...path, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...path, k]))];
  return here;
}
const ALL_PATHS = base.flatMap((o, i) => paths(o, [i])).filter((p) => p.length >= 2);

test('lint reports on any hand edit and never crashes', () => {
  expect(lintManifests(base)).toEqual([]);
  check(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, [], {}, '*', [null], [{}], [1]))), { minLength: 1, maxLength: 3 }), (edits) => {
        const objects = structuredClone(base);
        for (const [pick, value] of edits) {
          const path = ALL_PATHS[pick % ALL_PATHS.length];
          let node = objects as unknown as Record<string | number, unknown>;
          for (const key of path.slice(0, -1)) {
            if (node === null || typeof node !== 'object') break;
            node = node[key] as Record<string | number, unknown>;
          }
          if (node !== null && typeof node === 'object') node[path[path.length - 1]] = structuredClone(value);
        }
        const findings = lintManifests(objects);
        expect(findings.filter((f) => f.message.startsWith('could not run'))).toEqual([]);
        for (const f of findings) expect(typeof f.check === 'string' && typeof f.object === 'string' && typeof f.message === 'string').toBe(true);
      }),
      150,
  );
}, 60_000);
