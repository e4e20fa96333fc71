/** Environment variables of the provider containers (no imports). */

/**
 * What the toolkit (`deployment` mode) or the VirtRigaud manager (`custom-resource` mode) sets on
 * every provider container.
 */
export const PROVIDER_ENV = {
  type: 'PROVIDER_TYPE',
  endpoint: 'PROVIDER_ENDPOINT',
  namespace: 'PROVIDER_NAMESPACE',
  name: 'PROVIDER_NAME',
  logLevel: 'LOG_LEVEL',
  logFormat: 'LOG_FORMAT',
  tlsEnabled: 'TLS_ENABLED',
  insecureSkipVerify: 'TLS_INSECURE_SKIP_VERIFY',
  /** The explicit plaintext opt-out VirtRigaud ≥ v0.3.7 providers need to start without certificates. */
  plaintext: 'VIRTRIGAUD_PROVIDER_INSECURE',
  /** From `caBundleKey`: Go's TLS then trusts that bundle instead of the image's CAs. */
  caBundle: 'SSL_CERT_FILE',
} as const;

/** `PROVIDER_DEFAULT_*` of `defaults` (what the v0.3.11 manager derives from `spec.defaults`). */
export const PROVIDER_DEFAULTS_ENV = {
  datastore: 'PROVIDER_DEFAULT_DATASTORE',
  storagePod: 'PROVIDER_DEFAULT_STORAGE_POD',
  cluster: 'PROVIDER_DEFAULT_CLUSTER',
  folder: 'PROVIDER_DEFAULT_FOLDER',
} as const;

/** The variables `env` may not redefine. */
export const RESERVED_PROVIDER_ENV: readonly string[] = [...Object.values(PROVIDER_ENV), ...Object.values(PROVIDER_DEFAULTS_ENV)];
