import { z } from 'zod';
import { SELECTOR_LABEL_KEYS } from '../conventions/labels';
import { DEFAULT_MANAGER_HEALTH_PORT, DEFAULT_MANAGER_METRICS_PORT } from '../conventions/ports';
import { annotationMap, dnsLabel, dnsSubdomain, imageSchema, podValuesShape, port, resourcesSchema } from './common';

/** Flags the manager construct sets itself; `manager.extraArgs` may not repeat them. */
export const MANAGED_MANAGER_FLAGS = ['--metrics-bind-address', '--health-probe-bind-address', '--leader-elect', '--metrics-secure', '--zap-log-level', '--zap-encoder'];


export const managerSchema = z
  .strictObject({
    replicas: z.number().int().min(0).max(20).default(1).describe('Manager replicas; extra replicas are leader-election standbys.'),
    image: imageSchema({ registry: 'ghcr.io', repository: 'projectbeskar/virtrigaud/manager' }).describe('Manager image.'),
    resources: resourcesSchema({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } }).describe('Manager container resources.'),
    extraArgs: z
      .array(z.string().regex(/^--[a-z0-9][-a-z0-9]*(=.*)?$/, 'must be a flag such as --zap-devel or --enable-http2=true'))
      .default([])
      .describe('Extra command-line flags of the manager.'),
    logLevel: z.enum(['debug', 'info', 'error']).default('info').describe('`--zap-log-level` of the manager.'),
    logFormat: z.enum(['json', 'console']).default('json').describe('`--zap-encoder` of the manager.'),
    leaderElection: z
      .strictObject({ enabled: z.boolean().default(true).describe('Run with `--leader-elect` (required when replicas > 1).') })
      .prefault({})
      .describe('Leader election.'),
    metrics: z
      .strictObject({
        port: port.default(DEFAULT_MANAGER_METRICS_PORT).describe('Port of `/metrics` (Service port `metrics`).'),
        secure: z
          .boolean()
          .default(false)
          .describe('Serve `/metrics` over HTTPS with Kubernetes authentication and authorization (`--metrics-secure`); scrapers then need `get` on the non-resource URL `/metrics`.'),
        scraperServiceAccount: z
          .strictObject({
            name: dnsSubdomain('manager.metrics.scraperServiceAccount.name').default('prometheus-k8s').describe('ServiceAccount Prometheus scrapes with.'),
            namespace: dnsLabel('manager.metrics.scraperServiceAccount.namespace').default('monitoring').describe('Its namespace.'),
          })
          .prefault({})
          .describe('With `secure`: the ServiceAccount granted `get` on `/metrics`.'),
      })
      .prefault({})
      .describe('Manager metrics endpoint.'),
    healthPort: port.default(DEFAULT_MANAGER_HEALTH_PORT).describe('Port of `/healthz` and `/readyz` (Service port `health`).'),
    serviceAccount: z
      .strictObject({
        name: dnsSubdomain('manager.serviceAccount.name').optional().describe('ServiceAccount name. Default: `<release>-manager`.'),
        annotations: annotationMap.default({}).describe('Annotations of the ServiceAccount (e.g. workload identity).'),
      })
      .prefault({})
      .describe('Manager ServiceAccount (always created; its token is mounted: the manager talks to the API server).'),
    podDisruptionBudget: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Render a PodDisruptionBudget when replicas > 1.'),
        minAvailable: z.number().int().min(0).default(1).describe('`minAvailable` of the PodDisruptionBudget; less than `replicas`, so that node drains can evict a pod.'),
      })
      .prefault({})
      .describe('Manager PodDisruptionBudget.'),
    terminationGracePeriodSeconds: z.number().int().min(0).default(10).describe('Pod termination grace period.'),
    ...podValuesShape(),
  })
  .superRefine((manager, ctx) => {
    const pdb = manager.podDisruptionBudget;
    if (pdb.enabled && manager.replicas > 1 && pdb.minAvailable >= manager.replicas) {
      ctx.addIssue({
        code: 'custom',
        path: ['podDisruptionBudget', 'minAvailable'],
        message: `must be less than manager.replicas (${manager.replicas}), got ${pdb.minAvailable}: no pod could ever be evicted and node drains would hang`,
      });
    }
    if (manager.metrics.port === manager.healthPort) {
      // Reported at both keys: whichever the user set gets its file and line.
      ctx.addIssue({ code: 'custom', path: ['metrics', 'port'], message: `must differ from manager.healthPort (${manager.healthPort}): the two endpoints cannot share a port` });
      ctx.addIssue({ code: 'custom', path: ['healthPort'], message: `must differ from manager.metrics.port (${manager.metrics.port}): the two endpoints cannot share a port` });
    }
    for (const key of Object.keys(manager.podLabels)) {
      if ((SELECTOR_LABEL_KEYS as readonly string[]).includes(key)) {
        ctx.addIssue({ code: 'custom', path: ['podLabels', key], message: `${key} is a selector label set by the toolkit; podLabels may not override it` });
      }
    }
  })
  .prefault({})
  .describe('The VirtRigaud manager (controller).');

export type ManagerValues = z.output<typeof managerSchema>;
