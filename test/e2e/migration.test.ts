/**
 * Migration from VirtRigaud's Helm chart, on a real API server with real Helm (v3.22.0, built from
 * its Go module): `helm install` of the chart as VirtRigaud v0.3.11 released it (scripts/upstream-chart.ts),
 * monitoring on, then every `sh` block of docs/migrating-from-helm.md run as written, in order.
 *
 * - No kubelet and no controllers run, so the chart's pre-install hook Job would never finish:
 *   Helm installs with --no-hooks and the test then does what that Job does (server-side apply of
 *   the chart's CRDs, field manager `kubectl`, --force-conflicts). Helm deletes the hook's objects
 *   after it succeeds and records none of them in the release (asserted from `helm get`).
 * - The manager's permissions are those the chart's ClusterRole grants (read from the installed
 *   release), asked with SubjectAccessReviews for the chart's ServiceAccount before the first step
 *   and after every step; the doc orders its steps so that none of them is ever lost.
 * - The doc's render step (`npx virtrigaud-render …`) runs in this process, as the CLI: starting
 *   the CLI from TypeScript sources in a child process takes half a minute on a loaded machine.
 */
import { spawnSync } from 'child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { request as httpsRequest } from 'https';
import { join } from 'path';
import { INSTANCE_LABEL, MANAGED_BY, MANAGED_BY_LABEL } from '../../lib/constructs/labels';
import { packagePath } from '../../lib/paths';
import { CHART_MONITORING_VALUES, packageUpstreamChart, UPSTREAM_TAG, upstreamModuleDir } from '../../scripts/upstream-chart';
import { controlPlaneBinaries, ControlPlane, KubectlResult, run } from './control-plane';
import { HELM_BINARY as HELM, missingPeers, peerBinary } from './peers';
import { e2eTempDir } from './processes';
import { expectClean, installPrometheusOperatorCrds, K8sObject, key, parseObjects, synth } from './releases';
import { controlPlanesBuilt, describeControlPlanes } from './suite';

const SUITE = 'e2e migration from the Helm chart';
const RELEASE = 'virtrigaud';
const NAMESPACE = 'virtrigaud-system';
export const MIGRATION_DOC = packagePath('docs', 'migrating-from-helm.md');

/** The doc's ```sh blocks, in order. */
export function docSteps(markdown: string): string[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}


/** Why the suite cannot run, besides the control-plane binaries (suite.ts reports those). */
function unavailable(): string | undefined {
  const helm = missingPeers(SUITE, [HELM]);
  if (helm.missing.length > 0) return helm.message;
  if (spawnSync('jq', ['--version']).status !== 0) return `${SUITE}: skipped, jq is not installed (the documented steps use it)`;
  return undefined;
}

const built = controlPlanesBuilt();
const why = built ? unavailable() : undefined;
const upstream = built && !why ? upstreamModuleDir() : undefined;
const skipReason = why ?? (upstream && 'missing' in upstream ? `${SUITE}: skipped, ${upstream.missing}` : undefined);

interface Access {
  namespace: string;
  group: string;
  resource: string;
  subresource?: string;
  verb: string;
}
const describeAccess = (a: Access) => `${a.verb} ${a.group || 'core'}/${a.resource}${a.subresource ? `/${a.subresource}` : ''} in ${a.namespace}`;

/** Every (group, resource, verb) a ClusterRole's rules name, asked in each namespace. */
function accessesOf(role: K8sObject, namespaces: (group: string, resource: string) => string[]): Access[] {
  const out: Access[] = [];
  for (const rule of role.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>) {
    for (const group of rule.apiGroups) {
      for (const full of rule.resources) {
        const [resource, subresource] = full.split('/');
        for (const namespace of namespaces(group, resource)) {
          for (const verb of rule.verbs) out.push({ namespace, group, resource, ...(subresource ? { subresource } : {}), verb });
        }
      }
    }
  }
  return out;
}

/** POSTs a SubjectAccessReview with the control plane's admin credentials; resolves with status.allowed. */
function allowed(cp: ControlPlane, review: object): Promise<boolean> {
  const config = JSON.parse(readFileSync(cp.kubeconfig, 'utf8')) as {
    clusters: Array<{ cluster: { 'certificate-authority-data': string } }>;
    users: Array<{ user: { token: string } }>;
  };
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${cp.server}/apis/authorization.k8s.io/v1/subjectaccessreviews`, {
      method: 'POST',
      ca: Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
      headers: { Authorization: `Bearer ${config.users[0].user.token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      timeout: 30_000,
    }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => (res.statusCode === 201 ? resolve((JSON.parse(text) as { status: { allowed: boolean } }).status.allowed === true) : reject(new Error(`SubjectAccessReview: ${res.statusCode} ${text}`))));
    });
    req.on('timeout', () => req.destroy(new Error('SubjectAccessReview: timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The accesses the API server refuses to the ServiceAccount (SubjectAccessReviews, all at once). */
async function refused(cp: ControlPlane, serviceAccount: string, accesses: readonly Access[]): Promise<string[]> {
  const answers = await Promise.all(accesses.map((a) => allowed(cp, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: {
      user: `system:serviceaccount:${NAMESPACE}:${serviceAccount}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${NAMESPACE}`, 'system:authenticated'],
      resourceAttributes: { namespace: a.namespace, group: a.group, resource: a.resource, subresource: a.subresource, verb: a.verb },
    },
  })));
  return accesses.filter((_, i) => !answers[i]).map(describeAccess);
}

async function getJson(cp: ControlPlane, args: string[]): Promise<K8sObject & { items?: K8sObject[] }> {
  const r = await cp.kubectl(['get', ...args, '-o', 'json']);
  expectClean(`kubectl get ${args.join(' ')}`, r);
  return JSON.parse(r.stdout);
}

if (!built) {
  describeControlPlanes(SUITE, () => undefined); // reports the missing control-plane binaries
} else if (skipReason) {
  if (process.env.CI) {
    test(`${SUITE}: runs in CI`, () => {
      throw new Error(`${skipReason}; CI is set, so this is a failure`);
    });
  } else {
    process.stderr.write(`${skipReason}\n`);
    describe.skip(SUITE, () => test(skipReason, () => undefined));
  }
} else {
  const moduleDir = (upstream as { dir: string }).dir;
  const steps = docSteps(readFileSync(MIGRATION_DOC, 'utf8'));

  describeControlPlanes(SUITE, (cp, version) => {
    let work = '';
    let chart = '';
    /** Environment of the doc's steps and of helm: this control plane, the peers as `kubectl` and `helm`, a private HOME. */
    let env: NodeJS.ProcessEnv = {};
    const helm = (args: string[]): Promise<KubectlResult> => run(peerBinary(HELM)!, [...args, '--kubeconfig', cp().kubeconfig], { env });

    beforeAll(async () => {
      work = e2eTempDir('migration');
      chart = packageUpstreamChart(moduleDir, work);
      const bin = join(work, 'bin');
      const home = join(work, 'home');
      mkdirSync(bin);
      mkdirSync(home);
      symlinkSync(peerBinary(controlPlaneBinaries(version).kubectl)!, join(bin, 'kubectl'));
      symlinkSync(peerBinary(HELM)!, join(bin, 'helm'));
      env = { PATH: `${bin}:${process.env.PATH}`, HOME: home, KUBECONFIG: cp().kubeconfig, LANG: 'C' };
      await installPrometheusOperatorCrds(cp());
    });
    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    test(`helm install of chart ${UPSTREAM_TAG}, then every step of docs/migrating-from-helm.md`, async () => {
      const k = cp().kubectl;
      const t0 = Date.now();
      writeFileSync(join(work, 'chart-values.yaml'), CHART_MONITORING_VALUES);
      const install = await helm(['install', RELEASE, chart, '-n', NAMESPACE, '--create-namespace', '-f', join(work, 'chart-values.yaml'), '--no-hooks']);
      expect({ code: install.code, stderr: install.stderr }).toEqual({ code: 0, stderr: '' });
      // What the hook Job runs (templates/crd-upgrade-job.yaml): kubectl apply --server-side=true --force-conflicts per CRD.
      expectClean('the hook\'s CRD apply', await k(['apply', '--server-side=true', '--force-conflicts', '-f', join(chart, 'crds')]));

      // The release as Helm recorded it; the hooks are not part of it.
      const manifest = await helm(['get', 'manifest', RELEASE, '-n', NAMESPACE]);
      const hooks = await helm(['get', 'hooks', RELEASE, '-n', NAMESPACE]);
      const chartObjects = parseObjects(manifest.stdout);
      const hookObjects = parseObjects(hooks.stdout);
      expect(hookObjects.map((o) => annotations(o)['helm.sh/hook'])).toEqual(hookObjects.map(() => 'pre-install,pre-upgrade'));
      expect(chartObjects.filter((o) => hookObjects.some((h) => key(h) === key(o)))).toEqual([]);
      const kinds = chartObjects.map((o) => o.kind).sort();
      expect(kinds).toEqual(['ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Deployment', 'PrometheusRule', 'Service', 'ServiceAccount', 'ServiceMonitor']);

      const chartDeployment = chartObjects.find((o) => o.kind === 'Deployment')!;
      const serviceAccount: string = chartDeployment.spec.template.spec.serviceAccountName;
      const chartRole = chartObjects.find((o) => o.kind === 'ClusterRole')!;
      // The manager's leader-election Lease lives in its own namespace: the release grants leases
      // there only (Role virtrigaud-leader-election); every other grant of the chart is cluster-wide.
      const accesses = accessesOf(chartRole, (group, resource) => (group === 'coordination.k8s.io' && resource === 'leases' ? [NAMESPACE] : [NAMESPACE, 'default']));
      const before = await getJson(cp(), ['deployment', chartDeployment.metadata.name, '-n', NAMESPACE]);

      // The reviews can say no: a verb the chart does not grant is refused.
      expect(await refused(cp(), serviceAccount, [{ namespace: NAMESPACE, group: '', resource: 'secrets', verb: 'delete' }])).toEqual([`delete core/secrets in ${NAMESPACE}`]);
      expect(await refused(cp(), serviceAccount, accesses)).toEqual([]);

      const log: string[] = [`install and first checks: ${((Date.now() - t0) / 1000).toFixed(1)} s`];
      for (const [i, step] of steps.entries()) {
        const started = Date.now();
        const render = step.trim().startsWith('npx virtrigaud-render ');
        let result: { code: number | null; stdout: string; stderr: string };
        if (render) {
          const cwd = process.cwd();
          process.chdir(work);
          try {
            result = synth(step.trim().split(/\s+/).slice(2));
          } finally {
            process.chdir(cwd);
          }
        } else {
          result = await run('bash', ['-euo', 'pipefail', '-c', `cd '${work}'\n${step}`], { env: { ...env }, timeoutMs: 120_000 });
        }
        if (result.code !== 0) throw new Error(`docs/migrating-from-helm.md step ${i + 1} failed (${result.code}):\n${step}\nstderr:\n${result.stderr}\nstdout:\n${result.stdout}`);
        const ran = Date.now() - started;
        expect({ step: i + 1, refused: await refused(cp(), serviceAccount, accesses) }).toEqual({ step: i + 1, refused: [] });
        const now = await getJson(cp(), ['deployment', chartDeployment.metadata.name, '-n', NAMESPACE]);
        expect({ step: i + 1, uid: now.metadata.uid }).toEqual({ step: i + 1, uid: before.metadata.uid });
        log.push(`step ${i + 1}: ${(ran / 1000).toFixed(1)} s, checks ${((Date.now() - started - ran) / 1000).toFixed(1)} s`);
      }
      console.log(`${SUITE} on ${cp().serverVersion}: ${steps.length} steps, ${accesses.length} grants of the chart checked after each\n${log.join('\n')}`);

      // The release on the server: every rendered object, as rendered.
      const rendered = synthObjects(work);
      const stored = await getJson(cp(), ['-k', join(work, 'migrated')]);
      const storedByKey = new Map((stored.items ?? []).map((o) => [key(o), o]));
      expect([...storedByKey.keys()].sort()).toEqual(rendered.map(key).sort());

      // The Deployment: the same object, the same selector, this release's pod template (nothing of the chart's left).
      const after = storedByKey.get(key(chartDeployment))!;
      expect(after.metadata.uid).toBe(before.metadata.uid);
      expect(after.spec.selector).toEqual(before.spec.selector);
      expect(after.spec.selector).toEqual(chartDeployment.spec.selector);
      const renderedDeployment = rendered.find((o) => key(o) === key(chartDeployment))!;
      expect(after.spec.template.spec.serviceAccountName).toBe(serviceAccount);
      expect(after.spec.template.spec.containers.map((c: { env?: unknown }) => c.env)).toEqual(renderedDeployment.spec.template.spec.containers.map((c: { env?: unknown }) => c.env));
      expect(after.spec.template.metadata.labels).toEqual(renderedDeployment.spec.template.metadata.labels);

      // No field of any object of the release is Helm's any more, and no Helm metadata is left.
      for (const o of (await getJson(cp(), ['-k', join(work, 'migrated'), '--show-managed-fields'])).items ?? []) {
        const managers = o.metadata.managedFields as Array<{ manager: string }>;
        expect({ object: key(o), helm: managers.filter((m) => m.manager === 'helm').length }).toEqual({ object: key(o), helm: 0 });
        const helmMetadata = [...Object.keys(o.metadata.labels ?? {}), ...Object.keys(annotations(o))].filter((k) => k.startsWith('helm.sh/') || k.startsWith('meta.helm.sh/'));
        expect({ object: key(o), helmMetadata }).toEqual({ object: key(o), helmMetadata: [] });
      }

      // Every object of the chart is now one of the release's, or gone.
      for (const o of chartObjects) {
        const r = await k(['get', resourceName(o), o.metadata.name, '-n', NAMESPACE, '--ignore-not-found', '-o', 'name']);
        expectClean(`get ${key(o)}`, r);
        const exists = r.stdout.trim() !== '';
        expect({ object: key(o), exists }).toEqual({ object: key(o), exists: storedByKey.has(key(o)) });
      }

      // Nothing duplicated: every object labelled with the release is one of the release's; one
      // PrometheusRule per alert name (compared case-insensitively: the chart's VirtRigaudManagerDown
      // is the release's VirtrigaudManagerDown); one dashboard per uid.
      const labelled = await getJson(cp(), [[...new Set([...chartObjects, ...rendered].map((o) => resourceName(o)))].join(','), '-A', '-l', `${INSTANCE_LABEL}=${RELEASE}`]);
      expect((labelled.items ?? []).map(key).filter((id) => !storedByKey.has(id))).toEqual([]);
      const rules = (await getJson(cp(), ['prometheusrules.monitoring.coreos.com', '-A'])).items ?? [];
      const alerts = rules.flatMap((r) => (r.spec.groups as Array<{ rules: Array<{ alert?: string }> }>).flatMap((g) => g.rules.flatMap((x) => (x.alert ? [x.alert.toLowerCase()] : []))));
      expect(alerts.filter((a, i) => alerts.indexOf(a) !== i)).toEqual([]);
      const chartAlerts = chartObjects.filter((o) => o.kind === 'PrometheusRule').flatMap((r) => (r.spec.groups as Array<{ rules: Array<{ alert?: string }> }>).flatMap((g) => g.rules.map((x) => x.alert)));
      expect(chartAlerts.length).toBeGreaterThan(0);
      const dashboards = (await getJson(cp(), ['configmaps', '-A', '-l', 'grafana_dashboard=1'])).items ?? [];
      const uids = dashboards.flatMap((cm) => Object.values(cm.data as Record<string, string>).map((json) => (JSON.parse(json) as { uid: string }).uid));
      expect(uids.filter((u, i) => uids.indexOf(u) !== i)).toEqual([]);
      const chartUids = chartObjects.filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1').flatMap((cm) => Object.values(cm.data as Record<string, string>).map((json) => (JSON.parse(json) as { uid: string }).uid));
      expect(chartUids.length).toBeGreaterThan(0);
      expect(chartUids.filter((u) => !uids.includes(u))).toEqual([]); // the release's dashboard took the chart's uid over
      // (No controller-manager runs, so there is no `default` ServiceAccount to leave out.)
      expect((await getJson(cp(), ['serviceaccounts', '-n', NAMESPACE])).items!.map((o) => o.metadata.name).sort()).toEqual(
        rendered.filter((o) => o.kind === 'ServiceAccount').map((o) => o.metadata.name).sort(),
      );

      console.log(`${SUITE} on ${cp().serverVersion}: install, steps and checks took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      // Helm knows no release: no record left, and the doc's last step saw `helm uninstall` fail; nothing was deleted.
      expect((await getJson(cp(), ['secrets', '-A', '-l', 'owner=helm'])).items).toEqual([]);
      const afterUninstall = await getJson(cp(), ['-k', join(work, 'migrated')]);
      expect((afterUninstall.items ?? []).map((o) => `${key(o)} ${o.metadata.uid}`).sort()).toEqual([...storedByKey.values()].map((o) => `${key(o)} ${o.metadata.uid}`).sort());
      expect((afterUninstall.items ?? []).every((o) => o.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)).toBe(true);
    });

    // What the doc says does not work: Helm 3 reads helm.sh/resource-policy from the release's
    // stored manifest, so the annotation on a live object does not keep it from `helm uninstall`.
    test('a helm.sh/resource-policy=keep annotation on a live object does not stop helm uninstall', async () => {
      const k = cp().kubectl;
      const release = 'demo-virtrigaud';
      const ns = 'demo-system';
      const install = await helm(['install', release, chart, '-n', ns, '--create-namespace', '--no-hooks']);
      expect({ code: install.code, stderr: install.stderr }).toEqual({ code: 0, stderr: '' });
      const deployment = `${release}-manager`;
      expectClean('annotate', await k(['annotate', '-n', ns, `deployment/${deployment}`, 'helm.sh/resource-policy=keep']));
      expect(annotations(await getJson(cp(), ['deployment', deployment, '-n', ns]))['helm.sh/resource-policy']).toBe('keep');
      const uninstall = await helm(['uninstall', release, '-n', ns]);
      expect({ code: uninstall.code, stderr: uninstall.stderr }).toEqual({ code: 0, stderr: '' });
      const left = await k(['get', 'deployment', deployment, '-n', ns, '--ignore-not-found', '-o', 'name']);
      expectClean('get the deployment', left);
      expect(left.stdout.trim()).toBe(''); // deleted despite the annotation
    });
  });
}

/** The rendered release of the doc's render step (its per-resource folder), one object per file. */
function synthObjects(work: string): K8sObject[] {
  const kustomization = parseObjects(readFileSync(join(work, 'migrated', 'kustomization.yaml'), 'utf8'))[0] as unknown as { resources: string[] };
  return kustomization.resources.flatMap((f) => parseObjects(readFileSync(join(work, 'migrated', f), 'utf8')));
}

/** `kind.group` as kubectl get takes it. */
function resourceName(o: K8sObject): string {
  return o.apiVersion.includes('/') ? `${o.kind.toLowerCase()}.${o.apiVersion.split('/')[0]}` : o.kind.toLowerCase();
}

function annotations(o: K8sObject): Record<string, string> {
  return (o.metadata.annotations as Record<string, string> | undefined) ?? {};
}
