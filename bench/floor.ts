/**
 * The floor of the benchmark (`npm run bench`): start Node, read already rendered objects (JSON)
 * and write them as YAML with the renderer's serializer, nothing else.
 *
 *   node build/bench/floor.js <objects.json> <out-folder> [--yaml-lib]
 *
 * `objects.json` holds `[{ "path": "<file>", "objects": [...] }]`; each file is written like the
 * renderer writes it (documents joined by `---`). `--yaml-lib` serializes with `yaml.stringify`
 * and the same options instead (what the renderer used before its own emitter).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';

const [input, out] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const useYamlLib = process.argv.includes('--yaml-lib');
/* eslint-disable @typescript-eslint/no-require-imports */
const toYaml: (o: unknown) => string = useYamlLib
  ? ((y, opts) => (o: unknown) => y.stringify(o, opts))(require('yaml') as typeof import('yaml'), (require('../lib/rendering/yaml-emitter') as typeof import('../lib/rendering/yaml-emitter')).YAML_OPTIONS)
  : (require('../lib/rendering/serialize') as typeof import('../lib/rendering/serialize')).toYamlDocument;
/* eslint-enable @typescript-eslint/no-require-imports */

const files = JSON.parse(readFileSync(input, 'utf8')) as { path: string; objects: unknown[] }[];
for (const f of files) {
  const target = join(out, f.path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, f.objects.map(toYaml).join('---\n'));
}
