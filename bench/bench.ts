/**
 * `npm run bench`: how fast rendering is, against the stock cdk8s workflow and against the floor.
 *
 * Cases: the default release; releases with 10, 100, 500 and 1,000 providers (deployment mode,
 * types mixed; 500 to judge linearity); 20 environments in one run (`--all-environments`). For each case, in fresh processes:
 *
 * - ours (npm): the README's command, `npm run synth -- … --output <tmp>`;
 * - ours (node): the same without npm, `node build/bin/virtrigaud.js synth …`;
 * - stock: the same constructs through `cdk8s synth` with ts-node, as `cdk8s init` sets it up
 *   (bench/stock-app);
 * - floor: Node start-up, reading the rendered objects as JSON and writing them as YAML with the
 *   renderer's serializer (bench/floor.ts); also with `yaml.stringify` for reference.
 *
 * Wall time is measured around each process; peak memory is the largest resident set of the
 * process tree (GNU time's %M, else `process.resourceUsage()` of every Node process). Runs of the
 * variants are interleaved; the table shows medians. Writes bench/RESULTS.md.
 *
 * `--baseline <dir>` adds a column for another built checkout of the project (e.g. the commit
 * before a change), run through its own `npm run synth`; `--baseline-label` describes it.
 *
 * Peer: `helm template` (Helm v3.22.0, the e2e peer `npm run e2e:build -- helm` builds) of
 * VirtRigaud's own chart, as v0.3.11 released it (scripts/upstream-chart.ts, from the Go module),
 * with its CRDs and monitoring, timed beside our render of the default release (the same
 * installation: CRDs, manager, RBAC, ServiceMonitor, PrometheusRule, dashboard). Skipped with a
 * message when the helm binary or the Go module is not available, or with `--no-helm`.
 *
 *   npm run bench [-- --runs 9] [--stock-runs 3] [--no-stock] [--no-helm] [--only <case,…>] [--baseline <dir> [--baseline-label <text>]] [--out bench/RESULTS.md]
 */
import { execFileSync, spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { cpus, loadavg, tmpdir, totalmem, type as osType, release as osRelease } from 'os';
import { join, relative, resolve } from 'path';
import { PACKAGE_ROOT } from '../lib/paths';
import { HELM_BINARY, peerBinary } from '../scripts/peers';
import { CHART_MONITORING_VALUES, packageUpstreamChart, UPSTREAM_TAG, upstreamModuleDir } from '../scripts/upstream-chart';

interface Options {
  runs: number;
  stockRuns: number;
  stock: boolean;
  helm: boolean;
  /** Case ids to run (default: all). */
  only?: string[];
  out: string;
  baseline?: string;
  baselineLabel?: string;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { runs: 9, stockRuns: 3, stock: true, helm: true, out: join(PACKAGE_ROOT, 'bench', 'RESULTS.md') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--stock-runs') o.stockRuns = Number(argv[++i]);
    else if (a === '--no-stock') o.stock = false;
    else if (a === '--no-helm') o.helm = false;
    else if (a === '--only') o.only = argv[++i].split(',');
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--baseline') o.baseline = argv[++i];
    else if (a === '--baseline-label') o.baselineLabel = argv[++i];
    else throw new Error(`bench: unknown argument ${a}`);
  }
  if (!(o.runs >= 1) || !(o.stockRuns >= 1)) throw new Error('bench: --runs and --stock-runs must be at least 1');
  return o;
}

// --- inputs ---

const TYPES = ['vsphere', 'libvirt', 'proxmox'] as const;

function provider(i: number) {
  const type = TYPES[i % 3];
  const endpoint =
    type === 'vsphere' ? `https://vcenter-${i}.example.com/sdk` : type === 'libvirt' ? `qemu+ssh://virtrigaud@kvm-${i}.example.com/system` : `https://pve-${i}.example.com:8006`;
  return { name: `p${i}-${type}`, type, endpoint, credentialsSecret: `${type}-credentials-${i}` };
}

function providersYaml(n: number, from = 0): string {
  if (n === 0) return 'providers: []\n';
  const lines = ['providers:'];
  for (let i = from; i < from + n; i++) {
    const p = provider(i);
    lines.push(`  - name: ${p.name}`, `    type: ${p.type}`, `    endpoint: ${JSON.stringify(p.endpoint)}`, `    credentialsSecret: ${p.credentialsSecret}`);
  }
  return `${lines.join('\n')}\n`;
}

interface Case {
  readonly id: string;
  readonly title: string;
  /** CLI arguments after `synth` (without --output). */
  readonly args: string[];
  /** Environment of the stock app. */
  readonly stockEnv: Record<string, string>;
  readonly providers?: number;
}

function makeCases(tmp: string): Case[] {
  const cases: Case[] = [{ id: 'default', title: 'default release', args: [], stockEnv: {} }];
  for (const n of [10, 100, 500, 1000]) {
    const yamlFile = join(tmp, `providers-${n}.yaml`);
    writeFileSync(yamlFile, providersYaml(n));
    const jsonFile = join(tmp, `providers-${n}.json`);
    writeFileSync(jsonFile, JSON.stringify({ providers: Array.from({ length: n }, (_, i) => provider(i)) }));
    cases.push({ id: `p${n}`, title: `${n.toLocaleString('en')} providers`, args: ['-f', yamlFile], stockEnv: { BENCH_VALUES_JSON: jsonFile }, providers: n });
  }
  const envs = join(tmp, 'environments');
  mkdirSync(envs);
  writeFileSync(join(envs, 'values.yaml'), 'commonLabels:\n  team: platform\nmanager:\n  logLevel: info\n');
  for (let e = 0; e < 20; e++) {
    const name = `env-${String(e + 1).padStart(2, '0')}`;
    mkdirSync(join(envs, name));
    writeFileSync(
      join(envs, name, 'values.yaml'),
      `namespace: virtrigaud-${name}\nmanager:\n  replicas: ${1 + (e % 3)}\n${providersYaml(3, e * 3)}`,
    );
  }
  cases.push({ id: 'envs20', title: '20 environments, one run', args: ['--all-environments', '--environments', envs], stockEnv: { BENCH_ENVIRONMENTS: envs } });
  return cases;
}

// --- the helm peer ---

/** `helm template` of the upstream chart, or why it cannot run. */
function helmTemplateCommand(tmp: string): { cmd: string; args: (out: string) => string[] } | { missing: string } {
  const helm = peerBinary(HELM_BINARY);
  if (!helm) return { missing: `${HELM_BINARY} is not built (npm run e2e:build -- helm)` };
  const module = upstreamModuleDir();
  if ('missing' in module) return { missing: module.missing };
  const chart = packageUpstreamChart(module.dir, tmp);
  const values = join(tmp, 'chart-monitoring-values.yaml');
  writeFileSync(values, CHART_MONITORING_VALUES);
  return {
    cmd: helm,
    args: (out) => ['template', 'virtrigaud', chart, '-n', 'virtrigaud-system', '-f', values, '--include-crds', '--api-versions', 'monitoring.coreos.com/v1', '--output-dir', out],
  };
}

// --- measuring ---

interface Sample {
  wall: number; // seconds
  rssKb: number;
  failed?: string;
}

const GNU_TIME = '/usr/bin/time';
const hasGnuTime = existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-f', '%M', 'true']).status === 0;
const RSS_HOOK = join(__dirname, 'rss-hook.js');

function measure(cmd: string, args: string[], opts: { cwd: string; env?: Record<string, string>; tmp: string; mayFail?: boolean }): Sample {
  const rssFile = join(opts.tmp, `rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  let argv0 = cmd;
  let argv = args;
  if (hasGnuTime) {
    argv0 = GNU_TIME;
    argv = ['-f', '%M', '-o', rssFile, cmd, ...args];
  } else {
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${RSS_HOOK}`.trim();
    env.BENCH_RSS_FILE = rssFile;
  }
  const start = process.hrtime.bigint();
  const r = spawnSync(argv0, argv, { cwd: opts.cwd, env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && opts.mayFail) return { wall, rssKb: NaN, failed: `exit ${r.status}` };
  if (r.status !== 0) {
    throw new Error(`bench: ${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr?.toString().slice(-2000)}`);
  }
  let rssKb = NaN;
  try {
    const text = readFileSync(rssFile, 'utf8').trim();
    rssKb = Math.max(...text.split(/\s+/).filter((l) => /^\d+$/.test(l)).map(Number));
  } catch {
    /* no report */
  }
  rmSync(rssFile, { force: true });
  return { wall, rssKb };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Stats {
  runs: number;
  wall: number;
  minWall: number;
  rssMb: number;
  failed?: string;
}

function stats(samples: readonly Sample[]): Stats {
  const failed = samples.find((s) => s.failed);
  if (failed) return { runs: samples.length, wall: NaN, minWall: NaN, rssMb: NaN, failed: failed.failed };
  return {
    runs: samples.length,
    wall: median(samples.map((s) => s.wall)),
    minWall: Math.min(...samples.map((s) => s.wall)),
    rssMb: median(samples.map((s) => s.rssKb)) / 1024,
  };
}

// --- the objects for the floor: rendered once, in this process, by the compiled modules ---

function writeFloorInput(c: Case, file: string): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { renderRelease } = require('../lib/rendering/render') as typeof import('../lib/rendering/render');
  const { renderEnvironments } = require('../lib/rendering/environments') as typeof import('../lib/rendering/environments');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const i = c.args.indexOf('--environments');
  const groups =
    i >= 0
      ? renderEnvironments(c.args[i + 1]).environments.map((e) => ({ path: `${e.name}/${e.result.values.releaseName}.yaml`, objects: e.result.manifests }))
      : (() => {
          const r = renderRelease({ valuesFiles: c.args[0] === '-f' ? [c.args[1]] : [] });
          return [{ path: `${r.values.releaseName}.yaml`, objects: r.manifests }];
        })();
  writeFileSync(file, JSON.stringify(groups));
}

// --- report ---

function machine(): string[] {
  const cpuModel = (() => {
    try {
      return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model ?? '?';
    } catch {
      return cpus()[0]?.model ?? '?';
    }
  })();
  const nproc = (() => {
    try {
      return execFileSync('nproc', { encoding: 'utf8' }).trim();
    } catch {
      return String(cpus().length);
    }
  })();
  const npmVersion = (() => {
    try {
      return execFileSync('npm', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '?';
    }
  })();
  return [
    `- CPU: ${cpuModel}, \`nproc\` = ${nproc}`,
    `- Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${osType()} ${osRelease()}`,
    `- Node.js ${process.version}, npm ${npmVersion}`,
  ];
}

/** Documents with a top-level `kind` in the YAML files under a folder (helm template --output-dir). */
function countObjects(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return n + countObjects(path);
    return n + (e.name.endsWith('.yaml') ? (readFileSync(path, 'utf8').match(/^kind: /gm) ?? []).length : 0);
  }, 0);
}

function fmtS(s: number): string {
  return `${s.toFixed(2)} s`;
}
function fmtMb(mb: number): string {
  return Number.isFinite(mb) ? `${Math.round(mb)} MB` : 'n/a';
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const bin = join(PACKAGE_ROOT, 'build', 'bin', 'virtrigaud.js');
  const floor = join(__dirname, 'floor.js');
  if (!existsSync(bin) || !existsSync(floor)) throw new Error('bench: run `npm run build` first');
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { loadBundle } = require('../lib/cli/bundle') as typeof import('../lib/cli/bundle');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const bundle = loadBundle(join(PACKAGE_ROOT, 'build', 'lib', 'cli'), PACKAGE_ROOT);
  const cliMode = !bundle ? 'compiled modules (no current bundle: run `npm run build`)' : bundle.cacheRejected === false ? 'single-file bundle with V8 code cache' : 'single-file bundle without code cache';

  const tmp = mkdtempSync(join(tmpdir(), 'virtrigaud-bench-'));
  const load0 = loadavg();
  const started = new Date();
  const results: { c: Case; ours: Stats; node: Stats; floor: Stats; floorYaml: Stats; stock?: Stats; baseline?: Stats; helm?: Stats; helmObjects?: number; same: boolean; yamlLinesDiffering: number }[] = [];
  let helmSkipped: string | undefined = opts.helm ? undefined : '`--no-helm`';
  const startup: { node?: Stats; npm?: Stats } = {};
  const baseline = opts.baseline ? resolve(opts.baseline) : undefined;
  if (baseline && !existsSync(join(baseline, 'build', 'bin', 'virtrigaud.js'))) throw new Error(`bench: ${baseline} has no build/bin/virtrigaud.js (build it first)`);
  try {
    // What every command pays before any work: Node.js start-up, and npm's own for `npm run`.
    {
      const nodeRuns: Sample[] = [];
      const npmRuns: Sample[] = [];
      for (let i = -1; i < opts.runs; i++) {
        const a = measure(process.execPath, ['-e', '0'], { cwd: PACKAGE_ROOT, tmp });
        const b = measure('npm', ['run', '--silent', 'env'], { cwd: PACKAGE_ROOT, tmp });
        if (i >= 0) {
          nodeRuns.push(a);
          npmRuns.push(b);
        }
      }
      startup.node = stats(nodeRuns);
      startup.npm = stats(npmRuns);
    }
    const cases = makeCases(tmp).filter((c) => !opts.only || opts.only.includes(c.id));
    if (cases.length === 0) throw new Error(`bench: --only ${opts.only?.join(',')}: no such case (cases: default, p10, p100, p500, p1000, envs20)`);
    const helmTemplate = opts.helm ? helmTemplateCommand(tmp) : undefined;
    if (helmTemplate && 'missing' in helmTemplate) {
      helmSkipped = helmTemplate.missing;
      process.stderr.write(`bench: helm template peer skipped: ${helmSkipped}\n`);
    }
    const stockDir = join(PACKAGE_ROOT, 'bench', 'stock-app');
    for (const c of cases) {
      if (bundle && !loadBundle(join(PACKAGE_ROOT, 'build', 'lib', 'cli'), PACKAGE_ROOT)) {
        throw new Error('bench: the sources changed during the run (the CLI bundle is no longer current): run `npm run build` and the benchmark again');
      }
      process.stderr.write(`bench: ${c.title} `);
      const objects = join(tmp, `${c.id}-objects.json`);
      writeFloorInput(c, objects);
      const out = (v: string, i: number) => join(tmp, `out-${c.id}-${v}-${i}`);
      const variants: { key: 'ours' | 'node' | 'floor' | 'floorYaml' | 'stock' | 'baseline' | 'helm'; run: (i: number) => Sample; runs: number }[] = [
        { key: 'ours', runs: opts.runs, run: (i) => measure('npm', ['run', '--silent', 'synth', '--', ...c.args, '--output', out('npm', i)], { cwd: PACKAGE_ROOT, tmp }) },
        { key: 'node', runs: opts.runs, run: (i) => measure(process.execPath, [bin, 'synth', ...c.args, '--output', out('node', i)], { cwd: PACKAGE_ROOT, tmp }) },
        { key: 'floor', runs: opts.runs, run: (i) => measure(process.execPath, [floor, objects, out('floor', i)], { cwd: PACKAGE_ROOT, tmp }) },
        { key: 'floorYaml', runs: opts.runs, run: (i) => measure(process.execPath, [floor, objects, out('floor-yaml', i), '--yaml-lib'], { cwd: PACKAGE_ROOT, tmp }) },
      ];
      if (baseline) {
        variants.push({ key: 'baseline', runs: opts.runs, run: (i) => measure('npm', ['run', '--silent', 'synth', '--', ...c.args, '--output', out('baseline', i)], { cwd: baseline, tmp, mayFail: true }) });
      }
      if (c.id === 'default' && helmTemplate && !('missing' in helmTemplate)) {
        variants.push({ key: 'helm', runs: opts.runs, run: (i) => measure(helmTemplate.cmd, helmTemplate.args(out('helm', i)), { cwd: PACKAGE_ROOT, tmp }) });
      }
      if (opts.stock) {
        variants.push({ key: 'stock', runs: opts.stockRuns, run: (i) => measure('npx', ['cdk8s', 'synth', '--output', out('stock', i)], { cwd: stockDir, env: c.stockEnv, tmp }) });
      }
      // One warm-up run of each (file cache), then interleaved measured runs.
      for (const v of variants) v.run(-1);
      const samples = new Map<string, Sample[]>(variants.map((v) => [v.key, []]));
      const rounds = Math.max(...variants.map((v) => v.runs));
      for (let i = 0; i < rounds; i++) {
        const order = i % 2 === 0 ? variants : [...variants].reverse();
        for (const v of order) if (i < v.runs) samples.get(v.key)!.push(v.run(i));
        process.stderr.write('.');
      }
      // The floor writes exactly what the renderer writes (same objects, same serializer); yaml.stringify
      // the same except the scalars the emitter quotes for YAML 1.1 readers (lines counted).
      const rel = (v: string) => join(tmp, `out-${c.id}-${v}-0`);
      const files = (JSON.parse(readFileSync(objects, 'utf8')) as { path: string }[]).map((f) => f.path);
      const same = files.every((f) => readFileSync(join(rel('node'), f), 'utf8') === readFileSync(join(rel('floor'), f), 'utf8'));
      const yamlLinesDiffering = files.reduce((n, f) => {
        const [a, b] = [readFileSync(join(rel('floor-yaml'), f), 'utf8').split('\n'), readFileSync(join(rel('floor'), f), 'utf8').split('\n')];
        return n + (a.length === b.length ? a.filter((line, i) => line !== b[i]).length : Infinity);
      }, 0);
      const get = (k: string) => (samples.get(k)?.length ? stats(samples.get(k)!) : undefined);
      const helmObjects = samples.get('helm')?.length ? countObjects(out('helm', 0)) : undefined;
      results.push({ c, ours: get('ours')!, node: get('node')!, floor: get('floor')!, floorYaml: get('floorYaml')!, stock: get('stock'), baseline: get('baseline'), helm: get('helm'), helmObjects, same, yamlLinesDiffering });
      for (const v of variants) for (let i = -1; i < v.runs; i++) rmSync(out(v.key === 'ours' ? 'npm' : v.key === 'floorYaml' ? 'floor-yaml' : v.key, i), { recursive: true, force: true });
      rmSync(objects, { force: true });
      process.stderr.write(` ${fmtS(results[results.length - 1].ours.wall)}\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const load1 = loadavg();

  // --- the report ---
  const by = (id: string) => results.find((r) => r.c.id === id);
  const lines: string[] = [];
  lines.push('# Rendering benchmark', '');
  lines.push(`Written by \`npm run bench\` (bench/bench.ts) on ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC.`, '');
  lines.push('## Machine', '', ...machine());
  lines.push(`- Load average (1 min) at start ${load0[0].toFixed(2)}, at end ${load1[0].toFixed(2)}`);
  lines.push(`- Peak memory from ${hasGnuTime ? 'GNU time (%M, largest process of the tree)' : 'process.resourceUsage() of each Node process'}`);
  lines.push(`- The CLI ran from: ${cliMode}`);
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: PACKAGE_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    lines.push(`- Source: commit ${head}${dirty ? ' with uncommitted changes' : ''}`);
  } catch {
    /* not a git checkout */
  }
  lines.push('');
  lines.push('## Results', '');
  lines.push(`Median wall time (and the fastest run) and median peak memory of ${opts.runs} runs (stock: ${opts.stockRuns} runs); each variant ran once more before, unmeasured. Fresh processes, runs of the variants interleaved.`, '');
  const withBase = results.some((r) => r.baseline);
  lines.push(`| Case | ours: \`npm run synth\` | ours: \`node build/bin/virtrigaud.js synth\` |${withBase ? ' before: `npm run synth` |' : ''} stock \`cdk8s synth\` (ts-node) | floor | floor with \`yaml.stringify\` | stock ÷ ours (npm) | ours (node) ÷ floor |`);
  lines.push(`|---|---|---|${withBase ? '---|' : ''}---|---|---|---|---|`);
  for (const r of results) {
    const cell = (s: Stats | undefined) => (!s ? '—' : s.failed ? `fails (${s.failed})` : `${fmtS(s.wall)} (min ${fmtS(s.minWall)}), ${fmtMb(s.rssMb)}`);
    lines.push(
      `| ${r.c.title} | ${cell(r.ours)} | ${cell(r.node)} |${withBase ? ` ${cell(r.baseline)} |` : ''} ${cell(r.stock)} | ${cell(r.floor)} | ${cell(r.floorYaml)} | ${r.stock ? `${(r.stock.wall / r.ours.wall).toFixed(1)}×` : '—'} | ${(r.node.wall / r.floor.wall).toFixed(1)}× |`,
    );
  }
  lines.push('');
  lines.push(`- **ours (npm)**: the README's command (\`npm run synth -- <args> --output <tmp>\`), npm included: \`npm run\` of a script that does nothing (\`npm run env\`) takes ${fmtS(startup.npm!.wall)} here, and \`node -e 0\` ${fmtS(startup.node!.wall)} (medians).`);
  if (withBase) lines.push(`- **before**: the same through \`npm run synth\` of ${opts.baselineLabel ?? opts.baseline} (\`--baseline\`).`);
  lines.push('- **stock**: bench/stock-app, the same `VirtRigaud` construct from source in `new App(); new Chart(); app.synth()`, run with `npx cdk8s synth` and `app: npx ts-node main.ts` (type-checked on every run), as `cdk8s init typescript-app` sets it up. It does less than ours: no schema validation, no install ordering.');
  const yamlLines = results.map((r) => r.yamlLinesDiffering);
  lines.push(
    '- **floor**: Node start-up, reading the very objects ours renders (JSON) and writing them with the renderer\'s serializer' +
      (results.every((r) => r.same) ? ' (checked: floor and ours wrote identical files in every case)' : ' — **but floor and ours wrote different files in this run**') +
      '; `yaml.stringify` with the same options writes the same bytes except the scalars the serializer quotes for YAML 1.1 readers such as kubectl' +
      (yamlLines.every(isFinite) ? ` (${Math.min(...yamlLines)} to ${Math.max(...yamlLines)} lines differ).` : ' — **but the files differ in more than quoting in this run**.'),
  );
  lines.push('');

  const p100 = by('p100');
  const p1000 = by('p1000');
  const p10 = by('p10');
  const helmRun = results.find((r) => r.helm);
  lines.push('## Peer: `helm template` of VirtRigaud\'s chart', '');
  if (helmRun) {
    lines.push(
      `The same installation rendered by VirtRigaud's own Helm chart (chart ${UPSTREAM_TAG.replace(/^v/, '')} as released, from the Go module; Helm v3.22.0 built from its Go module): \`helm template\` with \`--include-crds\`, the chart's monitoring on and \`--output-dir\`, ${helmRun.helmObjects} objects (5 of them its CRD-upgrade hook). Helm parses templates and writes YAML; it validates nothing against a schema. Medians of ${opts.runs} runs (and the fastest), peak memory; interleaved with the runs above.`,
      '',
      '| Case | ours: `npm run synth` | ours: `node build/bin/virtrigaud.js synth` | `helm template` | ours (node) ÷ helm |',
      '|---|---|---|---|---|',
    );
    const cell = (s: Stats) => `${fmtS(s.wall)} (min ${fmtS(s.minWall)}), ${fmtMb(s.rssMb)}`;
    lines.push(`| ${helmRun.c.title} | ${cell(helmRun.ours)} | ${cell(helmRun.node)} | ${cell(helmRun.helm!)} | ${(helmRun.node.wall / helmRun.helm!.wall).toFixed(1)}× |`, '');
  } else {
    lines.push(`Not measured in this run: ${helmSkipped ?? 'the default case did not run (`--only`)'}.`, '');
  }
  lines.push('## Targets', '');
  const target = (ok: boolean, text: string) => lines.push(`- ${ok ? '✅' : '❌'} ${text}`);
  const def = by('default');
  if (def) target(def.ours.wall < 0.5, `default release through the README's command under 0.5 s: ${fmtS(def.ours.wall)} (without npm: ${fmtS(def.node.wall)})`);
  if (p1000) target(p1000.ours.wall < 2.5 && p1000.ours.rssMb < 300, `1,000 providers under 2.5 s and 300 MB: ${fmtS(p1000.ours.wall)}, ${fmtMb(p1000.ours.rssMb)}`);
  const p500 = by('p500');
  if (p10 && p100 && p500 && p1000) {
    // Judged on the fastest runs: on a shared machine background load only ever adds time, and a
    // difference of medians between close cases is mostly noise.
    type R = NonNullable<typeof p10>;
    const slope = (a: R, b: R, pick: (r: R) => number) => (pick(b) - pick(a)) / ((b.c.providers ?? 0) - (a.c.providers ?? 0));
    const fastest = (r: R) => r.node.minWall;
    const med = (r: R) => r.node.wall;
    const [s2, s3, s4] = [slope(p100, p500, fastest), slope(p500, p1000, fastest), slope(p100, p1000, fastest)];
    const ratio = s3 / s2;
    const ms = (x: number) => `${(x * 1000).toFixed(2)} ms`;
    target(
      ratio > 2 / 3 && ratio < 1.5,
      `linear in the number of providers: ${ms(s4)} per provider from 100 to 1,000 providers; ${ms(s2)} from 100 to 500 and ${ms(s3)} from 500 to 1,000 (ratio ${ratio.toFixed(2)}; fastest runs of \`node build/bin/virtrigaud.js\`; with medians: ${ms(slope(p100, p1000, med))}, ${ms(slope(p100, p500, med))} and ${ms(slope(p500, p1000, med))}; from 10 to 100: ${ms(slope(p10, p100, fastest))})`,
    );
  }
  const speedups = results.filter((r) => r.stock).map((r) => r.stock!.wall / r.ours.wall);
  if (speedups.length > 0) target(Math.min(...speedups) >= 5, `at least 5 times faster than the stock workflow on the same constructs: ${Math.min(...speedups).toFixed(1)}× to ${Math.max(...speedups).toFixed(1)}×`);
  lines.push('');

  writeFileSync(opts.out, `${lines.join('\n')}`);
  process.stderr.write(`bench: wrote ${relative(process.cwd(), opts.out) || opts.out}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
