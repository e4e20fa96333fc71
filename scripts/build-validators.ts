/**
 * Generates the standalone schema validators into `build/generated/schema-validators/`
 * (run by `npm run build` after `tsc`). The compiled `lib/schema/schema-validation.js` finds
 * them there; without them it compiles validators at run time (slower cold start, same results).
 * If generating fails (an Ajv release that generates other code), no index is left, a one-line
 * warning says so, and the build goes on with run-time compilation; modules whose compacted
 * code validates differently from Ajv's own are written uncompacted (see lib/schema/precompile.ts).
 *
 *   node build/scripts/build-validators.js [--out <dir>]
 */
import { rmSync } from 'fs';
import { join, resolve } from 'path';
import { generateValidators } from '../lib/schema/precompile';

function ajvVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return `ajv@${(require('ajv/package.json') as { version: string }).version}`;
}

function generate(outDir: string): void {
  const start = performance.now();
  const result = generateValidators({ outDir });
  const ms = Math.round(performance.now() - start);
  process.stdout.write(
    `build-validators: ${result.kinds.length} validators (${Math.round(result.bytes / 1024)} KiB) in ${result.outDir} (${ms} ms)\n`,
  );
  if (result.uncompacted.length > 0) {
    process.stderr.write(`build-validators: warning: ${ajvVersion()} generates code the compaction does not fit; written uncompacted: ${result.uncompacted.join(', ')}\n`);
  }
}

function main(argv: readonly string[]): void {
  let outDir = join(__dirname, '..', 'generated', 'schema-validators');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) outDir = resolve(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write('usage: build-validators [--out <dir>]\n');
      return;
    } else {
      process.stderr.write(`build-validators: unknown argument ${argv[i]}\n`);
      process.exitCode = 2;
      return;
    }
  }
  try {
    generate(outDir);
  } catch (e) {
    // No index: validators compile at run time (same results), and the build goes on.
    rmSync(join(outDir, 'index.js'), { force: true });
    process.stderr.write(`build-validators: warning: no precompiled validators, they compile at run time (${ajvVersion()}: ${(e as Error).message.split('\n')[0]})\n`);
  }
}

main(process.argv.slice(2));
