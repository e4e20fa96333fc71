import { z } from 'zod';
import { ALERT_NAMES, ALERTS } from '../../lib/alerts';
import { monitoringValuesSchema } from '../../lib/values/monitoring-values';
import { values } from './helpers';

const issues = (input: unknown) => {
  const r = monitoringValuesSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};

describe('monitoring values', () => {
  test('defaults', () => {
    const v = values();
    expect(v.enabled).toBe(true);
    expect(v.additionalLabels).toEqual({});
    expect(v.serviceMonitors).toMatchObject({ enabled: true, interval: '30s', scrapeTimeout: '10s', honorLabels: false });
    expect(v.serviceMonitors.manager.authorization.mode).toBe('serviceAccountToken');
    expect(v.serviceMonitors.providers).toMatchObject({ scheme: 'http', authorization: { mode: 'none' } });
    expect(v.rules).toMatchObject({ enabled: true, recordingRules: { enabled: true }, slo: { vmCreation: { enabled: true, objective: 0.99 } } });
    expect(v.rules.runbookUrlPattern).toContain('{alertname}');
    for (const name of ALERT_NAMES) {
      const spec = ALERTS[name];
      expect(v.rules.alerts[name]).toEqual({ enabled: true, for: spec.for, severity: spec.severity, labels: {}, ...(spec.threshold ? { threshold: spec.threshold.default } : {}) });
    }
    expect(v.rules.alerts.VirtrigaudSlowVMCreation.threshold).toBe(240);
    expect(v.dashboard).toMatchObject({ enabled: true, uid: '', labels: { grafana_dashboard: '1' }, annotations: { grafana_folder: 'VirtRigaud' } });
  });

  test('every key is documented and the JSON schema can be generated', () => {
    const schema = z.toJSONSchema(monitoringValuesSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    const undocumented: string[] = [];
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== 'object') return;
      for (const [key, child] of Object.entries<any>(node.properties ?? {})) {
        if (!child.description) undocumented.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
        walk(child.items, `${path}${key}[].`);
      }
    };
    let visited = 0;
    const count = (node: any) => {
      for (const child of Object.values<any>(node?.properties ?? {})) {
        visited++;
        count(child);
        count(child.items);
      }
    };
    walk(schema, '');
    count(schema);
    expect(visited).toBeGreaterThan(60);
    expect(undocumented).toEqual([]);
  });

  test('errors carry the key path', () => {
    expect(issues({ rules: { alerts: { VirtrigaudProviderDwn: {} } } })).toEqual([
      { path: 'rules.alerts', message: expect.stringMatching(/^unknown alert name "VirtrigaudProviderDwn": the alerts are VirtrigaudProviderDown, /) },
    ]);
    expect(issues({ rules: { alerts: { VirtrigaudSlowVMCreation: { threshold: 600 } } } })).toEqual([
      { path: 'rules.alerts.VirtrigaudSlowVMCreation.threshold', message: expect.stringMatching(/must be below 300: .*largest finite bucket/) },
    ]);
    expect(issues({ rules: { alerts: { VirtrigaudHighErrorRate: { threshold: 1 } } } })[0].path).toBe('rules.alerts.VirtrigaudHighErrorRate.threshold');
    expect(issues({ rules: { alerts: { VirtrigaudProviderDown: { threshold: 1 } } } })).toEqual([
      { path: 'rules.alerts.VirtrigaudProviderDown', message: 'Unrecognized key: "threshold"' },
    ]);
    expect(issues({ rules: { alerts: { VirtrigaudQueueBacklog: { for: '10 minutes', severity: 'page' } } } }).map((i) => i.path)).toEqual([
      'rules.alerts.VirtrigaudQueueBacklog.for',
      'rules.alerts.VirtrigaudQueueBacklog.severity',
    ]);
    expect(issues({ rules: { alerts: { VirtrigaudQueueBacklog: { labels: { severity: 'critical' } } } } })[0].path).toBe('rules.alerts.VirtrigaudQueueBacklog.labels.severity');
    expect(issues({ rules: { alerts: { VirtrigaudQueueBacklog: { labels: { 'team-name': 'x' } } } } })[0].path).toBe('rules.alerts.VirtrigaudQueueBacklog.labels.team-name');
    expect(issues({ serviceMonitors: { interval: '15s', scrapeTimeout: '30s' } })).toEqual([{ path: 'serviceMonitors.scrapeTimeout', message: expect.stringMatching(/must not exceed interval/) }]);
    expect(issues({ serviceMonitors: { dropLabels: ['vm_name', 'provider'] } })).toEqual([{ path: 'serviceMonitors.dropLabels.1', message: expect.stringMatching(/label of the metrics catalog/) }]);
    expect(issues({ serviceMonitors: { manager: { authorization: { mode: 'secret' } } } })[0].path).toBe('serviceMonitors.manager.authorization.secret.name');
    expect(issues({ serviceMonitors: { providers: { tlsConfig: { ca: { secretName: 'a', configMapName: 'b' } } } } })[0].path).toBe('serviceMonitors.providers.tlsConfig.ca.configMapName');
    expect(issues({ rules: { slo: { vmCreation: { objective: 0.9 } } } })).toEqual([
      { path: 'rules.slo.vmCreation.objective', message: expect.stringMatching(/must be above 0\.930556.*could never fire/) },
    ]);
    expect(issues({ rules: { slo: { vmCreation: { objective: 1 } } } })[0].path).toBe('rules.slo.vmCreation.objective');
    expect(issues({ rules: { runbookUrlPattern: 'https://runbooks.example.com/' } })[0].path).toBe('rules.runbookUrlPattern');
    expect(issues({ dashboard: { uid: 'x'.repeat(41) } })[0].path).toBe('dashboard.uid');
    expect(issues({ additionalLabels: { 'bad key!': 'x' } })[0].path).toBe('additionalLabels.bad key!');
  });

  test('valid overrides are accepted', () => {
    expect(
      issues({
        additionalLabels: { release: 'kube-prometheus-stack' },
        serviceMonitors: { interval: '1m', scrapeTimeout: '1m', manager: { tlsConfig: { ca: { configMapName: 'ca' } } } },
        rules: { alerts: { VirtrigaudSlowVMCreation: { threshold: 299.5, for: '1h30m' } }, slo: { vmCreation: { objective: 0.999 } } },
      }),
    ).toEqual([]);
  });
});
