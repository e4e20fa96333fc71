/**
 * The construct props as TypeScript interfaces (`lib/props.ts`), generated from the values schema
 * (its JSON schema for input, as in values.schema.json): every key, its description as JSDoc and
 * its default as `@default`. Providers become a union discriminated by `type` and `mode`, so that
 * a field of another type or mode does not compile. `npm run generate` writes the file.
 */
import { DEFAULTS_PROVIDER_TYPES, DEPLOYMENT_ONLY_PROVIDER_KEYS, HTTPS_PROVIDER_TYPES, PROVIDER_TYPES, providerSchema, ProviderType } from '../values/provider-values';
import { valuesSchema } from '../values/schema';
import { valuesJsonSchema } from './values-reference';

export const PROPS_FILE = 'lib/props.ts';

interface Schema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
}

/** Provider fields only some types read (the schema refuses them for the others). */
const TYPE_SPECIFIC: Readonly<Record<string, readonly ProviderType[]>> = {
  insecureSkipVerify: HTTPS_PROVIDER_TYPES,
  caBundleKey: HTTPS_PROVIDER_TYPES,
  defaults: DEFAULTS_PROVIDER_TYPES,
};

const pascal = (s: string) => s.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
const singular = (s: string) => (s.endsWith('ies') ? `${s.slice(0, -3)}y` : s.endsWith('s') && !s.endsWith('ss') ? s.slice(0, -1) : s);

class Emitter {
  private readonly out: string[] = [];

  /** The TypeScript type of `s`; objects with properties become named interfaces. */
  type(s: Schema, name: string, defaults?: unknown): string {
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
    if (Array.isArray(s.type)) return s.type.map((t) => (t === 'integer' ? 'number' : t)).join(' | ');
    switch (s.type) {
      case 'string':
      case 'boolean':
        return s.type;
      case 'number':
      case 'integer':
        return 'number';
      case 'array': {
        const item = this.type(s.items ?? {}, singular(name), undefined);
        return item.includes(' ') ? `(${item})[]` : `${item}[]`;
      }
      case 'object':
        if (s.properties) {
          this.interface(`${name}Options`, s, { defaults });
          return `${name}Options`;
        }
        return `{ readonly [key: string]: ${typeof s.additionalProperties === 'object' ? this.type(s.additionalProperties, name, undefined) : 'unknown'} }`;
      default:
        return 'unknown';
    }
  }

  interface(name: string, s: Schema, options: { omit?: readonly string[]; summary?: string; prefix?: string; defaults?: unknown } = {}): void {
    const members = Object.entries(s.properties ?? {})
      .filter(([key]) => !options.omit?.includes(key))
      .map(([key, prop]) => this.member(key, prop, !(s.required ?? []).includes(key), options.prefix ?? name.replace(/Options$/, ''), options.defaults));
    this.out.push(`${doc(options.summary ?? s.description ?? '', '')}export interface ${name} {\n${members.join('\n')}\n}\n`);
  }

  member(key: string, prop: Schema, optional: boolean, prefix: string, defaults: unknown): string {
    // Alerts are keyed by their names: `VirtrigaudManagerDownAlertOptions`.
    const actual = defaults !== null && typeof defaults === 'object' ? (defaults as Record<string, unknown>)[key] : undefined;
    const type = this.type(prop, prefix === 'MonitoringRulesAlerts' ? `${key}Alert` : `${prefix}${pascal(key)}`, actual);
    const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`;
    return `${doc(prop.description ?? '', optional ? defaultTag(prop, actual) : '', '  ')}  readonly ${name}${optional ? '?' : ''}: ${type};`;
  }

  /** Providers: the fields every provider has, then a union over types and one over modes. */
  provider(s: Schema, defaults: unknown): string {
    const props = s.properties ?? {};
    const special = [...Object.keys(TYPE_SPECIFIC), ...DEPLOYMENT_ONLY_PROVIDER_KEYS, 'type', 'mode'];
    this.interface('ProviderCommonOptions', s, { omit: special, summary: 'Settings of every provider, whatever its type and mode.', prefix: 'Provider', defaults });
    const never = (key: string, why: string) => `  /** Not for ${why}. */\n  readonly ${key}?: never;`;
    const typeNames = PROVIDER_TYPES.map((type) => {
      const name = `${pascal(type)}ProviderTypeOptions`;
      const fields = Object.entries(TYPE_SPECIFIC).map(([key, types]) => (types.includes(type) ? this.member(key, props[key], true, 'Provider', defaults) : never(key, `${type} providers`)));
      this.out.push(`/** Settings of a ${type} provider. */\nexport interface ${name} {\n${doc(props.type.description ?? '', '', '  ')}  readonly type: ${JSON.stringify(type)};\n${fields.join('\n')}\n}\n`);
      return name;
    });
    const mode = props.mode;
    const deploymentOnly = DEPLOYMENT_ONLY_PROVIDER_KEYS.map((key) => this.member(key, props[key], true, 'Provider', defaults));
    this.out.push(
      `/** A provider run by the VirtRigaud manager from a \`Provider\` object (the default mode). */\nexport interface CustomResourceProviderModeOptions {\n${doc(mode.description ?? '', defaultTag(mode, (defaults as { mode?: unknown }).mode), '  ')}  readonly mode?: "custom-resource";\n${DEPLOYMENT_ONLY_PROVIDER_KEYS.map((k) => never(k, 'mode: custom-resource (the Provider CRD has no field for it)')).join('\n')}\n}\n`,
      `/** A provider whose Deployment, Service and ServiceAccount the toolkit renders (\`profile: documented\` only). */\nexport interface DeploymentProviderModeOptions {\n${doc(mode.description ?? '', '', '  ')}  readonly mode: "deployment";\n${deploymentOnly.join('\n')}\n}\n`,
    );
    this.out.push(
      `${doc(`One provider instance: a union discriminated by \`type\` (${PROVIDER_TYPES.join(', ')}) and \`mode\`, so a field of another type or mode is a compile error.`, '')}export type ProviderOptions = ProviderCommonOptions &\n  (${typeNames.join(' | ')}) &\n  (CustomResourceProviderModeOptions | DeploymentProviderModeOptions);\n`,
    );
    return 'ProviderOptions';
  }

  text(): string {
    return this.out.join('\n');
  }
}

/**
 * `@default` of an optional prop: the value the schema gives it when left out (`actual`), the
 * default its description names (values derived from others, such as names), or none.
 */
function defaultTag(s: Schema, actual: unknown): string {
  const prefault = s.properties && typeof s.default === 'object' && s.default !== null && Object.keys(s.default).length === 0;
  if (actual !== undefined) return prefault ? '@default - every key at its default' : `@default ${JSON.stringify(actual)}`;
  const named = /Default: (.*?)\.?$/.exec(s.description ?? '')?.[1];
  return named ? `@default - ${named}` : '@default - not set';
}

function doc(description: string, tag: string, indent = ''): string {
  const lines = [...(description ? description.split('\n') : []), ...(tag ? [tag] : [])].map((l) => l.replace(/\*\//g, '*\\/'));
  if (lines.length === 0) return '';
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

/** The text of lib/props.ts. */
export function propsInterfaces(): string {
  const schema = valuesJsonSchema() as Schema;
  const emitter = new Emitter();
  const providers = schema.properties!.providers;
  // What each key becomes when left out: the schema's own defaults.
  const defaults = valuesSchema.parse({});
  const provider = providerSchema.parse({ name: 'p', type: 'vsphere', endpoint: 'https://vcenter.example.com/sdk', credentialsSecret: 's' });
  const providerType = emitter.provider(providers.items!, provider);
  // The providers list refers to the union emitted above.
  const members = Object.entries(schema.properties!).map(([key, prop]) =>
    key === 'providers' ? `${doc(prop.description ?? '', defaultTag(prop, defaults.providers), '  ')}  readonly providers?: ${providerType}[];` : emitter.member(key, prop, true, '', defaults),
  );
  return [
    '// Generated by `npm run generate` from the values schema (lib/values): do not edit.',
    '',
    emitter.text(),
    `${doc('Props of the `VirtRigaud` construct: the values of a release, every key optional (each `@default` is the value used when the key is left out).', '')}export interface VirtRigaudProps {\n${members.join('\n')}\n}\n`,
  ].join('\n');
}
