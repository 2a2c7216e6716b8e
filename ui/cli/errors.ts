/**
 * Errors that the CLI turns into exit codes: a {@linkcode UsageError} or
 * {@linkcode ConfigError} exits 2, anything else exits 1.
 *
 * @module
 */

/** Bad command-line usage: an unknown command, a missing or malformed argument. Exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A config file that cannot be used. `path` is the key path, `line` is 1-based when known. Exit code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly file: string;
  readonly path: string;
  readonly line: number | undefined;

  constructor(message: string, options: { file: string; path?: string; line?: number }) {
    super(message);
    this.file = options.file;
    this.path = options.path ?? "";
    this.line = options.line;
  }
}
