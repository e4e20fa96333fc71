/**
 * Generates the standalone schema validators into `build/generated/schema-validators/`
 * (run by `npm run build` after `tsc`). The compiled `lib/schema/schema-validation.js` finds
 * them there; without them it compiles validators at run time (slower cold start, same results).
 *
 *   node build/scripts/build-validators.js [--out <dir>]
 */
import { rmSync } from 'fs';
import { join, resolve } from 'path';
import { generateValidators } from '../lib/schema/precompile';

function main(argv: readonly string[]): void {
  let outDir = join(__dirname, '..', 'generated', 'schema-validators');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1]) outDir = resolve(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write('usage: build-validators [--out <dir>]\n');
      return;
    } else throw new Error(`build-validators: unknown argument ${argv[i]}`);
  }
  const start = performance.now();
  const result = generateValidators({ outDir });
  const ms = Math.round(performance.now() - start);
  process.stdout.write(
    `build-validators: ${result.kinds.length} validators (${Math.round(result.bytes / 1024)} KiB) in ${result.outDir} (${ms} ms)\n`,
  );
}

// --optional (npm's `prepare`, at install time): if Ajv's generated code no longer fits the
// transforms, validators compile at run time instead of breaking `npm ci`.
const optional = process.argv.includes('--optional');
try {
  main(process.argv.slice(2).filter((a) => a !== '--optional'));
} catch (e) {
  if (optional) {
    rmSync(join(__dirname, '..', 'generated', 'schema-validators', 'index.js'), { force: true });
    process.stderr.write(`build-validators: skipped, validators compile at run time (${(e as Error).message.split('\n')[0]})\n`);
  } else {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
