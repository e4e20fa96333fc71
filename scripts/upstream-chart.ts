/**
 * VirtRigaud v0.3.11's Helm chart as its release packaged it, for the migration test
 * (test/e2e/migration.test.ts) and the bench's `helm template` peer. Read from the VirtRigaud Go
 * module (`go mod download`: the module cache, else the Go proxy), never copied into this project.
 *
 * The module's charts/virtrigaud is the chart before packaging: Chart.yaml says version 0.3.0 and
 * crds/ holds only .gitkeep (crds/*.yaml is git-ignored upstream). The release workflow
 * (.github/workflows/release.yml at v0.3.11, job "Build and Package Helm Chart") sets `version` to
 * 0.3.11 and `appVersion` to "v0.3.11", sets every image `tag:` of values.yaml to v0.3.11, and fills
 * crds/ with `make gen-helm-crds` (controller-gen, the same CRDs as config/crd/bases).
 * packageUpstreamChart does the same to a copy in a folder of the caller's.
 */
import { spawnSync } from 'child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

export const UPSTREAM_MODULE = 'github.com/projectbeskar/virtrigaud';
export const UPSTREAM_TAG = 'v0.3.11';

/** The chart's values that turn its monitoring on (its values.yaml, `observability`). */
export const CHART_MONITORING_VALUES = `observability:
  prometheus:
    enabled: true
    serviceMonitor: { enabled: true }
    prometheusRule: { enabled: true }
  grafana:
    enabled: true
    dashboards: { enabled: true }
`;

/** The VirtRigaud module folder (`go mod download -json`), or why there is none. */
export function upstreamModuleDir(): { dir: string } | { missing: string } {
  // As scripts/e2e-build.sh: Go's default install folder when `go` is not on PATH.
  const go = spawnSync('go', ['version']).error && existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  const r = spawnSync(go, ['mod', 'download', '-json', `${UPSTREAM_MODULE}@${UPSTREAM_TAG}`], { encoding: 'utf8', cwd: '/', timeout: 300_000 });
  if (r.error) return { missing: `go mod download ${UPSTREAM_MODULE}@${UPSTREAM_TAG}: ${r.error.message} (is Go installed and on PATH?)` };
  const out = (() => {
    try {
      return JSON.parse(r.stdout) as { Dir?: string; Error?: string };
    } catch {
      return {};
    }
  })();
  if (r.status !== 0 || !out.Dir) return { missing: `go mod download ${UPSTREAM_MODULE}@${UPSTREAM_TAG}: ${out.Error ?? r.stderr.trim()}` };
  return { dir: out.Dir };
}

/** Copies the module's chart into `into`/virtrigaud and packages it as the release did; returns the chart folder. */
export function packageUpstreamChart(moduleDir: string, into: string): string {
  const chart = join(into, 'virtrigaud');
  cpSync(join(moduleDir, 'charts', 'virtrigaud'), chart, { recursive: true });
  chmodTree(chart); // the module cache is read-only
  const version = UPSTREAM_TAG.replace(/^v/, '');
  const chartYaml = join(chart, 'Chart.yaml');
  // The workflow's seds: s/version: .*/version: <version>/ and s/appVersion: .*/appVersion: "<tag>"/.
  writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace(/version: .*/g, `version: ${version}`).replace(/appVersion: .*/g, `appVersion: "${UPSTREAM_TAG}"`));
  const valuesYaml = join(chart, 'values.yaml');
  writeFileSync(valuesYaml, readFileSync(valuesYaml, 'utf8').replace(/^(\s+)tag: "[^"]*"/gm, `$1tag: "${UPSTREAM_TAG}"`));
  const bases = join(moduleDir, 'config', 'crd', 'bases');
  for (const f of readdirSync(bases).filter((f) => f.endsWith('.yaml'))) cpSync(join(bases, f), join(chart, 'crds', f));
  return chart;
}

function chmodTree(path: string): void {
  chmodSync(path, 0o755);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, entry.name);
    if (entry.isDirectory()) chmodTree(p);
    else chmodSync(p, 0o644);
  }
}
