/**
 * `eyrie`: dispatches to a command, turns errors into one line on stderr
 * and an exit code (0 ok, 1 runtime failure, 2 usage or config error).
 *
 * @module
 */
import { defaultDataDir, loadConfig } from "../config/mod.ts";
import { ConfigError, UsageError } from "./errors.ts";
import { HELP } from "./help.ts";
import { VERSION } from "./version.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { loadRunConfig } from "./run_config.ts";
import { TRANSCODE_COMMAND } from "./transcode.ts";

/** Where a command writes; tests capture it. */
export interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
}

const encoder = new TextEncoder();
export const processIo: Io = {
  stdout: (line) => writeAll(Deno.stdout, line),
  stderr: (line) => writeAll(Deno.stderr, line),
};

function writeAll(stream: { writeSync(p: Uint8Array): number }, line: string) {
  const bytes = encoder.encode(line + "\n");
  for (let at = 0; at < bytes.length;) at += stream.writeSync(bytes.subarray(at));
}

type Command = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: async (args, io) => (await import("./run.ts")).runMain(args, io),
  probe: async (args, io) => (await import("./probe.ts")).probeMain(args, io),
  service: async (args, io) => (await import("./service.ts")).serviceMain(args, io),
  receive: async (args, io) => (await import("./receive.ts")).receiveMain(args, io),
  view: async (args, io) => (await import("./view.ts")).viewMain(args, io),
  config: configMain,
  certs: certsCommand,
  user: async (args, io) => (await import("./user.ts")).userMain(args, io),
  version: (args, io) => {
    const { values } = parseCommand("version", args, {});
    if (values.help) return help(io, "version");
    io.stdout(
      `eyrie ${VERSION} (deno ${Deno.version.deno}, v8 ${Deno.version.v8}, typescript ${Deno.version.typescript})`,
    );
    return Promise.resolve(0);
  },
};

function help(io: Io, topic: keyof typeof HELP): Promise<number> {
  io.stdout(HELP[topic]);
  return Promise.resolve(0);
}

async function configMain(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") return help(io, "config");
  if (sub !== "check") throw new UsageError(`Unknown config command "${sub}": expected "check"`);
  const { values, positionals } = parseCommand("config check", rest, {});
  if (values.help) return help(io, "config");
  expectPositionals("config check", positionals, 1, 1);
  // Exactly what `eyrie run` checks before it starts.
  const config = await loadRunConfig(positionals[0]);
  io.stdout(
    `ok: ${positionals[0]} (${config.camera.length} camera${
      config.camera.length === 1 ? "" : "s"
    })`,
  );
  return 0;
}

async function certsCommand(args: string[], io: Io): Promise<number> {
  // --config or --data-dir picks where the certificates live.
  let dataDir: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if ((args[i] === "--config" || args[i] === "--data-dir") && i + 1 < args.length) {
      dataDir = args[i] === "--config" ? (await loadConfig(args[i + 1])).data_dir : args[i + 1];
      i++;
    } else rest.push(args[i]);
  }
  // Loaded here, not with the CLI: the PKI's @peculiar/x509 is ~18 MB of heap that `eyrie run`
  // without [tls] never needs.
  const { certsMain } = await import("./certs.ts");
  return await certsMain(rest, { dataDir: dataDir ?? defaultDataDir(), stdout: io.stdout });
}

/** Runs eyrie with `args`; resolves with the exit code. */
export async function main(args: string[], io: Io = processIo): Promise<number> {
  const debug = args.includes("--debug");
  const rest = args.filter((a) => a !== "--debug");
  const [name, ...commandArgs] = rest;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      return await help(io, "eyrie");
    }
    if (name === "--version") return await COMMANDS.version([], io);
    // The child process of a WebM export (ui/http/_transcode.ts); not listed for users.
    if (name === TRANSCODE_COMMAND) return await (await import("./transcode.ts")).transcodeMain();
    const command = COMMANDS[name];
    if (command === undefined) {
      throw new UsageError(
        `Unknown command "${name}": expected one of ${
          Object.keys(COMMANDS).join(", ")
        } (see: eyrie --help)`,
      );
    }
    return await command(commandArgs, io);
  } catch (error) {
    return report(error, io, debug);
  }
}

/** One clear line (a config error: one per problem) on stderr; the stack only with --debug. */
export function report(error: unknown, io: Io, debug: boolean): number {
  if (error instanceof ConfigError) {
    for (const line of error.message.split("\n")) io.stderr(`eyrie: ${line}`);
    return 2;
  }
  if (error instanceof UsageError) {
    io.stderr(`eyrie: ${error.message}`);
    return 2;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  io.stderr(`eyrie: ${e.message.split("\n")[0]}`);
  if (debug && e.stack !== undefined) io.stderr(e.stack);
  return 1;
}
