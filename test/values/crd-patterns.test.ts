/**
 * The Provider CRD constraints the values check in `custom-resource` mode, against the vendored
 * upstream v0.3.11 CRD (vendor/virtrigaud-v0.3.11/crds, unchanged from the module).
 */
import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { packagePath } from '../../lib/paths';
import { CRD_ENDPOINT_PATTERN, CRD_REPLICAS, CRD_SECRET_NAME } from '../../lib/values/provider-values';

const crd = parse(readFileSync(packagePath('vendor/virtrigaud-v0.3.11/crds/infra.virtrigaud.io_providers.yaml'), 'utf8'));
const versions = crd.spec.versions.filter((v: { storage: boolean }) => v.storage);
const spec = versions[0].schema.openAPIV3Schema.properties.spec.properties;

test('one stored version', () => expect(versions).toHaveLength(1));

test('spec.endpoint pattern', () => {
  expect(CRD_ENDPOINT_PATTERN.source).toBe(new RegExp(spec.endpoint.pattern).source);
  expect(CRD_ENDPOINT_PATTERN.flags).toBe('');
});

test('spec.credentialSecretRef.name pattern', () => {
  expect(CRD_SECRET_NAME.source).toBe(new RegExp(spec.credentialSecretRef.properties.name.pattern).source);
});

test('spec.runtime.replicas bounds', () => {
  const replicas = spec.runtime.properties.replicas;
  expect(CRD_REPLICAS).toEqual({ min: replicas.minimum, max: replicas.maximum });
});
