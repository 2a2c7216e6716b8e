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

/** One problem in a config file, with its 1-based line when known. */
export interface ConfigProblem {
  path: string;
  line: number | undefined;
  message: string;
}

/**
 * A config file that cannot be used: every problem found, each naming its
 * key path and line. `path` and `line` are the first problem's. Exit code 2.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly file: string;
  readonly path: string;
  readonly line: number | undefined;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    super(problems.map((p) => formatProblem(file, p)).join("\n"));
    this.file = file;
    this.problems = problems;
    this.path = problems[0]?.path ?? "";
    this.line = problems[0]?.line;
  }
}

/** `eyrie.toml:12: camera[0].fps: must be 1 to 120, got 500` */
export function formatProblem(file: string, p: ConfigProblem): string {
  const where = p.line === undefined ? file : `${file}:${p.line}`;
  return p.path === "" ? `${where}: ${p.message}` : `${where}: ${p.path}: ${p.message}`;
}
