/**
 * vendor/virtrigaud-v0.3.11/SOURCES: each vendored upstream file has the recorded sha256, and is
 * byte-identical to the Go module cache's copy of github.com/projectbeskar/virtrigaud@v0.3.11
 * when that module is downloaded (`go mod download github.com/projectbeskar/virtrigaud@v0.3.11`).
 */
import { createHash } from 'crypto';
import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { homedir } from 'os';
import { join } from 'path';
import { packagePath } from '../lib/paths';

const VENDOR = packagePath('vendor/virtrigaud-v0.3.11');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const entries = readFileSync(join(VENDOR, 'SOURCES'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => {
    const [hash, here, there, ...rest] = l.trim().split(/\s+/);
    if (!there || rest.length) throw new Error(`SOURCES: not "sha256 path module-path": ${l}`);
    return { hash, here, there };
  });

function moduleDir(): string | undefined {
  let cache = process.env.GOMODCACHE;
  if (!cache) {
    try {
      cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      cache = join(process.env.GOPATH || join(homedir(), 'go'), 'pkg', 'mod');
    }
  }
  const dir = join(cache, 'github.com/projectbeskar/virtrigaud@v0.3.11');
  return existsSync(dir) ? dir : undefined;
}

test('every vendored upstream file is listed, with its sha256', () => {
  const listed = new Set(entries.map((e) => e.here));
  const onDisk = (readdirSync(VENDOR, { recursive: true }) as string[])
    .filter((f) => !['SOURCES', 'crds.json'].includes(f) && /\.[a-z]+$|LICENSE$/.test(f))
    .sort();
  expect(onDisk.filter((f) => !listed.has(f))).toEqual([]);
  for (const e of entries) expect(`${e.here} ${sha256(join(VENDOR, e.here))}`).toBe(`${e.here} ${e.hash}`);
});

const goModule = moduleDir();
(goModule ? test : test.skip)('the vendored files are byte-identical to the Go module v0.3.11', () => {
  for (const e of entries) expect(`${e.here} ${sha256(join(goModule!, e.there))}`).toBe(`${e.here} ${e.hash}`);
});
if (!goModule) console.log('vendor sources: module comparison skipped, github.com/projectbeskar/virtrigaud@v0.3.11 is not in the Go module cache');
