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
  const { probeDecoders } = await import("../view/decoders.ts");
  const report = { ...await probeSystem(), decoders: await probeDecoders() };
  const text = () =>
    [
      formatProbe(report),
      "Decoders (eyrie view):",
      ...report.decoders.map((d) =>
        `  ${d.works ? "ok  " : "no  "} ${d.element.padEnd(14)}${d.works ? "" : `  ${d.reason}`}`
      ),
    ].join("\n");
  if (config === null) {
    io.stdout(values.json ? JSON.stringify(report, null, 2) : text());
    return 0;
  }
  const { probeServices, formatServices } = await import("./probe_services.ts");
  const services = await probeServices(config);
  io.stdout(
    values.json
      ? JSON.stringify({ ...report, services }, null, 2)
      : `${text()}\n${formatServices(services)}`,
  );
  return 0;
}
