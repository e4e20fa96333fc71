/** Shared helpers of the monitoring tests. */
import { Testing } from 'cdk8s';
import { managerJobName, providerJobName, ReleaseContext, resourceName } from '../../lib/constructs/context';
import { JOB_LABEL, PROVIDER_NAME_LABEL, PROVIDER_TYPE_LABEL, standardLabels } from '../../lib/constructs/labels';
import { Monitoring, MonitoringProps } from '../../lib/monitoring/monitoring';
import { MonitoringValues, MonitoringValuesInput, monitoringValuesSchema } from '../../lib/values/monitoring-values';

import { ctx } from '../release-context';

export { ctx };

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

export function values(input: MonitoringValuesInput = {}): MonitoringValues {
  return monitoringValuesSchema.parse(input);
}

/**
 * Synthesizes the Monitoring construct into plain manifests. The profile defaults to `documented`
 * (the spec most suites check); the v0.3.11 suites pass `profile: 'v0.3.11'`.
 */
export function synthMonitoring(input: MonitoringValuesInput = {}, props: Partial<Omit<MonitoringProps, 'values'>> = {}) {
  const chart = Testing.chart();
  const monitoring = new Monitoring(chart, 'monitoring', { context: props.context ?? ctx, values: values(input), profile: 'documented', ...props });
  const objects = Testing.synth(chart) as Manifest[];
  const find = (kind: string, name: string): Manifest => {
    const found = objects.filter((o) => o.kind === kind && o.metadata.name === name);
    if (found.length !== 1) throw new Error(`expected one ${kind}/${name}, found ${found.length}: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
    return found[0];
  };
  return { monitoring, objects, find };
}

/** A Service as the manager construct renders it (labels, ports), per the lead's contract. */
export function managerService(c: ReleaseContext = ctx): Manifest & { spec: { ports: { name: string; port: number }[] } } {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: resourceName(c, 'manager'), namespace: c.namespace, labels: standardLabels(c, 'manager', { [JOB_LABEL]: managerJobName(c) }) },
    spec: { ports: [{ name: 'metrics', port: 8080 }, { name: 'health', port: 8081 }] },
  };
}

/** A provider Service as the provider construct renders it. */
export function providerService(name: string, type: string, c: ReleaseContext = ctx): Manifest & { spec: { ports: { name: string; port: number }[] } } {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: resourceName(c, `provider-${name}`),
      namespace: c.namespace,
      labels: standardLabels(c, 'provider', { [PROVIDER_NAME_LABEL]: name, [PROVIDER_TYPE_LABEL]: type, [JOB_LABEL]: providerJobName(c) }),
    },
    spec: { ports: [{ name: 'grpc', port: 9443 }, { name: 'metrics', port: 8080 }] },
  };
}

/** Every PromQL string of the rule groups. */
export function ruleExpressions(groups: readonly { name: string; rules: readonly { expr: string; alert?: string; record?: string }[] }[]) {
  return groups.flatMap((g) => g.rules.map((r) => ({ what: `${g.name}/${r.alert ?? r.record}`, expr: r.expr })));
}
