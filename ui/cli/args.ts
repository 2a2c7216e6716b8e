/**
 * Command-line parsing on node:util's parseArgs, with errors as
 * {@linkcode UsageError}s that name the command's help.
 *
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parses `args` for `command` (e.g. "run"); unknown flags are usage errors. */
export function parseCommand<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split(". ")[0] : String(error);
    throw new UsageError(`${message} (see: eyrie ${command} --help)`);
  }
}

/** Throws a UsageError unless there are `min` to `max` positionals. */
export function expectPositionals(
  command: string,
  positionals: string[],
  min: number,
  max: number,
): void {
  if (positionals.length < min) {
    throw new UsageError(
      `eyrie ${command} needs ${
        min === max ? min : `at least ${min}`
      } argument(s) (see: eyrie ${command} --help)`,
    );
  }
  if (positionals.length > max) {
    throw new UsageError(
      `Unexpected argument "${positionals[max]}" (see: eyrie ${command} --help)`,
    );
  }
}
