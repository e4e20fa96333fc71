import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CODEMIRROR_PROMQL_PARSER, validatePromQL } from '../../lib/promql/validate';
import { compactStandaloneCode, generateValidators } from '../../lib/schema/precompile';
import { createSchemaValidator } from '../../lib/schema/schema-validation';

/**
 * Canaries for the internals of dependencies the code relies on (each pinned exactly in
 * package.json): when a release changes one, the test names the dependency and the internal.
 */
const version = (name: string): string => `${name}@${(JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version}`;

function canary(dependency: string, internal: string, ok: boolean, consequence: string): void {
  if (!ok) throw new Error(`${version(dependency)} changed an internal that ${internal}. ${consequence}`);
}

const deployment = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd', namespace: 'ns' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } }, ...extra },
});

describe('ajv: the standalone code lib/schema/precompile.ts compacts', () => {
  let dir: string;
  beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'virtrigaud-ajv-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('canary: every rewrite of the compaction applies to the installed Ajv\'s code', () => {
    const result = generateValidators({ outDir: dir, coreKinds: ['apps/v1 Deployment', 'v1 Service'], otherCustomKinds: false, codeCache: false });
    const code = readFileSync(join(dir, 'core.js'), 'latin1');
    const consequence = 'The build still works (validators written as Ajv generates them: larger, slower to load); update compactStandaloneCode.';
    canary('ajv', 'compactStandaloneCode relies on: the compacted code validates as Ajv\'s own', result.uncompacted.length === 0, consequence);
    canary('ajv', 'compactStandaloneCode relies on: errors pushed with `if(vErrors === null){vErrors = [errN];}else {vErrors.push(errN);}`', code.includes('vErrors = pushError(vErrors, err'), consequence);
    canary('ajv', 'compactStandaloneCode relies on: error objects carry `schemaPath:"…",`', !code.includes('schemaPath'), consequence);
    canary('ajv', 'compactStandaloneCode relies on: the only run-time helper is `require("ajv/dist/runtime/ucs2length")`', !code.includes('require('), consequence);
  });

  test('fallback: a compaction that changes what the code validates is not used; Ajv\'s own code is', () => {
    // An injected mismatch: every validator of the compacted code accepts everything. (Provider:
    // its CRD has maxLength, for which Ajv's own code requires one of its run-time helpers.)
    const faulty = (code: string) => compactStandaloneCode(code).split('return errors === 0;').join('return true;');
    const result = generateValidators({ outDir: dir, coreKinds: ['apps/v1 Deployment', 'infra.virtrigaud.io/v1beta1 Provider'], otherCustomKinds: false, codeCache: false, compact: faulty });
    expect(result.uncompacted).toEqual(['core.js']);
    const code = readFileSync(join(dir, 'core.js'), 'utf8');
    expect(code).toContain('return errors === 0;');
    expect(code).toContain('schemaPath');
    expect(code).toContain('require("ajv/dist/runtime/ucs2length")'); // found from this package, wherever the folder is
    const v = createSchemaValidator({ precompiledDir: dir });
    expect(v.validatorOrigin('apps/v1', 'Deployment')).toBe('precompiled');
    expect(v.validate(deployment())).toEqual([]);
    expect(v.validate(deployment({ replica: 2 }))).toEqual([{ path: 'spec.replica', message: 'unknown field "replica"' }]);
    const provider = (cluster: string) => ({ apiVersion: 'infra.virtrigaud.io/v1beta1', kind: 'Provider', metadata: { name: 'p', namespace: 'ns' }, spec: { defaults: { cluster } } });
    expect(v.validate(provider('c'.repeat(255))).map((x) => x.path)).not.toContain('spec.defaults.cluster');
    expect(v.validate(provider('c'.repeat(256))).map((x) => x.path)).toContain('spec.defaults.cluster');
  });
});

describe('lezer and codemirror-promql: what lib/promql/validate.ts relies on', () => {
  /** `a or b or …`, one `absent()` per provider, as the provider-down alert writes it. */
  const chain = (n: number) => ['up == 0', ...Array.from({ length: n }, (_, i) => `absent(up{job="virtrigaud-provider",service="virtrigaud-provider-p${i}"})`)].join(' or ');
  type Parse = { advance(): unknown; bigReductionCount?: unknown };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parser } = require('@prometheus-io/lezer-promql') as { parser: { parse(t: string): { iterate(s: { enter(n: { type: { isError: boolean } }): void }): void }; startParse(t: string): Parse } };

  test('canary: @lezer/lr still cuts long left-associative chains, and its parse counts them in bigReductionCount', () => {
    let errors = 0;
    parser.parse(chain(400)).iterate({ enter: (n) => void (n.type.isError && errors++) });
    canary('@lezer/lr', 'lib/promql/validate.ts works around: long `a or b or …` chains get error nodes (the guard is gone: the reset of bigReductionCount can go)', errors > 0,
      'Remove the reset in parseTree.');
    const parse = parser.startParse(chain(400));
    parse.advance();
    canary('@lezer/lr', 'parseTree in lib/promql/validate.ts resets: the numeric field `bigReductionCount` of a Parse', typeof parse.bigReductionCount === 'number',
      'Alerts of more than about 320 providers would be refused as invalid PromQL.');
    expect(validatePromQL(chain(1000))).toEqual([]);
  });

  test('canary: codemirror-promql\'s analyzer, a module its index does not export, analyzes a long expression whole', () => {
    let Parser: { prototype: Record<string, unknown> } | undefined;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      Parser = (require(CODEMIRROR_PROMQL_PARSER) as { Parser?: { prototype: Record<string, unknown> } }).Parser;
    } catch {
      Parser = undefined;
    }
    canary('@prometheus-io/codemirror-promql', `lib/promql/validate.ts loads: the class Parser (analyze, getDiagnostics) of ${CODEMIRROR_PROMQL_PARSER}`,
      typeof Parser?.prototype.analyze === 'function' && typeof Parser?.prototype.getDiagnostics === 'function',
      'lint would check PromQL syntax only.');
    // Beyond the 3,000 characters CodeMirror parses at first: found, and nothing spurious.
    const long = chain(400);
    expect(long.length).toBeGreaterThan(20_000);
    expect(validatePromQL(long, { analysis: true })).toEqual([]);
    const errors = validatePromQL(`${long} or rate(up[5m]) or rate(up)`, { analysis: true });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^expected type matrix in call to function "rate", got vector at ${long.length + 25}: `));
  });
});
