import { Testing } from 'cdk8s';
import type { ProviderOptions } from '../../lib/props';
import { ReleasePart } from '../../lib/parts/release-part';
import { lintFindings } from '../../lib/parts/validation';
import { VirtRigaudProvider } from '../../lib/constructs/provider';
import { PROVIDER_TYPES } from '../../lib/values/provider-values';
import { validateManifest } from '../../lib/schema/schema-validation';
import { ctx, expectValid, find, Manifest, parseProviders, SAMPLES, selects, synthProviders } from './provider-fixtures';

const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};
const RESTRICTED_POD = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } };

function envMap(container: any): Record<string, unknown> {
  return Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
}

describe.each(PROVIDER_TYPES)('a %s provider', (type) => {
  const sample = SAMPLES[type];
  const name = `virtrigaud-provider-${sample.name}`;
  const objects = synthProviders([sample], [{ name: 'regcred' }]);
  const deployment = find(objects, 'Deployment', name);
  const service = find(objects, 'Service', name);
  const serviceAccount = find(objects, 'ServiceAccount', name);
  const pod = deployment.spec.template;
  const container = pod.spec.containers[0];

  test('renders exactly a ServiceAccount, Deployment and Service, all valid against their schemas', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([`Deployment/${name}`, `Service/${name}`, `ServiceAccount/${name}`]);
    expect(objects.every((o) => o.metadata.namespace === 'virtrigaud-system')).toBe(true);
    expectValid(objects);
  });

  test('labels every object with the component, instance, provider name and type', () => {
    for (const o of objects) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': 'virtrigaud',
        'app.kubernetes.io/component': 'provider',
        'app.kubernetes.io/instance': 'virtrigaud',
        'app.kubernetes.io/version': 'v0.3.11',
        'virtrigaud.io/provider': sample.name,
        'virtrigaud.io/provider-type': type,
        team: 'platform',
      });
    }
    expect(service.metadata.labels!['virtrigaud.io/job']).toBe('virtrigaud-provider');
  });

  test('selects its pods by stable labels only (no version, no type), and the Service selects the same pods', () => {
    const selector = {
      'app.kubernetes.io/name': 'virtrigaud',
      'app.kubernetes.io/instance': 'virtrigaud',
      'app.kubernetes.io/component': 'provider',
      'virtrigaud.io/provider': sample.name,
    };
    expect(deployment.spec.selector).toEqual({ matchLabels: selector });
    expect(service.spec.selector).toEqual(selector);
    expect(selects(selector, pod.metadata.labels)).toBe(true);
    expect(pod.metadata.labels).toMatchObject({ 'virtrigaud.io/provider-type': type, 'app.kubernetes.io/version': 'v0.3.11' });
  });

  test('the Service has named ports grpc 9443 and metrics 8080 onto the named container ports', () => {
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([
      { name: 'grpc', port: 9443, targetPort: 'grpc', protocol: 'TCP' },
      { name: 'metrics', port: 8080, targetPort: 'metrics', protocol: 'TCP' },
    ]);
    expect(container.ports).toEqual([
      { name: 'grpc', containerPort: 9443, protocol: 'TCP' },
      { name: 'metrics', containerPort: 8080, protocol: 'TCP' },
    ]);
  });

  test('runs the type image with its entrypoint, --port and --health-port, and /healthz probes on 8080', () => {
    expect(container.name).toBe('provider');
    expect(container.image).toBe(`ghcr.io/projectbeskar/virtrigaud/provider-${type}:v0.3.11`);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual(['--port=9443', '--health-port=8080']);
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect(probe.httpGet).toEqual({ path: '/healthz', port: 8080 });
    }
  });

  test('sets the provider environment', () => {
    expect(envMap(container)).toEqual({
      PROVIDER_TYPE: type,
      PROVIDER_ENDPOINT: sample.endpoint,
      PROVIDER_NAMESPACE: { fieldRef: { fieldPath: 'metadata.namespace' } },
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      TLS_ENABLED: 'true',
      // What the v0.3.11 manager sets from spec.insecureSkipVerify (false unless asked for).
      TLS_INSECURE_SKIP_VERIFY: 'false',
    });
  });

  test('mounts the credentials Secret and the TLS Secret read-only, and a /tmp without size limit (providers stage disks there)', () => {
    expect(pod.spec.volumes).toEqual([
      { name: 'credentials', secret: { secretName: sample.credentialsSecret, defaultMode: 0o440 } },
      { name: 'tls', secret: { secretName: `${name}-tls`, defaultMode: 0o440 } },
      { name: 'tmp', emptyDir: {} },
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'credentials', mountPath: '/etc/virtrigaud/credentials', readOnly: true },
      { name: 'tls', mountPath: '/etc/virtrigaud/tls', readOnly: true },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
  });

  test('meets Pod Security "restricted" and mounts no ServiceAccount token', () => {
    expect(pod.spec.securityContext).toEqual(RESTRICTED_POD);
    expect(container.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(pod.spec.serviceAccountName).toBe(name);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(serviceAccount.automountServiceAccountToken).toBe(false);
    expect(pod.spec.enableServiceLinks).toBe(false);
    expect(pod.spec.hostNetwork).toBeUndefined();
    expect(pod.spec.volumes.some((v: any) => v.hostPath)).toBe(false);
  });

  test('has explicit requests and limits, pull secrets, and no cdk8s-plus defaults', () => {
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(deployment.spec.replicas).toBe(1);
    expect(JSON.stringify(objects)).not.toMatch(/cdk8s\.io\/metadata\.addr|externalIPs/);
  });

  test('annotates the pod with a hash of its settings that changes with them', () => {
    const hash = pod.metadata.annotations['virtrigaud.io/config-hash'];
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    const again = find(synthProviders([sample]), 'Deployment', name).spec.template.metadata.annotations['virtrigaud.io/config-hash'];
    expect(again).toBe(hash);
    const changed = find(synthProviders([{ ...sample, credentialsSecret: 'rotated-credentials' }]), 'Deployment', name);
    expect(changed.spec.template.metadata.annotations['virtrigaud.io/config-hash']).not.toBe(hash);
  });
});

describe('provider options', () => {
  test('TLS off: no TLS volume, TLS_ENABLED=false and the explicit plaintext opt-out', () => {
    const objects = synthProviders([{ ...SAMPLES.vsphere, tls: { enabled: false } }]);
    const pod = find(objects, 'Deployment', 'virtrigaud-provider-vc-prod').spec.template.spec;
    expect(pod.volumes.map((v: any) => v.name)).toEqual(['credentials', 'tmp']);
    expect(pod.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(['/etc/virtrigaud/credentials', '/tmp']);
    expect(envMap(pod.containers[0])).toMatchObject({ TLS_ENABLED: 'false', VIRTRIGAUD_PROVIDER_INSECURE: 'true' });
    expectValid(objects);
  });

  test('a named TLS Secret, gRPC port, replicas, image, resources, scheduling, env, pod labels and annotations', () => {
    const objects = synthProviders([
      {
        ...SAMPLES.proxmox,
        tls: { secretName: 'pve-grpc-cert' },
        grpcPort: 10443,
        replicas: 2,
        image: { registry: 'registry.local:5000', repository: 'mirror/provider-proxmox', tag: 'v0.3.11-patched', digest: `sha256:${'a'.repeat(64)}`, pullPolicy: 'Always' },
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } } },
        priorityClassName: 'system-cluster-critical',
        env: [
          { name: 'HTTPS_PROXY', value: 'http://proxy.example.com:3128' },
          { name: 'PVE_TOKEN', valueFrom: { secretKeyRef: { name: 'proxmox-credentials', key: 'token_secret' } } },
          { name: 'MEM_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        ],
        podLabels: { 'cost-center': 'infra' },
        podAnnotations: { 'example.com/owner': 'platform' },
        logLevel: 'debug',
        logFormat: 'text',
      },
    ]);
    const d = find(objects, 'Deployment', 'virtrigaud-provider-pve');
    const svc = find(objects, 'Service', 'virtrigaud-provider-pve');
    const spec = d.spec.template.spec;
    const c = spec.containers[0];
    expect(d.spec.replicas).toBe(2);
    expect(c.image).toBe(`registry.local:5000/mirror/provider-proxmox:v0.3.11-patched@sha256:${'a'.repeat(64)}`);
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.args).toEqual(['--port=10443', '--health-port=8080']);
    expect(c.ports[0]).toEqual({ name: 'grpc', containerPort: 10443, protocol: 'TCP' });
    expect(svc.spec.ports[0]).toEqual({ name: 'grpc', port: 10443, targetPort: 'grpc', protocol: 'TCP' });
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    expect(spec.volumes[1]).toEqual({ name: 'tls', secret: { secretName: 'pve-grpc-cert', defaultMode: 0o440 } });
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].key).toBe('zone');
    expect(spec.priorityClassName).toBe('system-cluster-critical');
    expect(envMap(c)).toMatchObject({
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'text',
      HTTPS_PROXY: 'http://proxy.example.com:3128',
      PVE_TOKEN: { secretKeyRef: { name: 'proxmox-credentials', key: 'token_secret' } },
      MEM_LIMIT: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
    });
    expect(c.env.slice(0, 6).map((e: any) => e.name)).toEqual(['PROVIDER_TYPE', 'PROVIDER_ENDPOINT', 'PROVIDER_NAMESPACE', 'LOG_LEVEL', 'LOG_FORMAT', 'TLS_ENABLED']);
    expect(d.spec.template.metadata.labels['cost-center']).toBe('infra');
    expect(d.spec.selector.matchLabels['cost-center']).toBeUndefined();
    expect(svc.spec.selector['cost-center']).toBeUndefined();
    expect(d.spec.template.metadata.annotations['example.com/owner']).toBe('platform');
    expectValid(objects);
  });

  test('credentials never appear in the output: only Secret names are referenced', () => {
    const objects = synthProviders(Object.values(SAMPLES));
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(/"(password|token_secret|ssh-privatekey|stringData|data)"\s*:/);
    for (const sample of Object.values(SAMPLES)) expect(text).toContain(`"secretName":"${sample.credentialsSecret}"`);
  });
});

describe('several provider instances at once', () => {
  const inputs = [
    SAMPLES.vsphere,
    { ...SAMPLES.vsphere, name: 'vc-dr', endpoint: 'https://vcenter-dr.example.com/sdk', credentialsSecret: 'vsphere-dr-credentials' },
    SAMPLES.libvirt,
    { ...SAMPLES.libvirt, name: 'kvm-tls', endpoint: 'qemu+tls://kvm02.example.com/system' },
    SAMPLES.proxmox,
  ];
  const objects = synthProviders(inputs);
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const services = objects.filter((o) => o.kind === 'Service');

  test('each instance has its own ServiceAccount, Deployment and Service, all valid', () => {
    const names = inputs.map((i) => `virtrigaud-provider-${i.name}`).sort();
    for (const kind of ['ServiceAccount', 'Deployment', 'Service']) {
      expect(objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort()).toEqual(names);
    }
    expect(objects).toHaveLength(inputs.length * 3);
    expectValid(objects);
  });

  test('every Service and Deployment selects its own pods and no other instance\'s', () => {
    for (const svc of services) {
      const selected = deployments.filter((d) => selects(svc.spec.selector, d.spec.template.metadata.labels));
      expect(selected.map((d) => d.metadata.name)).toEqual([svc.metadata.name]);
    }
    for (const d of deployments) {
      const selected = deployments.filter((other) => selects(d.spec.selector.matchLabels, other.spec.template.metadata.labels));
      expect(selected.map((o) => o.metadata.name)).toEqual([d.metadata.name]);
    }
  });

  test('each pod runs its own type, endpoint and credentials', () => {
    for (const input of inputs) {
      const c = find(objects, 'Deployment', `virtrigaud-provider-${input.name}`).spec.template.spec.containers[0];
      expect(envMap(c)).toMatchObject({ PROVIDER_TYPE: input.type, PROVIDER_ENDPOINT: input.endpoint });
      expect(c.image).toBe(`ghcr.io/projectbeskar/virtrigaud/provider-${input.type}:v0.3.11`);
    }
  });

  test('construct ids are stable (provider-<name>) whatever the order of the list', () => {
    const chart = Testing.chart();
    const [first] = parseProviders([SAMPLES.proxmox]);
    const construct = new VirtRigaudProvider(chart, `provider-${first.name}`, { context: ctx, profile: 'documented', values: first as ProviderOptions });
    expect(construct.node.path).toMatch(/provider-pve$/);
    const reversed = synthProviders([...inputs].reverse());
    const key = (list: Manifest[]) => list.map((o) => JSON.stringify(o)).sort();
    expect(key(reversed)).toEqual(key(objects));
  });
});

describe('custom-resource mode', () => {
  // Short names: the manager names its Service virtrigaud-provider-<namespace>-<Provider name> (at most 63 characters).
  const CR_NAMES = { vsphere: 'vc', libvirt: 'kvm', proxmox: 'pve' } as const;

  test.each(PROVIDER_TYPES)('a %s provider renders only a typed Provider object, valid against the vendored CRD', (type) => {
    const sample = { ...SAMPLES[type], name: CR_NAMES[type] };
    const objects = synthProviders([{ ...sample, mode: 'custom-resource' }], [{ name: 'regcred' }]);
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([`infra.virtrigaud.io/v1beta1 Provider/${sample.name}`]);
    const provider = objects[0];
    expect(provider.metadata.namespace).toBe('virtrigaud-system');
    expect(provider.metadata.labels).toMatchObject({ 'app.kubernetes.io/component': 'provider', 'virtrigaud.io/provider': sample.name, 'virtrigaud.io/provider-type': type });
    expect(provider.spec).toEqual({
      type,
      endpoint: sample.endpoint,
      credentialSecretRef: { name: sample.credentialsSecret },
      runtime: {
        mode: 'Remote',
        image: `ghcr.io/projectbeskar/virtrigaud/provider-${type}:v0.3.11`,
        imagePullPolicy: 'IfNotPresent',
        // (imagePullSecrets given, not rendered: the v0.3.11 manager ignores them.)
        replicas: 1,
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        securityContext: RESTRICTED_CONTAINER,
        service: { port: 9443, tls: { enabled: true, secretRef: { name: `virtrigaud-provider-${sample.name}-tls` } } },
        logLevel: 'info',
        logFormat: 'json',
      },
    });
    expectValid(objects);
  });

  test('TLS off is written explicitly (the CRD defaults enabled to true); scheduling and env are carried over', () => {
    const objects = synthProviders([
      {
        ...SAMPLES.libvirt,
        name: CR_NAMES.libvirt,
        mode: 'custom-resource',
        tls: { enabled: false },
        replicas: 3,
        env: [{ name: 'LIBVIRT_DEBUG', value: '1' }],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        tolerations: [{ key: 'infra', operator: 'Exists' }],
      },
    ]);
    const runtime = objects[0].spec.runtime;
    expect(runtime.service).toEqual({ port: 9443, tls: { enabled: false } });
    expect(runtime.replicas).toBe(3);
    expect(runtime.env).toEqual([{ name: 'LIBVIRT_DEBUG', value: '1' }]);
    expect(runtime.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux' });
    expect(runtime.tolerations).toEqual([{ key: 'infra', operator: 'Exists' }]);
    expectValid(objects);
  });

  test('mixes with deployment-mode providers', () => {
    const objects = synthProviders([SAMPLES.vsphere, { ...SAMPLES.proxmox, name: CR_NAMES.proxmox, mode: 'custom-resource' }]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
      'Deployment/virtrigaud-provider-vc-prod',
      'Provider/pve',
      'Service/virtrigaud-provider-vc-prod',
      'ServiceAccount/virtrigaud-provider-vc-prod',
    ]);
  });

  test.each([
    ['an https endpoint with user info', { endpoint: 'https://administrator@vcenter.example.com/sdk' }, 'spec.endpoint'],
    ['a credentials Secret name with a dot', { credentialsSecret: 'vsphere.credentials' }, 'spec.credentialSecretRef.name'],
    ['0 replicas', { replicas: 0 }, 'spec.runtime.replicas'],
    ['11 replicas', { replicas: 11 }, 'spec.runtime.replicas'],
    ['a registry with a port', { image: { registry: 'registry.local:5000' } }, 'spec.runtime.image'],
  ])('the values schema rejects %s in custom-resource mode because the CRD would', (_what, change, crdPath) => {
    // Valid in deployment mode; forced into custom-resource mode past the values schema (handed over as the release does, so the construct does not parse it again).
    const [values] = parseProviders([{ ...SAMPLES.vsphere, name: 'vc', ...change }]);
    const construct = new VirtRigaudProvider(Testing.chart(), 'provider-vc', ReleasePart.of({ context: ctx, values: { ...values, mode: 'custom-resource' as const } }));
    expect(validateManifest(construct.customResource!.toJson()).map((v) => v.path)).toContain(crdPath);
    // Lint, which `cdk8s synth` runs for a provider used on its own, reports it too.
    expect(lintFindings(construct).join('\n')).toContain(`Provider/virtrigaud-system/vc: ${crdPath}: `);
  });
});

describe('endpoint TLS and vSphere defaults reach the provider the way the v0.3.11 manager passes them', () => {
  const defaults = { datastore: 'ds-ssd', storagePod: 'pod-1', cluster: 'cl-1', folder: 'vms' };

  test('custom-resource: spec.insecureSkipVerify, spec.defaults, SSL_CERT_FILE from caBundleKey (valid against the CRD)', () => {
    const [verified, skipped] = synthProviders([
      { ...SAMPLES.vsphere, name: 'vc', mode: 'custom-resource', caBundleKey: 'ca.crt', defaults, env: [{ name: 'GOVC_DEBUG', value: 'false' }] },
      { ...SAMPLES.proxmox, name: 'pve', mode: 'custom-resource', insecureSkipVerify: true },
    ]);
    expect(verified.spec.insecureSkipVerify).toBeUndefined();
    expect(verified.spec.defaults).toEqual(defaults);
    expect(verified.spec.runtime.env).toEqual([
      { name: 'SSL_CERT_FILE', value: '/etc/virtrigaud/credentials/ca.crt' },
      { name: 'GOVC_DEBUG', value: 'false' },
    ]);
    expect(skipped.spec.insecureSkipVerify).toBe(true);
    expect(skipped.spec.runtime.env).toBeUndefined();
    expect(skipped.spec.defaults).toBeUndefined();
    expectValid([verified, skipped]);
  });

  test('deployment: TLS_INSECURE_SKIP_VERIFY, PROVIDER_DEFAULT_* and SSL_CERT_FILE env', () => {
    const objects = synthProviders([{ ...SAMPLES.vsphere, caBundleKey: 'ca.pem', defaults: { datastore: 'ds-ssd', folder: 'vms' } }]);
    const env = find(objects, 'Deployment', 'virtrigaud-provider-vc-prod').spec.template.spec.containers[0].env;
    expect(env).toEqual(
      expect.arrayContaining([
        { name: 'TLS_INSECURE_SKIP_VERIFY', value: 'false' },
        { name: 'PROVIDER_DEFAULT_DATASTORE', value: 'ds-ssd' },
        { name: 'PROVIDER_DEFAULT_FOLDER', value: 'vms' },
        { name: 'SSL_CERT_FILE', value: '/etc/virtrigaud/credentials/ca.pem' },
      ]),
    );
    expect(env.map((e: { name: string }) => e.name)).not.toContain('PROVIDER_DEFAULT_CLUSTER');
  });
});
