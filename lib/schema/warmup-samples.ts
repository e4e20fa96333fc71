/**
 * Objects shaped like the ones a VirtRigaud release renders. At build time the generated
 * validators validate them before their V8 code cache is written, so the functions a typical
 * render reaches are in the cache already compiled. They need not be exact or even valid:
 * anything they miss is compiled lazily from source, as without a cache.
 */
const NS = 'virtrigaud-system';
const LABELS = {
  'app.kubernetes.io/name': 'virtrigaud',
  'app.kubernetes.io/instance': 'virtrigaud',
  'app.kubernetes.io/component': 'manager',
  'app.kubernetes.io/version': 'v0.3.11',
  'app.kubernetes.io/managed-by': 'virtrigaud-cdk8s',
};
const SELECTOR = { matchLabels: { 'app.kubernetes.io/name': 'virtrigaud', 'app.kubernetes.io/component': 'manager' } };

function meta(name: string, namespaced = true): Record<string, unknown> {
  return { name, ...(namespaced ? { namespace: NS } : {}), labels: LABELS, annotations: { 'virtrigaud.io/note': 'x' } };
}

const container = {
  name: 'manager',
  image: 'ghcr.io/projectbeskar/virtrigaud/manager:v0.3.11',
  imagePullPolicy: 'IfNotPresent',
  command: ['/manager'],
  args: ['--leader-elect', '--metrics-bind-address=0.0.0.0:8080'],
  env: [
    { name: 'LOG_LEVEL', value: 'info' },
    { name: 'PROVIDER_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token', optional: true } } },
  ],
  ports: [
    { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
    { name: 'health', containerPort: 8081, protocol: 'TCP' },
  ],
  livenessProbe: { httpGet: { path: '/healthz', port: 'health' }, initialDelaySeconds: 15, periodSeconds: 20 },
  readinessProbe: { httpGet: { path: '/readyz', port: 8081 }, periodSeconds: 10 },
  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: 65532,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  },
  volumeMounts: [
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'credentials', mountPath: '/etc/virtrigaud/credentials', readOnly: true },
  ],
};

/** Samples for the built-in and monitoring kinds (the vendored CRDs warm up the CRD kind). */
export function warmupSamples(): Record<string, unknown>[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: meta(NS, false) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('virtrigaud-manager'), automountServiceAccountToken: true },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('dashboard'), data: { 'a.json': '{}' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' }, stringData: { x: 'y' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta('virtrigaud-manager', false),
      rules: [
        { apiGroups: ['infra.virtrigaud.io'], resources: ['virtualmachines'], verbs: ['get', 'list', 'watch'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta('virtrigaud-manager', false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'virtrigaud-manager' },
      subjects: [{ kind: 'ServiceAccount', name: 'virtrigaud-manager', namespace: NS }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('leader-election'),
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('leader-election'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leader-election' },
      subjects: [{ kind: 'ServiceAccount', name: 'virtrigaud-manager', namespace: NS }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('virtrigaud-manager'),
      spec: {
        replicas: 1,
        revisionHistoryLimit: 10,
        selector: SELECTOR,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: LABELS, annotations: { 'kubectl.kubernetes.io/default-container': 'manager' } },
          spec: {
            serviceAccountName: 'virtrigaud-manager',
            automountServiceAccountToken: true,
            terminationGracePeriodSeconds: 10,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [container],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
              { name: 'credentials', secret: { secretName: 'creds', defaultMode: 0o440 } },
              { name: 'config', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a' }] } },
            ],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { labelSelector: SELECTOR, topologyKey: 'kubernetes.io/hostname' } },
                ],
              },
            },
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: SELECTOR }],
            imagePullSecrets: [{ name: 'pull' }],
            priorityClassName: 'high',
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('virtrigaud-manager'),
      spec: { type: 'ClusterIP', selector: SELECTOR.matchLabels, ports: [{ name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' }] },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('virtrigaud-manager'),
      spec: { minAvailable: 1, selector: SELECTOR },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('virtrigaud-manager'),
      spec: {
        podSelector: SELECTOR,
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ namespaceSelector: SELECTOR, podSelector: SELECTOR }], ports: [{ port: 8080, protocol: 'TCP' }] }],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 'grpc' }] }],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta('virtrigaud-manager'),
      spec: {
        jobLabel: 'virtrigaud.io/job',
        selector: SELECTOR,
        namespaceSelector: { matchNames: [NS] },
        endpoints: [
          {
            port: 'metrics',
            path: '/metrics',
            interval: '30s',
            scheme: 'https',
            bearerTokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
            tlsConfig: { insecureSkipVerify: true },
            relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node', action: 'replace' }],
            metricRelabelings: [{ regex: 'go_.*', action: 'drop', sourceLabels: ['__name__'] }],
          },
        ],
      },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta('virtrigaud-alerts'),
      spec: {
        groups: [
          {
            name: 'virtrigaud',
            interval: '1m',
            rules: [
              { record: 'provider:virtrigaud_vm_operations:rate5m', expr: 'sum by (provider) (rate(virtrigaud_vm_operations_total[5m]))' },
              {
                alert: 'VirtRigaudManagerDown',
                expr: 'absent(up{job="virtrigaud-manager"} == 1)',
                for: '5m',
                labels: { severity: 'critical' },
                annotations: { summary: 'The manager is down.', runbook_url: 'https://example.invalid/r' },
              },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'infra.virtrigaud.io/v1beta1',
      kind: 'Provider',
      metadata: meta('vsphere-prod'),
      spec: {
        type: 'vsphere',
        endpoint: 'https://vcenter.example.com/sdk',
        credentialSecretRef: { name: 'vsphere-creds' },
        runtime: {
          mode: 'Remote',
          image: 'ghcr.io/projectbeskar/virtrigaud/provider-vsphere:v0.3.11',
          replicas: 1,
          service: { port: 9443, tls: { enabled: true, secretRef: { name: 'tls' } } },
          resources: { requests: { cpu: '100m', memory: '128Mi' } },
          env: [{ name: 'X', value: 'y' }],
          securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      },
    },
  ];
}
