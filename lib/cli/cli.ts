import { parseArgs } from 'util';
import type { OutputFile } from '../rendering/layout';
import type { RenderOptions } from '../rendering/render';
import { editDistance, suggestKey } from '../suggest';

const USAGE = `Usage: virtrigaud [command] [options]

Commands:
  synth   Render the release into the output folder (default)
  diff    Show what synth would change in the output folder; exit 1 when something would change
  lint    Check a folder of rendered YAML (schemas, selectors, security); exit 1 on findings

Options:
  -f, --values <file>          Values file; repeat for several, later files win
      --set <k=v[,k=v]>        Set values like Helm (maps merge, lists replace, null removes a key)
      --set-string <k=v>       Like --set, values stay strings
  -o, --output <folder|->      Output folder (default dist), or - for stdout (synth only)
      --layout <layout>        single (one file per release, default) or per-resource
                               (one file per object and a kustomization.yaml)
      --all-environments       Render every <dir>/<env>/values.yaml over <dir>/values.yaml into <output>/<env>/
      --environments <dir>     Environments folder (default environments)
  -h, --help                   Show this help

Exit codes: 0 success (diff: no change), 1 diff found changes or lint found problems,
2 bad input or failed render (the output folder is left untouched).`;

/** Where the CLI writes; tests pass buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_IO: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const COMMANDS = ['synth', 'diff', 'lint'] as const;
type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  values: { type: 'string', short: 'f', multiple: true },
  set: { type: 'string', multiple: true },
  'set-string': { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  layout: { type: 'string' },
  'all-environments': { type: 'boolean' },
  environments: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
const OPTION_NAMES = Object.keys(OPTIONS).map((name) => `--${name}`);

/** util.parseArgs' message, shortened, with a "did you mean" for a misspelt option. */
function optionError(message: string): string {
  const ambiguous = /^Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(message);
  if (ambiguous) return `the value after ${ambiguous[1]} starts with "-"; if it is meant as the value, write ${ambiguous[1]}=<value>`;
  const unknown = /^Unknown option '([^']*)'/.exec(message);
  if (!unknown) return message.split('\n')[0];
  const option = unknown[1];
  // A near miss (--set-strings), else a prefix either way (--out, --values-file), else the nearest name.
  const near = OPTION_NAMES.find((name) => editDistance(option, name) <= 1);
  const prefixed = OPTION_NAMES.filter((name) => option.length > 3 && (name.startsWith(option) || option.startsWith(`${name}-`)));
  const suggestion = !option.startsWith('--') ? undefined : near ?? (prefixed.length === 1 ? prefixed[0] : suggestKey(option, OPTION_NAMES));
  return `unknown option ${unknown[1]}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
}

function parse(argv: readonly string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
  } catch (e) {
    throw new UsageError(optionError((e as Error).message));
  }
  const { values: opts, positionals } = parsed;
  const command = (positionals[0] ?? 'synth') as Command;
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command ${JSON.stringify(positionals[0])}`);
  const layout = opts.layout ?? 'single';
  if (layout !== 'single' && layout !== 'per-resource') throw new UsageError(`--layout must be single or per-resource; got ${JSON.stringify(layout)}`);
  const maxPositionals = command === 'lint' ? 2 : 1;
  if (positionals.length > maxPositionals) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[maxPositionals])}`);
  const render: RenderOptions = { valuesFiles: opts.values, set: opts.set, setString: opts['set-string'], layout };
  return {
    command,
    help: opts.help ?? false,
    render,
    output: opts.output ?? 'dist',
    allEnvironments: opts['all-environments'] ?? false,
    environmentsDir: opts.environments ?? 'environments',
    lintFolder: positionals[1],
  };
}

function main(argv: readonly string[], io: CliIo): number {
  const args = parse(argv);
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  // Rendering modules load here, so that --help and usage errors stay instant.
  /* eslint-disable @typescript-eslint/no-require-imports */
  if (args.command === 'lint') {
    const { lintFolder, formatLintReport } = require('../lint/lint') as typeof import('../lint/lint');
    const report = lintFolder(args.lintFolder ?? args.output);
    io.stdout(formatLintReport(report));
    return report.findings.length > 0 ? 1 : 0;
  }
  const { renderRelease } = require('../rendering/render') as typeof import('../rendering/render');
  const { renderEnvironments } = require('../rendering/environments') as typeof import('../rendering/environments');
  /* eslint-enable @typescript-eslint/no-require-imports */
  let files: readonly OutputFile[];
  let summary: string;
  if (args.allEnvironments) {
    const rendered = renderEnvironments(args.environmentsDir, args.render);
    files = rendered.files;
    summary = rendered.environments.map((e) => `${e.name} (${e.result.manifests.length} objects)`).join(', ');
  } else {
    const rendered = renderRelease(args.render);
    files = rendered.files;
    summary = `${rendered.manifests.length} objects`;
  }

  if (args.command === 'diff') {
    const { diffFolder, formatDiff, hasChanges } = require('../rendering/diff') as typeof import('../rendering/diff'); // eslint-disable-line @typescript-eslint/no-require-imports
    const diff = diffFolder(args.output, files);
    io.stdout(formatDiff(diff));
    return hasChanges(diff) ? 1 : 0;
  }
  if (args.output === '-') {
    io.stdout(files.map((f) => f.content).join('---\n'));
    return 0;
  }
  const { writeFolderAtomically } = require('../rendering/output') as typeof import('../rendering/output'); // eslint-disable-line @typescript-eslint/no-require-imports
  writeFolderAtomically(args.output, files);
  io.stderr(`rendered ${summary} into ${args.output}/\n`);
  return 0;
}

const KNOWN_ERRORS = new Set(['ValuesError', 'RenderError', 'OutputError', 'LintError']);

/** Run the CLI; returns the exit code. Known errors become one `error:` line per problem, never a stack trace. */
export function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): number {
  try {
    return main(argv, io);
  } catch (e) {
    const err = e as Error;
    if (err.name === 'UsageError') {
      io.stderr(`error: ${err.message}\nRun with --help for the commands and options.\n`);
    } else if (KNOWN_ERRORS.has(err.name)) {
      io.stderr(`error: ${err.message.split('\n').join('\nerror: ')}\n`);
    } else {
      io.stderr(`error: ${err.message}\n(this is a bug in virtrigaud-cdk8s; please report it)\n`);
    }
    return 2;
  }
}
