/**
 * A service install or uninstall as a list of steps: printed by --dry-run,
 * carried out otherwise. The same list serves both, so a dry run shows
 * exactly what would happen.
 *
 * @module
 */
import { assertNever } from "../../actors/defs.ts";

export type Step =
  | { kind: "create_user"; user: string; home: string; groups: string[] }
  | { kind: "add_groups"; user: string; groups: string[] }
  | { kind: "mkdir"; path: string; owner: string; mode: number }
  | { kind: "write"; path: string; text: string; mode: number; group?: string; what: string }
  | { kind: "remove"; path: string }
  | { kind: "run"; argv: string[]; why: string }
  | { kind: "note"; text: string };

/** The command a step runs, for the ones that run a program. */
export function stepCommand(step: Step): string[] | undefined {
  switch (step.kind) {
    case "create_user":
      return [
        "useradd",
        "--system",
        "--user-group",
        "--home-dir",
        step.home,
        "--no-create-home",
        "--shell",
        "/usr/sbin/nologin",
        ...(step.groups.length > 0 ? ["--groups", step.groups.join(",")] : []),
        step.user,
      ];
    case "add_groups":
      return ["usermod", "--append", "--groups", step.groups.join(","), step.user];
    case "run":
      return step.argv;
    case "mkdir":
    case "write":
    case "remove":
    case "note":
      return undefined;
    default:
      return assertNever(step);
  }
}

/** One step as the dry run prints it; a written file follows between "---" lines. */
export function describeStep(step: Step): string {
  const cmd = stepCommand(step)?.join(" ");
  switch (step.kind) {
    case "create_user":
      return `would create the system user ${step.user}: ${cmd}`;
    case "add_groups":
      return `would add ${step.user} to ${step.groups.join(", ")}: ${cmd}`;
    case "mkdir":
      return `would create ${step.path} (owner ${step.owner}, mode ${octal(step.mode)})`;
    case "write":
      return `would write ${step.path} (${step.what}, mode ${octal(step.mode)}${
        step.group === undefined ? "" : `, group ${step.group}`
      }):\n--- ${step.path}\n${step.text.trimEnd()}\n---`;
    case "remove":
      return `would remove ${step.path}`;
    case "run":
      return `would run: ${cmd} (${step.why})`;
    case "note":
      return step.text;
    default:
      return assertNever(step);
  }
}

function octal(mode: number): string {
  return "0" + mode.toString(8);
}
