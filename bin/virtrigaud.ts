#!/usr/bin/env node
import { join } from 'path';
import { loadBundle } from '../lib/cli/bundle';
import { PACKAGE_ROOT } from '../lib/paths';

// A reader that stops early (`synth -o - | head`) closes the pipe: end quietly with the status a
// shell reports for a command killed by SIGPIPE (128 + 13), as `cat` and other filters do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(141);
  });
}

const argv = process.argv.slice(2);
// The single-file bundle `npm run build` writes next to the compiled CLI, when current (see lib/cli/bundle.ts);
// VIRTRIGAUD_NO_BUNDLE=1 runs the compiled modules instead.
const bundle = process.env.VIRTRIGAUD_NO_BUNDLE ? undefined : loadBundle(join(__dirname, '..', 'lib', 'cli'), PACKAGE_ROOT);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli } = bundle ? bundle.exports : (require('../lib/cli/cli') as typeof import('../lib/cli/cli'));
process.exitCode = runCli(argv);
