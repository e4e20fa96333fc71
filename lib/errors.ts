/**
 * The toolkit's errors. Everything that is the user's input (values, options, folders) throws a
 * `ToolkitError`: the CLI reports it as `error: …` lines with exit code 2 and no stack trace.
 * Anything else reaching the CLI is a bug of the toolkit and is reported as one.
 */
export class ToolkitError extends Error {
  constructor(message: string, name = 'ToolkitError') {
    super(message);
    // Set explicitly: the bundled CLI must print the same names as the compiled modules.
    this.name = name;
  }
}

/** A wrong command line: unknown option, bad option value, options that do not go together. */
export class UsageError extends ToolkitError {
  constructor(message: string) {
    super(message, 'UsageError');
  }
}

/** An output (or compared) folder the toolkit must not write, or cannot read or write. */
export class OutputError extends ToolkitError {
  constructor(message: string) {
    super(message, 'OutputError');
  }
}

/** A problem in what was rendered (not in the values): a bug or a pass-through value Kubernetes would reject. */
export class RenderError extends ToolkitError {
  constructor(message: string) {
    super(message, 'RenderError');
  }
}

/** A folder `lint` cannot check (missing, no YAML, unreadable). */
export class LintError extends ToolkitError {
  constructor(message: string) {
    super(message, 'LintError');
  }
}
