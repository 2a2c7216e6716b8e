/**
 * Carries out service steps for real, one at a time; the first failure
 * stops the rest with the command and its message.
 *
 * @module
 */
import { assertNever } from "../../actors/defs.ts";
import { type Step, stepCommand } from "./steps.ts";

/** Runs `step`; `say` reports what was done. */
export async function applyStep(step: Step, say: (line: string) => void): Promise<void> {
  switch (step.kind) {
    case "create_user":
    case "add_groups":
    case "run": {
      const argv = stepCommand(step)!;
      await run(argv);
      say(`ran: ${argv.join(" ")}`);
      return;
    }
    case "mkdir": {
      await Deno.mkdir(step.path, { recursive: true, mode: step.mode });
      await Deno.chmod(step.path, step.mode);
      await run(["chown", `${step.owner}:${step.owner}`, step.path]);
      say(`created ${step.path}`);
      return;
    }
    case "write": {
      const tmp = `${step.path}.tmp-${Deno.pid}`;
      await Deno.writeTextFile(tmp, step.text, { mode: step.mode });
      await Deno.chmod(tmp, step.mode);
      if (step.group !== undefined) await run(["chgrp", step.group, tmp]);
      await Deno.rename(tmp, step.path);
      say(`wrote ${step.path}`);
      return;
    }
    case "remove":
      try {
        await Deno.remove(step.path);
        say(`removed ${step.path}`);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      }
      return;
    case "note":
      say(step.text);
      return;
    default:
      return assertNever(step);
  }
}

async function run(argv: string[]): Promise<void> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new Error(`cannot run ${argv[0]}: ${(e as Error).message}`);
  }
  if (!out.success) {
    const why = new TextDecoder().decode(out.stderr).trim().split("\n")[0];
    throw new Error(`${argv.join(" ")} failed (exit ${out.code})${why === "" ? "" : `: ${why}`}`);
  }
}
