import { Testing } from 'cdk8s';
import { ALERT_NAMES, ALERTS } from '../../lib/alerts';
import { VirtRigaud } from '../../lib/constructs/virtrigaud';
import type { VirtRigaudProps } from '../../lib/props';
import { AlertingRule } from '../../lib/monitoring/alerts';
import { RECORDING_RULES, ruleInProfile } from '../../lib/promql/recording-rules';
import { ALERT_GROUP, buildRuleGroups, isAlertingRule, RECORDING_GROUP, RuleGroup, SLO_GROUP } from '../../lib/monitoring/rules';
import { SLO_WINDOWS } from '../../lib/promql/slo';
import { MonitoringValuesInput } from '../../lib/values/monitoring-values';
import { ctx, synthMonitoring, values } from './helpers';

const alertsOf = (groups: readonly RuleGroup[]): AlertingRule[] => groups.flatMap((g) => g.rules.filter(isAlertingRule));
const alert = (groups: readonly RuleGroup[], name: string) => {
  const found = alertsOf(groups).filter((a) => a.alert === name);
  if (found.length !== 1) throw new Error(`expected alert ${name} once, found ${found.length}`);
  return found[0];
};
const rules = (input: MonitoringValuesInput = {}) => buildRuleGroups(ctx, values(input).rules, { profile: 'documented' });

describe('PrometheusRule', () => {
  test('<release>-alerts in the release namespace with standard and additional labels, groups in order', () => {
    const { find } = synthMonitoring({ additionalLabels: { release: 'kube-prometheus-stack' } });
    const rule = find('PrometheusRule', 'virtrigaud-alerts');
    expect(rule.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(rule.metadata.namespace).toBe('virtrigaud-system');
    expect(rule.metadata.labels).toMatchObject({
      release: 'kube-prometheus-stack',
      team: 'platform',
      'app.kubernetes.io/name': 'virtrigaud',
      'app.kubernetes.io/instance': 'virtrigaud',
      'app.kubernetes.io/component': 'monitoring',
    });
    expect(rule.spec.groups.map((g: { name: string }) => g.name)).toEqual([RECORDING_GROUP, SLO_GROUP, ALERT_GROUP]);
    expect(ALERT_GROUP).toBe('virtrigaud.rules'); // the spec's group name
    // CRD field names (keep_firing_for etc. are snake_case in the CRD); expr is a string.
    for (const g of rule.spec.groups) for (const r of g.rules) expect(typeof r.expr).toBe('string');
  });

  test('the spec\'s four alerts keep their names, intent, for and severity', () => {
    const groups = rules();
    expect(alert(groups, 'VirtrigaudProviderDown')).toMatchObject({ for: '5m', labels: { severity: 'critical' } });
    expect(alert(groups, 'VirtrigaudHighErrorRate')).toMatchObject({ for: '10m', labels: { severity: 'warning' } });
    expect(alert(groups, 'VirtrigaudSlowVMCreation')).toMatchObject({ for: '15m', labels: { severity: 'warning' } });
    expect(alert(groups, 'VirtrigaudQueueBacklog')).toMatchObject({ for: '10m', labels: { severity: 'warning' } });
  });

  test('corrected expressions: down detection covers absence, ratios aggregate both sides, reachable thresholds', () => {
    const down = alert(rules(), 'VirtrigaudProviderDown').expr;
    expect(down).toBe(
      'up{job="virtrigaud-provider",namespace="virtrigaud-system"} == 0 or absent(up{job="virtrigaud-provider",namespace="virtrigaud-system"})',
    );
    const inline = rules({ rules: { recordingRules: { enabled: false } } });
    expect(alert(inline, 'VirtrigaudHighErrorRate').expr).toBe(
      'sum by (namespace, provider_type, provider) (rate(virtrigaud_vm_operations_total{outcome=~"failure|error",namespace="virtrigaud-system"}[5m])) / sum by (namespace, provider_type, provider) (rate(virtrigaud_vm_operations_total{namespace="virtrigaud-system"}[5m])) > 0.1',
    );
    expect(alert(inline, 'VirtrigaudSlowVMCreation').expr).toBe(
      'histogram_quantile(0.95, sum by (namespace, provider_type, provider, operation, le) (rate(virtrigaud_vm_operations_duration_seconds_bucket{operation="Create",namespace="virtrigaud-system"}[5m]))) > 240',
    );
    expect(alert(inline, 'VirtrigaudQueueBacklog').expr).toBe('sum by (namespace, kind) (virtrigaud_queue_depth{namespace="virtrigaud-system"}) > 100');
    // With recording rules, alerts read the recorded series.
    expect(alert(rules(), 'VirtrigaudHighErrorRate').expr).toBe('namespace_provider:virtrigaud_vm_operations:error_ratio_rate5m{namespace="virtrigaud-system"} > 0.1');
  });

  test('the down alert checks each known provider Service for absence', () => {
    const groups = buildRuleGroups(ctx, values().rules, { profile: 'documented', providerServices: ['virtrigaud-provider-esx', 'virtrigaud-provider-kvm'] });
    expect(alert(groups, 'VirtrigaudProviderDown').expr).toBe(
      'up{job="virtrigaud-provider",namespace="virtrigaud-system"} == 0' +
        ' or absent(up{job="virtrigaud-provider",namespace="virtrigaud-system",service="virtrigaud-provider-esx"})' +
        ' or absent(up{job="virtrigaud-provider",namespace="virtrigaud-system",service="virtrigaud-provider-kvm"})',
    );
  });

  test('in a full release, the down alerts read the Services and jobs the manager and provider constructs render', () => {
    const chart = Testing.chart();
    const release = new VirtRigaud(chart, 'release', {
      releaseName: 'lab',
      namespace: 'vms',
      profile: 'documented',
      providers: [
        { name: 'esx', type: 'vsphere', mode: 'deployment', endpoint: 'https://vcenter.example.com/sdk', credentialsSecret: 'vsphere-credentials' },
        { name: 'kvm', type: 'libvirt', mode: 'custom-resource', endpoint: 'qemu+ssh://virtrigaud@kvm01.example.com/system', credentialsSecret: 'libvirt-credentials' },
      ],
    } as VirtRigaudProps);
    const objects = Testing.synth(chart) as { kind: string; metadata: { name: string; labels?: Record<string, string> } }[];
    const services = objects.filter((o) => o.kind === 'Service');
    const providerServices = services.filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'provider');
    expect(providerServices.map((o) => o.metadata.name)).toEqual(['lab-provider-esx']); // the custom-resource provider's Service is the manager's
    const groups = release.monitoring!.ruleGroups;
    const absentServices = [...alert(groups, 'VirtrigaudProviderDown').expr.matchAll(/absent\(up\{[^}]*service="([^"]+)"/g)].map((m) => m[1]);
    expect(absentServices).toEqual(providerServices.map((o) => o.metadata.name));
    const jobOf = (o: { metadata: { labels?: Record<string, string> } }) => o.metadata.labels?.['virtrigaud.io/job'];
    const manager = services.find((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'manager')!;
    expect(alert(groups, 'VirtrigaudManagerDown').expr).toContain(`up{job="${jobOf(manager)}",namespace="vms"}`);
    expect(alert(groups, 'VirtrigaudProviderDown').expr).toContain(`up{job="${jobOf(providerServices[0])}",namespace="vms"} == 0`);
  });

  test('down alerts: no absence check without providers or when this release does not scrape the targets', () => {
    const none = buildRuleGroups(ctx, values().rules, { profile: 'documented', providerServices: [] });
    expect(alert(none, 'VirtrigaudProviderDown').expr).toBe('up{job="virtrigaud-provider",namespace="virtrigaud-system"} == 0');
    const { monitoring } = synthMonitoring({ serviceMonitors: { providers: { enabled: false } } });
    expect(alert(monitoring.ruleGroups, 'VirtrigaudProviderDown').expr).toBe('up{job="virtrigaud-provider",namespace="virtrigaud-system"} == 0');
    expect(alert(monitoring.ruleGroups, 'VirtrigaudManagerDown').expr).toMatch(/or absent\(up\{job="virtrigaud-manager"/);
    const unscraped = synthMonitoring({ serviceMonitors: { enabled: false } }).monitoring.ruleGroups;
    expect(alert(unscraped, 'VirtrigaudManagerDown').expr).toBe('max by (job, namespace) (up{job="virtrigaud-manager",namespace="virtrigaud-system"}) == 0');
  });

  test('every alert: severity label, static summary ending in a period, templated description, runbook_url from the pattern', () => {
    const groups = rules({ rules: { runbookUrlPattern: 'https://runbooks.example.com/{alertname}.html' } });
    const alerts = alertsOf(groups);
    expect(alerts.map((a) => a.alert)).toEqual([...ALERT_NAMES]);
    for (const a of alerts) {
      expect(['critical', 'warning', 'info']).toContain(a.labels.severity);
      expect(a.annotations.summary).toMatch(/^[A-Z].*\.$/);
      expect(a.annotations.summary).not.toMatch(/\{\{/);
      expect(a.annotations.description).toMatch(/\{\{ \$(labels\.\w+|value)/);
      expect(a.annotations.runbook_url).toBe(`https://runbooks.example.com/${a.alert}.html`);
      expect(a.alert).toMatch(/^Virtrigaud[A-Z][A-Za-z]+$/);
      expect(Object.keys(a.annotations).sort()).toEqual(['description', 'runbook_url', 'summary']);
    }
  });

  test('per-alert values: disable, threshold, for, severity, labels', () => {
    const groups = rules({
      rules: {
        alerts: {
          VirtrigaudQueueBacklog: { enabled: false },
          VirtrigaudHighErrorRate: { threshold: 0.25, for: '20m', severity: 'critical', labels: { team: 'vm-platform' } },
          VirtrigaudSlowVMCreation: { threshold: 120 },
          VirtrigaudProviderDown: { severity: 'info', for: '1h30m' },
        },
      },
    });
    expect(alertsOf(groups).map((a) => a.alert)).not.toContain('VirtrigaudQueueBacklog');
    const high = alert(groups, 'VirtrigaudHighErrorRate');
    expect(high.expr).toMatch(/ > 0\.25$/);
    expect(high.for).toBe('20m');
    expect(high.labels).toEqual({ team: 'vm-platform', severity: 'critical' });
    expect(high.annotations.description).toMatch(/threshold 25%, for more than 20 minutes/);
    expect(alert(groups, 'VirtrigaudSlowVMCreation').expr).toMatch(/ > 120$/);
    const down = alert(groups, 'VirtrigaudProviderDown');
    expect(down).toMatchObject({ for: '1h30m', labels: { severity: 'info' } });
    expect(down.annotations.description).toMatch(/for more than 1 hour 30 minutes/);
  });

  test('recording rules: level:metric:operations names, namespace kept, one per spec example query', () => {
    const groups = rules();
    const recording = groups.find((g) => g.name === RECORDING_GROUP)!.rules;
    expect(recording.map((r) => ('record' in r ? r.record : ''))).toEqual(RECORDING_RULES.filter((r) => ruleInProfile(r, 'documented')).map((r) => r.name));
    for (const r of recording) {
      if (!('record' in r)) throw new Error('alert in recording group');
      expect(r.record).toMatch(/^namespace(_[a-z_]+)?:virtrigaud_[a-z_]+:[a-z0-9_]+$/);
      expect(r.expr).toMatch(/sum by \(namespace[,)]/);
      expect(r.expr).not.toMatch(/_total:/);
    }
    const spec = RECORDING_RULES.filter((r) => r.specQuery && ruleInProfile(r, 'documented')).map((r) => r.specQuery);
    expect(spec).toEqual(
      expect.arrayContaining([
        'Error rate: overall error rate',
        'Error rate: provider-specific error rate',
        'Latency: 95th percentile VM creation time',
        'Latency: gRPC request latency by method',
        'Throughput: VM operations per second',
        'Throughput: operations by provider',
        'Queue depth: current queue depth',
        'Queue depth: average queue depth over time',
        'Inflight tasks: inflight tasks by provider',
      ]),
    );
  });

  test('SLO: error ratios for every burn window, objective as a value, alerts at 14.4x/6x and 3x/1x the budget', () => {
    const groups = rules({ rules: { slo: { vmCreation: { objective: 0.995 } } } });
    const slo = groups.find((g) => g.name === SLO_GROUP)!.rules;
    expect(slo.map((r) => ('record' in r ? r.record : ''))).toEqual(SLO_WINDOWS.map((w) => `namespace_operation:virtrigaud_vm_operations:error_ratio_rate${w}`));
    expect(SLO_WINDOWS).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    const fast = alert(groups, 'VirtrigaudVMCreationErrorBudgetFastBurn');
    expect(fast.labels.severity).toBe('critical');
    // budget 0.005: 14.4x = 0.072, 6x = 0.03
    expect(fast.expr).toMatch(/error_ratio_rate1h\{operation="Create",namespace="virtrigaud-system"\} > 0\.072 and .*error_ratio_rate5m\{[^}]*\} > 0\.072\) or \(.*rate6h\{[^}]*\} > 0\.03 and .*rate30m\{[^}]*\} > 0\.03\)$/);
    expect(fast.annotations.description).toMatch(/99\.5% success objective/);
    const slow = alert(groups, 'VirtrigaudVMCreationErrorBudgetSlowBurn');
    expect(slow.labels.severity).toBe('warning');
    expect(slow.expr).toMatch(/rate1d\{[^}]*\} > 0\.015 and .*rate2h\{[^}]*\} > 0\.015\) or \(.*rate3d\{[^}]*\} > 0\.005 and .*rate6h\{[^}]*\} > 0\.005\)$/);
  });

  test('enable flags: SLO off drops its group and alerts; recording off inlines; rules off renders no PrometheusRule', () => {
    const noSlo = rules({ rules: { slo: { vmCreation: { enabled: false } } } });
    expect(noSlo.map((g) => g.name)).toEqual([RECORDING_GROUP, ALERT_GROUP]);
    expect(alertsOf(noSlo).map((a) => a.alert)).toEqual(ALERT_NAMES.filter((n) => ALERTS[n].origin !== 'slo'));
    const inline = rules({ rules: { recordingRules: { enabled: false } } });
    expect(inline.map((g) => g.name)).toEqual([SLO_GROUP, ALERT_GROUP]);
    expect(alertsOf(inline).some((a) => /namespace_provider:/.test(a.expr))).toBe(false);
    expect(synthMonitoring({ rules: { enabled: false } }).objects.map((o) => o.kind)).not.toContain('PrometheusRule');
    const allOff = Object.fromEntries(ALERT_NAMES.map((n) => [n, { enabled: false }]));
    expect(synthMonitoring({ rules: { alerts: allOff, recordingRules: { enabled: false }, slo: { vmCreation: { enabled: false } } } }).objects.map((o) => o.kind)).not.toContain('PrometheusRule');
  });
});
