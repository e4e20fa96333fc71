import { readFileSync } from 'fs';
import { parseArgs } from 'util';
import { join } from 'path';
import { packagePath } from '../paths';
import { VIRTRIGAUD_VERSION } from '../version';
import { ToolkitError, UsageError } from '../errors';
import type { OutputLayout } from '../rendering/layout';
import type { RenderOptions, RenderResult } from '../rendering/render';
import { editDistance, suggestKey } from '../suggest';

const USAGE = `Usage: virtrigaud [command] [release-name] [options]

Commands:
  synth [NAME]  Render the release into the output folder (default); NAME sets releaseName, like
                helm template NAME
  diff [NAME]   Show what synth would change in the output folder; exit 1 when something would change
  lint    Check a folder of rendered YAML (schemas, selectors, security); exit 1 on findings
  argocd generate|discover
          The Argo CD plugin's commands (argocd/plugin.yaml): render the Application's release to
          stdout from Argo CD's environment, or say whether a folder is one of ours

Options (values are merged as Helm merges them: files, then --set-json, --set, --set-string,
--set-file, --set-literal, whatever their order on the command line):
  -f, --values <file|->        Values file (YAML as Helm reads it); - reads standard input; repeat
                               for several, later files win
      --set <k=v[,k=v]>        Set values like Helm (maps merge, lists replace, null removes a key;
                               true/false/null and integers are typed, the rest are strings)
      --set-string <k=v>       Like --set, values stay strings
      --set-json <k=json>      Like --set, values are JSON (k={"a":[1,2]})
      --set-file <k=path>      Like --set, the value is the content of the file (- reads standard input)
      --set-literal <k=v>      One key; the value is everything after the first =, as written
      --version                Print the toolkit's version and the VirtRigaud release it deploys
  -o, --output <folder|->      Output folder (default dist), or - for one YAML stream on stdout (synth only).
                               A render replaces only what an earlier render wrote there (listed in
                               its .virtrigaud-render file) and refuses a folder holding anything else
      --layout <layout>        single (one file per release, default) or per-resource
                               (one file per object and a kustomization.yaml); diff: default is the
                               layout of the folder it compares with
      --skip-crds              Leave out the CustomResourceDefinitions (like helm --skip-crds)
      --crds-only              Only the CustomResourceDefinitions: on an empty cluster, apply
                               synth -o - --crds-only, then synth -o - --skip-crds
      --all-environments       Render every <dir>/<env>/values.yaml over <dir>/values.yaml into <output>/<env>/
      --environments <dir>     Environments folder (default environments)
  -n, --namespace <ns>         The release namespace (sets namespace, like helm -n)
  -h, --help                   Show this help

Exit codes: 0 success (diff: no change), 1 diff found changes or lint found problems,
2 bad input or failed render (the output folder is left untouched), 141 the reader of stdout
closed it early (as for a command ended by SIGPIPE).`;

/** Where the CLI writes; tests pass buffers. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard input (`-f -`, `--set-file k=-`). @default the process' standard input */
  readonly stdin?: () => Buffer;
}

const PROCESS_IO: CliIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/** Reads `read` once and gives the same bytes to every caller (each environment of --all-environments). */
function cached(read: () => Buffer): () => Buffer {
  let bytes: Buffer | undefined;
  return () => (bytes ??= read());
}

const COMMANDS = ['synth', 'diff', 'lint', 'argocd'] as const;
const ARGOCD_COMMANDS = ['generate', 'discover'];
type Command = (typeof COMMANDS)[number];

const OPTIONS = {
  values: { type: 'string', short: 'f', multiple: true },
  set: { type: 'string', multiple: true },
  'set-string': { type: 'string', multiple: true },
  'set-json': { type: 'string', multiple: true },
  'set-file': { type: 'string', multiple: true },
  'set-literal': { type: 'string', multiple: true },
  namespace: { type: 'string', short: 'n' },
  version: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  layout: { type: 'string' },
  'skip-crds': { type: 'boolean' },
  'crds-only': { type: 'boolean' },
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

function parse(argv: readonly string[], stdin: () => Buffer) {
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
  const layout = opts.layout;
  if (layout !== undefined && layout !== 'single' && layout !== 'per-resource') throw new UsageError(`--layout must be single or per-resource; got ${JSON.stringify(layout)}`);
  const maxPositionals = 2;
  if (command === 'argocd' && !ARGOCD_COMMANDS.includes(positionals[1] ?? '')) throw new UsageError(`argocd takes ${ARGOCD_COMMANDS.join(' or ')}; got ${JSON.stringify(positionals[1] ?? '')}`);
  if (positionals.length > maxPositionals) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[maxPositionals])}`);
  if (opts['skip-crds'] && opts['crds-only']) throw new UsageError('--skip-crds and --crds-only exclude each other');
  const crds = opts['skip-crds'] ? 'skip' : opts['crds-only'] ? 'only' : 'include';
  const releaseName = command === 'synth' || command === 'diff' ? positionals[1] : undefined;
  const render: RenderOptions = {
    valuesFiles: opts.values,
    set: opts.set,
    setString: opts['set-string'],
    setJson: opts['set-json'],
    setFile: opts['set-file'],
    setLiteral: opts['set-literal'],
    releaseName,
    namespace: opts.namespace,
    stdin,
    layout: layout ?? 'single',
    crds,
  };
  const args = {
    command,
    help: opts.help ?? false,
    version: opts.version ?? false,
    render,
    /** --layout as given (diff reads the compared folder's layout otherwise). */
    layout: layout as OutputLayout | undefined,
    output: opts.output ?? 'dist',
    allEnvironments: opts['all-environments'] ?? false,
    environmentsDir: opts.environments ?? 'environments',
    lintFolder: positionals[1],
    argocdCommand: positionals[1],
  };
  if (args.output === '-' && !args.help) assertStdoutMode(args);
  return args;
}

/** Refuse `-o -` where stdout cannot hold something kubectl can apply, saying what to use instead. */
function assertStdoutMode(args: { command: Command; layout?: OutputLayout; allEnvironments: boolean }): void {
  if (args.command === 'diff') {
    throw new UsageError('diff compares with a rendered folder: give it with --output <folder> (--output - is for synth, which prints the YAML)');
  }
  if (args.command !== 'synth') return;
  if (args.layout === 'per-resource') {
    throw new UsageError('--layout per-resource writes one file per object and a kustomization.yaml, so it needs an output folder (--output <folder>); --output - prints one YAML stream that kubectl apply -f - reads (the default layout)');
  }
  if (args.allEnvironments) {
    throw new UsageError('--all-environments writes one folder per environment, so it needs an output folder (--output <folder>); to print one environment: -f <dir>/values.yaml -f <dir>/<env>/values.yaml --output -');
  }
}

/** The files a render reads: an output folder must not be, contain or lie inside any of them. */
function inputsOf(args: ReturnType<typeof parse>): { path: string; what: string }[] {
  return [
    ...(args.render.valuesFiles ?? []).filter((path) => path.trim() !== '-').map((path) => ({ path, what: 'the values file' })),
    ...(args.allEnvironments ? [{ path: args.environmentsDir, what: 'the environments folder' }] : []),
  ];
}

function main(argv: readonly string[], io: CliIo): number {
  const args = parse(argv, cached(io.stdin ?? (() => readFileSync(0))));
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (args.version) {
    io.stdout(`virtrigaud-cdk8s ${toolkitVersion()} (deploys VirtRigaud ${VIRTRIGAUD_VERSION})\n`);
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
  if (args.command === 'argocd') {
    const argocd = require('../gitops/argocd') as typeof import('../gitops/argocd');
    if (args.argocdCommand === 'discover') {
      // Argo CD uses the plugin when this prints something (and exits 0).
      if (argocd.isVirtrigaudApp(process.cwd(), process.env)) io.stdout('virtrigaud-cdk8s values\n');
      return 0;
    }
    const { renderRelease } = require('../rendering/render') as typeof import('../rendering/render');
    io.stdout(renderRelease(argocd.argocdRenderOptions(process.env, process.cwd())).files.map((f) => f.content).join('---\n'));
    return 0;
  }
  const { renderRelease, releaseFiles } = require('../rendering/render') as typeof import('../rendering/render');
  const { renderEnvironments } = require('../rendering/environments') as typeof import('../rendering/environments');
  const output = require('../rendering/output') as typeof import('../rendering/output');
  /* eslint-enable @typescript-eslint/no-require-imports */
  // Before anything is rendered: the output folder is none of the inputs and holds only what renders
  // wrote. diff refuses what synth would refuse: it predicts what synth does.
  if (args.output !== '-') {
    output.assertNoInputOverlap(args.output, inputsOf(args));
    const { statSync } = require('fs') as typeof import('fs'); // eslint-disable-line @typescript-eslint/no-require-imports
    if (args.command === 'diff' && statSync(args.output, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new UsageError(`diff compares with a rendered folder; ${args.output} is not a folder`);
    }
    output.checkOutputFolder(args.output);
  }

  let units: { dir: string; result: RenderResult }[];
  let summary: string;
  if (args.allEnvironments) {
    const rendered = renderEnvironments(args.environmentsDir, args.render);
    units = rendered.environments.map((e) => ({ dir: e.name, result: e.result }));
    summary = rendered.environments.map((e) => `${e.name} (${e.result.manifests.length} objects)`).join(', ');
  } else {
    const result = renderRelease(args.render);
    units = [{ dir: '', result }];
    summary = `${result.manifests.length} objects`;
  }

  if (args.command === 'diff') {
    const { detectLayout, diffFolder, formatDiff, hasChanges } = require('../rendering/diff') as typeof import('../rendering/diff'); // eslint-disable-line @typescript-eslint/no-require-imports
    const rendered = units.map(({ dir, result }) => {
      const layout = args.layout ?? detectLayout(join(args.output, dir));
      return { dir, files: releaseFiles(result.values, result.manifests, layout) };
    });
    const diff = diffFolder(args.output, rendered);
    io.stdout(formatDiff(diff));
    return hasChanges(diff) ? 1 : 0;
  }
  const files = units.flatMap(({ dir, result }) => result.files.map((f) => ({ path: dir === '' ? f.path : `${dir}/${f.path}`, content: f.content })));
  if (args.output === '-') {
    io.stdout(files.map((f) => f.content).join('---\n'));
    return 0;
  }
  const written = output.writeFolderAtomically(args.output, files, units.map(({ dir, result }) => ({ dir, layout: result.folders[0].layout })));
  for (const path of written.replacedEdited) io.stderr(`note: replaced ${join(args.output, path)}, which was changed by hand since the last render\n`);
  io.stderr(`rendered ${summary} into ${args.output}/\n`);
  return 0;
}

/** The version in the package's package.json. */
function toolkitVersion(): string {
  return (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
}

function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  // Not `instanceof Error`: errors of Node's built-ins may come from another realm (vm contexts, test runners).
  return typeof e === 'object' && e !== null && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** Run the CLI; returns the exit code. The toolkit's errors become one `error:` line per problem, never a stack trace. */
export function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): number {
  try {
    return main(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`error: ${e.message}\nRun with --help for the commands and options.\n`);
    } else if (e instanceof ToolkitError) {
      io.stderr(`error: ${e.message.split('\n').join('\nerror: ')}\n`);
    } else if (isSystemError(e)) {
      // The file system said no (a path through a file, a permission, a full disk): the message names the path.
      io.stderr(`error: ${e.message}\n`);
    } else {
      const err = e as Error;
      io.stderr(`error: ${err?.message ?? String(e)}\n(this is a bug in virtrigaud-cdk8s; please report it)\n`);
    }
    return 2;
  }
}
