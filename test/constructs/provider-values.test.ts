import { endpointPort, providersSchema } from '../../lib/values/provider-values';
import { valuesSchema } from '../../lib/values/schema';
import { issues, SAMPLES } from './provider-fixtures';

/** Issues of values with these providers (zod path from the values root), under the documented profile (deployment mode allowed). */
function providerIssues(...providers: unknown[]) {
  return issues(valuesSchema, { profile: 'documented', providers });
}

describe('provider values', () => {
  test('the default release has no providers', () => {
    expect(valuesSchema.parse({}).providers).toEqual([]);
  });

  test('a provider of each type parses with documented defaults; the default mode is custom-resource', () => {
    const parsed = providersSchema.parse(Object.values(SAMPLES).map(({ mode: _mode, ...rest }) => rest));
    for (const p of parsed) {
      expect(p).toMatchObject({ mode: 'custom-resource', insecureSkipVerify: false, replicas: 1, grpcPort: 9443, tls: { enabled: true }, logLevel: 'info', logFormat: 'json', endpointCidrs: ['0.0.0.0/0'] });
      expect(p.tls.secretName).toBeUndefined();
    }
  });

  test.each([
    ['https://vcenter.example.com/sdk', 443],
    ['https://pve01.example.com:8006', 8006],
    ['qemu+ssh://virtrigaud@kvm01/system', 22],
    ['qemu+ssh://virtrigaud@kvm01:2222/system', 2222],
    ['qemu+tcp://kvm01/system', 16509],
    ['qemu+tls://kvm01/system', 16514],
  ])('endpoint %s connects to port %d', (endpoint, port) => {
    expect(endpointPort(endpoint)).toBe(port);
  });
});

describe('bad provider values fail with their key path and a message that says what to do', () => {
  const cases: [string, unknown[], (string | number)[], RegExp][] = [
    ['unknown type', [{ ...SAMPLES.vsphere, type: 'hyperv' }], ['providers', 0, 'type'], /^unknown provider type "hyperv": use one of vsphere, libvirt, proxmox$/],
    ['vSphere endpoint not https', [{ ...SAMPLES.vsphere, endpoint: 'http://vcenter.example.com/sdk' }], ['providers', 0, 'endpoint'], /^a vsphere endpoint must start with https:\/\/ \(e\.g\. https:\/\/vcenter\.example\.com\/sdk\); got "http:\/\/vcenter\.example\.com\/sdk"$/],
    ['libvirt endpoint with https', [{ ...SAMPLES.libvirt, endpoint: 'https://kvm01.example.com' }], ['providers', 0, 'endpoint'], /^a libvirt endpoint must start with qemu\+ssh:\/\/, qemu\+tcp:\/\/, qemu\+tls:\/\//],
    ['libvirt endpoint without the libvirt instance path', [{ ...SAMPLES.libvirt, endpoint: 'qemu+ssh://root@kvm01' }], ['providers', 0, 'endpoint'], /names the libvirt instance in its path \(e\.g\. qemu\+ssh:\/\/user@host\/system\)/],
    ['Proxmox endpoint with qemu+tcp', [{ ...SAMPLES.proxmox, endpoint: 'qemu+tcp://pve01/system' }], ['providers', 0, 'endpoint'], /^a proxmox endpoint must start with https:\/\//],
    ['endpoint that is not a URL', [{ ...SAMPLES.proxmox, endpoint: 'pve01.example.com:8006' }], ['providers', 0, 'endpoint'], /a proxmox endpoint must start with https:\/\/|is not a URL/],
    ['password in the endpoint URL', [{ ...SAMPLES.vsphere, endpoint: 'https://administrator:hunter2@vcenter.example.com/sdk' }], ['providers', 0, 'endpoint'], /^the endpoint carries a password: remove it from the URL and put it into the Secret named by credentialsSecret$/],
    ['password in the endpoint query', [{ ...SAMPLES.libvirt, endpoint: 'qemu+ssh://root@kvm01/system?password=hunter2' }], ['providers', 0, 'endpoint'], /^the endpoint carries password in its query: .*Secret named by credentialsSecret$/],
    ['inline password key', [{ ...SAMPLES.vsphere, password: 'hunter2' }], ['providers', 0, 'password'], /^credentials must not be written into values: create a Secret \(kubectl create secret generic <name> --from-literal=password=…\) in the release namespace and set credentialsSecret: <name> instead of password$/],
    ['inline ssh private key', [{ ...SAMPLES.libvirt, 'ssh-privatekey': '-----BEGIN OPENSSH PRIVATE KEY-----' }], ['providers', 0, 'ssh-privatekey'], /create a Secret .*instead of ssh-privatekey$/],
    ['inline Proxmox token', [{ ...SAMPLES.proxmox, token_secret: 'hunter2' }], ['providers', 0, 'token_secret'], /create a Secret .*instead of token_secret$/],
    ['missing credentialsSecret', [{ name: 'vc', type: 'vsphere', endpoint: 'https://vc/sdk' }], ['providers', 0, 'credentialsSecret'], /./],
    ['duplicate name', [SAMPLES.vsphere, { ...SAMPLES.proxmox, name: SAMPLES.vsphere.name }], ['providers', 1, 'name'], /^duplicate provider name "vc-prod" \(also providers\[0\]\.name\)$/],
    ['too-long name', [{ ...SAMPLES.vsphere, name: 'a'.repeat(44) }], ['providers', 0, 'name'], /makes the name "virtrigaud-provider-a{44}" \(64 characters\); Service names may have at most 63: shorten the provider name to at most 43 characters$/],
    ['custom-resource: a name that makes the manager-created Service name too long', [{ ...SAMPLES.vsphere, name: 'a-much-longer-provider-name', mode: 'custom-resource' }], ['providers', 0, 'name'], /^with mode: custom-resource the VirtRigaud manager names the provider Service "virtrigaud-provider-virtrigaud-system-a-much-longer-provider-name" \(65 characters\); Service names may have at most 63: shorten the provider name or the namespace$/],
    ['uppercase name', [{ ...SAMPLES.vsphere, name: 'VCenter' }], ['providers', 0, 'name'], /^providers\[\]\.name must be a lowercase RFC 1123 label .*; got "VCenter"$/],
    ['name with an underscore', [{ ...SAMPLES.vsphere, name: 'vc_prod' }], ['providers', 0, 'name'], /must be a lowercase RFC 1123 label/],
    ['env redefining PROVIDER_TYPE', [{ ...SAMPLES.vsphere, env: [{ name: 'PROVIDER_TYPE', value: 'proxmox' }] }], ['providers', 0, 'env', 0, 'name'], /^PROVIDER_TYPE is set by the toolkit; use the provider value \(type, endpoint, logLevel, logFormat, tls\) instead$/],
    ['env redefining TLS_ENABLED', [{ ...SAMPLES.vsphere, env: [{ name: 'X', value: '1' }, { name: 'TLS_ENABLED', value: 'false' }] }], ['providers', 0, 'env', 1, 'name'], /^TLS_ENABLED is set by the toolkit/],
    ['env value that looks like a credential', [{ ...SAMPLES.vsphere, env: [{ name: 'VSPHERE_PASSWORD', value: 'hunter2' }] }], ['providers', 0, 'env', 0, 'value'], /^VSPHERE_PASSWORD looks like a credential: .*valueFrom\.secretKeyRef/],
    ['podLabels overriding a selector label', [{ ...SAMPLES.vsphere, podLabels: { 'app.kubernetes.io/instance': 'other' } }], ['providers', 0, 'podLabels', 'app.kubernetes.io/instance'], /^app\.kubernetes\.io\/instance is a selector or provider label set by the toolkit; podLabels may not override it$/],
    ['podLabels overriding the provider label', [{ ...SAMPLES.vsphere, podLabels: { 'virtrigaud.io/provider': 'other' } }], ['providers', 0, 'podLabels', 'virtrigaud.io/provider'], /podLabels may not override it$/],
    ['insecureSkipVerify for libvirt (its binary does not read it)', [{ ...SAMPLES.libvirt, insecureSkipVerify: true }], ['providers', 0, 'insecureSkipVerify'], /^the libvirt provider does not read it \(only vsphere and proxmox do\); remove it$/],
    ['caBundleKey and insecureSkipVerify together', [{ ...SAMPLES.vsphere, caBundleKey: 'ca.crt', insecureSkipVerify: true }], ['providers', 0, 'insecureSkipVerify'], /^set either caBundleKey .* or insecureSkipVerify .*, not both$/],
    ['caBundleKey for libvirt', [{ ...SAMPLES.libvirt, caBundleKey: 'ca.crt' }], ['providers', 0, 'caBundleKey'], /^the libvirt provider does not verify its endpoint with an HTTPS CA bundle/],
    ['caBundleKey that is no Secret key', [{ ...SAMPLES.vsphere, caBundleKey: '../ca.crt' }], ['providers', 0, 'caBundleKey'], /Secret key/],
    ['defaults for Proxmox (only vSphere reads them)', [{ ...SAMPLES.proxmox, defaults: { datastore: 'local-lvm' } }], ['providers', 0, 'defaults'], /^only the vSphere provider reads defaults; the proxmox provider would ignore them \(its default storage is env PROVIDER_DEFAULT_STORAGE\): remove them$/],
    ['defaults.network (the v0.3.11 manager ignores it)', [{ ...SAMPLES.vsphere, defaults: { network: 'VM Network' } }], ['providers', 0, 'defaults'], /network/],
    ['defaults.datastore longer than the CRD allows', [{ ...SAMPLES.vsphere, defaults: { datastore: 'd'.repeat(256) } }], ['providers', 0, 'defaults', 'datastore'], /255/],
    ['env SSL_CERT_FILE (set by caBundleKey)', [{ ...SAMPLES.vsphere, env: [{ name: 'SSL_CERT_FILE', value: '/x' }] }], ['providers', 0, 'env', 0, 'name'], /^SSL_CERT_FILE is set by the toolkit; use the provider value caBundleKey instead$/],
    ['env TLS_INSECURE_SKIP_VERIFY', [{ ...SAMPLES.proxmox, env: [{ name: 'TLS_INSECURE_SKIP_VERIFY', value: 'true' }] }], ['providers', 0, 'env', 0, 'name'], /use the provider value insecureSkipVerify \(or, better, caBundleKey\) instead$/],
    ['unknown key (typo)', [{ ...SAMPLES.vsphere, credentialSecret: 'x' }], ['providers', 0], /credentialSecret/],
    ['gRPC port below 1024', [{ ...SAMPLES.vsphere, grpcPort: 443 }], ['providers', 0, 'grpcPort'], /1024/],
    ['custom-resource: https user info the CRD rejects', [{ ...SAMPLES.vsphere, name: 'vc', mode: 'custom-resource', endpoint: 'https://administrator@vcenter.example.com/sdk' }], ['providers', 0, 'endpoint'], /^the Provider CRD \(spec\.endpoint\) does not accept/],
    ['custom-resource: Secret name with a dot', [{ ...SAMPLES.vsphere, name: 'vc', mode: 'custom-resource', credentialsSecret: 'vsphere.credentials' }], ['providers', 0, 'credentialsSecret'], /^the Provider CRD \(spec\.credentialSecretRef\.name\) accepts only a DNS label/],
    ['custom-resource: 0 replicas', [{ ...SAMPLES.vsphere, name: 'vc', mode: 'custom-resource', replicas: 0 }], ['providers', 0, 'replicas'], /^the Provider CRD \(spec\.runtime\.replicas\) accepts 1 to 10; got 0$/],
    ['custom-resource: 11 replicas', [{ ...SAMPLES.vsphere, name: 'vc', mode: 'custom-resource', replicas: 11 }], ['providers', 0, 'replicas'], /accepts 1 to 10; got 11$/],
    ['custom-resource: registry with a port', [{ ...SAMPLES.vsphere, name: 'vc', mode: 'custom-resource', image: { registry: 'registry.local:5000' } }], ['providers', 0, 'image', 'registry'], /does not accept a registry with a port/],
    ['custom-resource: podLabels', [{ ...SAMPLES.vsphere, name: 'vc', mode: 'custom-resource', podLabels: { a: 'b' } }], ['providers', 0, 'podLabels'], /^not supported with mode: custom-resource .*use mode: deployment$/],
    ['custom-resource: podAnnotations', [{ ...SAMPLES.vsphere, name: 'vc', mode: 'custom-resource', podAnnotations: { a: 'b' } }], ['providers', 0, 'podAnnotations'], /^not supported with mode: custom-resource/],
    ['custom-resource: endpoint checked per type as well', [{ ...SAMPLES.proxmox, name: 'pve', mode: 'custom-resource', endpoint: 'qemu+ssh://root@pve/system' }], ['providers', 0, 'endpoint'], /^a proxmox endpoint must start with https:\/\//],
    ['unknown mode', [{ ...SAMPLES.vsphere, mode: 'operator' }], ['providers', 0, 'mode'], /deployment|custom-resource/],
  ];

  test.each(cases)('%s', (_what, providers, path, message) => {
    const found = providerIssues(...providers);
    expect(found).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  test('messages never echo a password or token from the input', () => {
    for (const [, providers] of cases) {
      for (const issue of providerIssues(...providers)) expect(issue.message).not.toMatch(/hunter2|BEGIN OPENSSH/);
    }
  });

  test('several problems in one list are all reported, each at its own path', () => {
    const duplicate = { ...SAMPLES.vsphere, endpoint: 'https://vc2.example.com/sdk' };
    const found = providerIssues(SAMPLES.vsphere, { ...SAMPLES.libvirt, endpoint: 'https://kvm' }, { ...SAMPLES.proxmox, type: 'xen' }, duplicate);
    expect(found.map((i) => i.path)).toEqual([
      ['providers', 1, 'endpoint'],
      ['providers', 2, 'type'],
      ['providers', 3, 'name'], // the duplicate, reported in the same run as the entries' own errors
    ]);
    expect(providerIssues(SAMPLES.vsphere, SAMPLES.libvirt, duplicate).map((i) => i.path)).toEqual([['providers', 2, 'name']]);
    // A duplicate that is itself invalid gets both messages.
    const bad = { ...SAMPLES.vsphere, endpoint: 'ftp://vc' };
    expect(providerIssues(SAMPLES.vsphere, bad).map((i) => [i.path.join('.'), i.message.slice(0, 20)])).toEqual([
      ['providers.1.endpoint', 'a vsphere endpoint m'],
      ['providers.1.name', 'duplicate provider n'],
    ]);
  });
});

describe('profile v0.3.11 (the default) refuses deployment mode', () => {
  test('with the key, why, and what to choose', () => {
    expect(issues(valuesSchema, { providers: [SAMPLES.vsphere] })).toEqual([
      {
        path: ['providers', 0, 'mode'],
        message: expect.stringMatching(/^mode: deployment cannot be used with VirtRigaud v0\.3\.11 \(profile: v0\.3\.11\): its manager dials only the provider Services it creates itself from Provider objects, .*Use mode: custom-resource \(the default\); mode: deployment is only for profile: documented$/),
      },
    ]);
  });

  test('custom-resource (the default) is accepted; deployment is accepted with profile: documented', () => {
    const { mode: _mode, ...vsphere } = SAMPLES.vsphere;
    expect(issues(valuesSchema, { providers: [vsphere] })).toEqual([]);
    expect(valuesSchema.parse({ providers: [vsphere] }).providers[0].mode).toBe('custom-resource');
    expect(issues(valuesSchema, { profile: 'documented', providers: [SAMPLES.vsphere] })).toEqual([]);
  });

  test('an unknown profile names the choices', () => {
    expect(issues(valuesSchema, { profile: 'v0.4' })).toEqual([{ path: ['profile'], message: 'unknown profile "v0.4": use v0.3.11 or documented' }]);
  });
});
