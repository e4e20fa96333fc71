/** VirtrigaudManagerDown (added by the toolkit): no manager replica is up, or none is scraped. */
import { COMPONENT_LABEL } from '../conventions/labels';
import { managerJobName, managerName } from '../conventions/names';
import { absent, eq, maxBy, or } from '../promql';
import { esxTarget, MANAGER_JOB, managerUp, NS, target } from './fixtures';
import { defineAlert } from './types';

const noManager = {
  labels: { alertname: 'VirtrigaudManagerDown', job: MANAGER_JOB, namespace: NS },
  description: `No target of job ${MANAGER_JOB} in namespace ${NS} has been up for more than 5 minutes: no manager replica can be scraped or none exists.`,
};
const summary = 'No VirtRigaud manager is up.';
/** The runbook names objects with placeholders. */
const PLACEHOLDER = { releaseName: '<release>' };

export const managerDown = defineAlert({
  name: 'VirtrigaudManagerDown',
  origin: 'extra',
  severity: 'critical',
  for: '5m',
  summary: 'No VirtRigaud manager is up.',
  description: ({ forText }) =>
    `No target of job {{ $labels.job }} in namespace {{ $labels.namespace }} has been up for more than ${forText}: no manager replica can be scraped or none exists.`,
  runbook: {
    meaning:
      'None of the manager\'s targets has been scraped successfully for the alert\'s `for` duration, or the manager has no target at all. The manager (controller) reconciles every VirtRigaud resource and, in this release, serves most VirtRigaud metrics.',
    impact:
      'Nothing is reconciled: VirtualMachines, snapshots, clones and migrations are not acted on, and most VirtRigaud metrics (and the alerts built on them) go silent.',
    diagnosis: () => [
      `\`kubectl -n <namespace> get deploy,pods -l ${COMPONENT_LABEL}=manager\`; check restarts, readiness and events.`,
      `\`kubectl -n <namespace> logs deploy/${managerName(PLACEHOLDER)}\`: leader election, API-server access (RBAC) and certificate errors show here.`,
      `Prometheus UI, Status → Targets, job \`${managerJobName(PLACEHOLDER)}\`: with \`manager.metrics.secure\`, a \`401\`/\`403\` means Prometheus' ServiceAccount lacks \`get\` on \`/metrics\` or the ServiceMonitor sends no token.`,
    ],
    mitigation: [
      'Fix the failing pod (image, resources, RBAC) and let the Deployment roll out.',
      'For scrape-only failures with secure metrics, grant the scraper `get` on the non-resource URL `/metrics` and keep `monitoring.serviceMonitors.manager.authorization` on `serviceAccountToken`.',
    ],
  },
  expression: (c) => {
    const target = { job: c.managerJob, namespace: c.namespace };
    const down = eq(maxBy(['job', 'namespace'], c.q.up(target)), 0);
    return c.scraped.manager ? or(down, absent(c.q.up(target))) : down;
  },
  tests: {
    documented: {
      severity: 'critical',
      summary,
      cases: [
        {
          name: 'ManagerDown: silent while one replica is up, fires when none is (after for)',
          series: [
            { metric: 'up', labels: target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.1:8080'), values: '1x9 0x30' },
            { metric: 'up', labels: target(MANAGER_JOB, 'virtrigaud-manager', '10.0.0.2:8080'), values: '0x40' },
          ],
          checks: [
            { at: '9m', firing: [] },
            { at: '14m', firing: [] },
            { at: '15m', firing: [noManager] },
          ],
        },
        {
          name: 'ManagerDown: fires when the manager target is absent',
          series: [{ metric: 'up', labels: esxTarget, values: '1x30' }],
          checks: [{ at: '5m', firing: [noManager] }],
        },
      ],
    },
    'v0.3.11': {
      severity: 'critical',
      summary,
      cases: [
        { name: 'v0.3.11 ManagerDown: fires when the manager target is absent, silent while it is up', series: [], checks: [{ at: '5m', firing: [noManager] }] },
        { name: 'v0.3.11 ManagerDown: silent while up', series: [managerUp], checks: [{ at: '30m', firing: [] }] },
      ],
    },
  },
});
