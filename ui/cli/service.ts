/**
 * `eyrie service install|uninstall [--dry-run] [--config FILE]`: run eyrie
 * under systemd (ui/service/). --dry-run prints every step and changes
 * nothing; the real thing needs root.
 *
 * @module
 */
import { loadConfig } from "../config/mod.ts";
import { applyStep } from "../service/apply.ts";
import { hostFacts, installPlan, uninstallPlan } from "../service/plan.ts";
import { describeStep, type Step } from "../service/steps.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { UsageError } from "./errors.ts";
import { HELP } from "./help.ts";
import type { Io } from "./main.ts";

/** The service commands need root; this names the way out. */
export class NotRootError extends Error {
  override name = "NotRootError";
}

export async function serviceMain(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand("service", args, {
    "dry-run": { type: "boolean" },
    config: { type: "string", short: "c" },
  });
  if (values.help || positionals.length === 0) {
    io.stdout(HELP.service);
    return 0;
  }
  expectPositionals("service", positionals, 1, 1);
  const action = positionals[0];
  if (action !== "install" && action !== "uninstall") {
    throw new UsageError(
      `Unknown service command "${action}": expected "install" or "uninstall" (see: eyrie service --help)`,
    );
  }
  if (action === "uninstall" && values.config !== undefined) {
    throw new UsageError("--config applies to eyrie service install only");
  }
  const dryRun = values["dry-run"] === true;
  if (!dryRun && Deno.uid() !== 0) {
    throw new NotRootError(
      `eyrie service ${action} must run as root (try: sudo eyrie service ${action}, ` +
        `or --dry-run to see what it would do)`,
    );
  }
  let config: { text: string; from: string } | undefined;
  if (values.config !== undefined) {
    await loadConfig(values.config); // its own problems, named at its own path, first
    config = { text: await Deno.readTextFile(values.config), from: values.config };
  }
  const facts = await hostFacts();
  const steps: Step[] = action === "install"
    ? installPlan(facts, { config })
    : uninstallPlan(facts);
  if (dryRun) {
    io.stdout(`eyrie service ${action} --dry-run: nothing is changed`);
    for (const step of steps) io.stdout(describeStep(step));
    return 0;
  }
  for (const step of steps) await applyStep(step, io.stdout);
  return 0;
}
