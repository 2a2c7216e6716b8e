/**
 * `eyrie probe [--json]`: what this machine offers eyrie.
 *
 * @module
 */
import { expectPositionals, parseCommand } from "./args.ts";
import { HELP } from "./help.ts";
import type { Io } from "./main.ts";

export async function probeMain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand("probe", args, { json: { type: "boolean" } });
  if (values.help) {
    io.stdout(HELP.probe);
    return 0;
  }
  expectPositionals("probe", positionals, 0, 0);
  const { probeSystem, formatProbe } = await import("../../actors/camera/probe_system.ts");
  const report = await probeSystem();
  io.stdout(values.json ? JSON.stringify(report, null, 2) : formatProbe(report));
  return 0;
}
