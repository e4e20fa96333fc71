import { parseArgs } from 'util';

const USAGE = `Usage: virtrigaud <command> [options]

Commands:
  synth   Render the release (default command)

Options:
  -f, --values <file>        Values file; repeat for several, later files win
      --set <k=v[,k=v]>      Set values like Helm (maps merge, lists replace, null removes a key)
      --set-string <k=v>     Like --set, values stay strings
  -o, --output <folder|->    Output folder (default dist), or - for stdout
      --layout <layout>      single (one file per release, default) or per-resource
  -h, --help                 Show this help

Exit codes: 0 success, 2 bad input or failed render (the output folder is left untouched).`;

/** Where the CLI writes; tests pass buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: CliIo = { stdout: (t) => io.stdout(t), stderr: (t) => io.stderr(t) };

function main(argv: readonly string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        values: { type: 'string', short: 'f', multiple: true },
        set: { type: 'string', multiple: true },
        'set-string': { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
        layout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr(`error: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values: opts, positionals } = parsed;
  if (opts.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const command = positionals[0] ?? 'synth';
  if (command !== 'synth' || positionals.length > 1) {
    io.stderr(`error: unknown command ${JSON.stringify(positionals.join(' '))}\n\n${USAGE}\n`);
    return 2;
  }
  const layout = opts.layout ?? 'single';
  if (layout !== 'single' && layout !== 'per-resource') {
    io.stderr(`error: --layout must be single or per-resource; got ${JSON.stringify(layout)}\n`);
    return 2;
  }
  // Loaded here so that --help and argument errors stay instant.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { renderRelease, renderToFolder } = require('../rendering/render') as typeof import('../rendering/render');
  const options = { valuesFiles: opts.values, set: opts.set, setString: opts['set-string'], layout } as const;
  const output = opts.output ?? 'dist';
  if (output === '-') {
    const result = renderRelease(options);
    io.stdout(result.files.map((f) => f.content).join('---\n'));
  } else {
    const result = renderToFolder(output, options);
    io.stderr(`rendered ${result.manifests.length} objects into ${output}/ (${result.files.map((f) => f.path).join(', ')})\n`);
  }
  return 0;
}

const KNOWN_ERRORS = new Set(['ValuesError', 'RenderError', 'OutputError']);

/** Run the CLI; returns the exit code. Known errors become one `error:` line per problem, never a stack trace. */
export function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): number {
  try {
    return main(argv, io);
  } catch (e) {
    const err = e as Error;
    if (KNOWN_ERRORS.has(err.name)) {
      io.stderr(`error: ${err.message.split('\n').join('\nerror: ')}\n`);
    } else {
      io.stderr(`error: ${err.message}\n(this is a bug in virtrigaud-cdk8s; please report it)\n`);
    }
    return 2;
  }
}
