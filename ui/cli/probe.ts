/**
 * `eyrie probe [--json] [--config FILE]`: what this machine offers eyrie,
 * and with a config, whether the services it names can be reached.
 *
 * @module
 */
import { loadConfig } from "../config/mod.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { HELP } from "./help.ts";
import type { Io } from "./main.ts";

export async function probeMain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand("probe", args, {
    json: { type: "boolean" },
    config: { type: "string", short: "c" },
  });
  if (values.help) {
    io.stdout(HELP.probe);
    return 0;
  }
  expectPositionals("probe", positionals, 0, 0);
  const { probeSystem, formatProbe } = await import("../../actors/camera/probe_system.ts");
  const config = values.config === undefined ? null : await loadConfig(values.config);
  const report = await probeSystem();
  if (config === null) {
    io.stdout(values.json ? JSON.stringify(report, null, 2) : formatProbe(report));
    return 0;
  }
  const { probeServices, formatServices } = await import("./probe_services.ts");
  const services = await probeServices(config);
  io.stdout(
    values.json
      ? JSON.stringify({ ...report, services }, null, 2)
      : `${formatProbe(report)}\n${formatServices(services)}`,
  );
  return 0;
}
