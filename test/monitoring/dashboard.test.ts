import { PROFILE_METRICS } from '../../lib/catalog/catalog';
import { buildDashboard } from '../../lib/monitoring/dashboard';
import { SPEC_PANEL_TITLES } from '../../lib/monitoring/dashboard-panels';
import { validatePromQL } from '../../lib/promql/validate';
import { validateManifest } from '../../lib/schema/schema-validation';
import { ctx, synthMonitoring, values } from './helpers';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string; datasource: { type: string; uid: string }; legendFormat: string }[];
}

function dashboardOf(input = {}) {
  const { find } = synthMonitoring(input);
  const cm = find('ConfigMap', 'virtrigaud-dashboard');
  const [key, json] = Object.entries(cm.data!)[0];
  return { cm, key, json, dashboard: JSON.parse(json) as { uid: string; title: string; editable: boolean; panels: Panel[]; templating: { list: any[] } } };
}

describe('Grafana dashboard', () => {
  test('ConfigMap with the sidecar label, folder annotation and additional labels; valid', () => {
    const { cm, key } = dashboardOf({ additionalLabels: { release: 'kube-prometheus-stack' } });
    expect(cm.metadata.namespace).toBe('virtrigaud-system');
    expect(cm.metadata.labels).toMatchObject({ grafana_dashboard: '1', release: 'kube-prometheus-stack', 'app.kubernetes.io/component': 'monitoring' });
    expect(cm.metadata.annotations).toEqual({ grafana_folder: 'VirtRigaud' });
    expect(key).toBe('virtrigaud-overview.json');
    expect(validateManifest(cm)).toEqual([]);
  });

  test('label and folder annotation are configurable', () => {
    const { cm } = dashboardOf({ dashboard: { labels: { grafana_dashboard: 'virtrigaud' }, annotations: { 'k8s-sidecar-target-directory': '/tmp/dashboards/VMs' } } });
    expect(cm.metadata.labels!.grafana_dashboard).toBe('virtrigaud');
    expect(cm.metadata.annotations).toEqual({ 'k8s-sidecar-target-directory': '/tmp/dashboards/VMs' });
  });

  test('stable uid, read-only, a datasource variable used by every panel and query', () => {
    const { dashboard } = dashboardOf();
    expect(dashboard.uid).toBe('virtrigaud-overview');
    expect(dashboard.title).toBe('VirtRigaud / Overview');
    expect(dashboard.editable).toBe(false);
    expect(dashboard.templating.list).toEqual([expect.objectContaining({ type: 'datasource', name: 'datasource', query: 'prometheus' })]);
    const panels = dashboard.panels.filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(20);
    for (const p of panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const t of p.targets ?? []) expect(t.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    }
    expect(dashboardOf({ dashboard: { uid: 'vms-prod' } }).dashboard.uid).toBe('vms-prod');
    const lab = buildDashboard({ ...ctx, releaseName: 'lab' }, values().dashboard, {}, 'documented');
    expect([lab.uid, lab.title]).toEqual(['lab-overview', 'VirtRigaud / Overview (lab)']);
  });

  test('the spec\'s panels are present and every catalog metric is on some panel', () => {
    const { dashboard } = dashboardOf();
    const titles = dashboard.panels.map((p) => p.title);
    for (const t of SPEC_PANEL_TITLES) expect(titles).toContain(t);
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    for (const m of PROFILE_METRICS.documented) expect({ metric: m.name, shown: exprs.includes(m.name) }).toEqual({ metric: m.name, shown: true });
    const health = dashboard.panels.find((p) => p.title === 'Provider health')!;
    expect(health.targets![0].expr).toBe('up{job="virtrigaud-provider",namespace="virtrigaud-system"}');
    const success = dashboard.panels.find((p) => p.title === 'VM creation success rate')!;
    expect(success.targets![0].expr).toBe(
      'sum(rate(virtrigaud_vm_operations_total{operation="Create",outcome="success",namespace="virtrigaud-system"}[$__rate_interval])) / sum(rate(virtrigaud_vm_operations_total{operation="Create",namespace="virtrigaud-system"}[$__rate_interval])) * 100',
    );
  });

  test('every panel query parses (grammar and analysis, Grafana macros substituted)', () => {
    const { dashboard } = dashboardOf();
    for (const p of dashboard.panels) {
      for (const t of p.targets ?? []) expect({ panel: p.title, errors: validatePromQL(t.expr, { grafanaMacros: true, analysis: true }) }).toEqual({ panel: p.title, errors: [] });
    }
  });

  test('layout: unique ids, unique refIds per panel, panels inside the 24-column grid without overlap', () => {
    const { dashboard } = dashboardOf();
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        const cell = `${i},${j}`;
        expect({ panel: p.title, cell, free: !cells.has(cell) }).toEqual({ panel: p.title, cell, free: true });
        cells.add(cell);
      }
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
    }
  });

  test('deterministic: two builds are byte-identical', () => {
    expect(dashboardOf().json).toBe(dashboardOf().json);
    expect(buildDashboard(ctx, values().dashboard, {}, 'documented').json).toBe(buildDashboard(ctx, values().dashboard, {}, 'documented').json);
  });

  test('disabled: no ConfigMap', () => {
    expect(synthMonitoring({ dashboard: { enabled: false } }).objects.map((o) => o.kind)).not.toContain('ConfigMap');
  });
});

describe('dashboard, profile v0.3.11 (the default)', () => {
  const build = buildDashboard(ctx, values().dashboard, { analysis: true });

  test('reads only families v0.3.11 emits: no spec-only family, no never-set queue gauge', () => {
    const exprs = build.queries.map((q) => q.expr).join('\n');
    for (const missing of ['virtrigaud_vm_operations_duration_seconds', 'virtrigaud_queue_depth', 'virtrigaud_vsphere_', 'virtrigaud_libvirt_', 'virtrigaud_vm_snapshot_total', 'job="virtrigaud-provider"']) {
      expect(exprs).not.toContain(missing);
    }
    for (const query of build.queries) expect(validatePromQL(query.expr, { grafanaMacros: true, analysis: true })).toEqual([]);
  });

  test('provider health from the circuit breaker, queue depth from workqueue_depth, failed outcome error', () => {
    const panel = (title: string) => build.queries.filter((q) => q.panel === title).map((q) => q.expr);
    expect(panel('Provider health')).toEqual(['max by (provider_type, provider) (virtrigaud_circuit_breaker_state{namespace="virtrigaud-system"})']);
    expect(panel('Queue depth')[0]).toBe('sum by (name) (workqueue_depth{namespace="virtrigaud-system"})');
    expect(panel('Error rate by provider')[0]).toContain('outcome=~"error"');
  });

  test('every spec panel is there except the ones over families v0.3.11 lacks', () => {
    const titles = new Set(build.queries.map((q) => q.panel));
    expect(SPEC_PANEL_TITLES.filter((t) => !titles.has(t))).toEqual(['p95 VM creation time by provider']);
  });
});
