// Starts the child process of a transcoding export (`eyrie __transcode`,
// ui/cli/transcode.ts) at the lowest CPU priority, `nice -n 19`: on Linux a
// nice-19 process gets ~1.5% of a core that a nice-0 one also wants, and
// every idle cycle otherwise. A process, not a Worker: nice is per thread,
// and GStreamer's streaming threads come from a pool GLib shares across the
// whole process, so a niced thread could later run a recorder's pipeline.
import type { ExportJob } from "../../actors/recorder/stitch_run.ts";
import type { LibraryTranscodeJob } from "../../actors/library/transcode.ts";
import { eyrieCommand } from "../service/plan.ts";
import { REPORT_PREFIX, TRANSCODE_COMMAND, type TranscodeReport } from "../cli/transcode.ts";

/** The niceness of transcodes: the lowest priority there is. */
export const TRANSCODE_NICE = 19;

/** Longest stderr line read from the child. Reason: its reports are ~40 bytes; GStreamer warnings a few hundred. */
const MAX_LINE = 4096;

/** A running transcode. */
export interface Transcode {
  /** The WebM as the child writes it. */
  stdout: ReadableStream<Uint8Array>;
  /** Ends the child at once (the client went away). */
  kill(): void;
  /** Resolves with the child's last report (done or error) when it exits. */
  finished: Promise<{ frames: number } | { error: string }>;
}

function command(): string[] {
  const eyrie = eyrieCommand().command;
  return [...eyrie, TRANSCODE_COMMAND];
}

function spawn(args: string[]): Deno.ChildProcess {
  return new Deno.Command(args[0], {
    args: args.slice(1),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * Starts the transcode of `job`, reporting media progress (ms) as it comes.
 * Without a `nice` command on the host it runs at normal priority (`niced`
 * false).
 */
export function startTranscode(
  job: ExportJob | LibraryTranscodeJob,
  hooks: { progress(doneMs: number): void; stderr(line: string): void },
): Transcode & { niced: boolean } {
  let child: Deno.ChildProcess;
  let niced = true;
  try {
    child = spawn(["nice", "-n", String(TRANSCODE_NICE), ...command()]);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    niced = false;
    child = spawn(command());
  }
  const writer = child.stdin.getWriter();
  writer.write(new TextEncoder().encode(JSON.stringify(job))).then(() => writer.close())
    .catch(() => {});
  let last: { frames: number } | { error: string } = { error: "The transcode stopped" };
  const reading = (async () => {
    let text = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      let nl: number;
      while ((nl = text.indexOf("\n")) >= 0 || text.length > MAX_LINE) {
        const line = nl >= 0 ? text.slice(0, nl) : text.slice(0, MAX_LINE);
        text = nl >= 0 ? text.slice(nl + 1) : text.slice(MAX_LINE);
        if (!line.startsWith(REPORT_PREFIX)) {
          if (line.trim() !== "") hooks.stderr(line);
          continue;
        }
        const r = JSON.parse(line.slice(REPORT_PREFIX.length)) as TranscodeReport;
        if ("progress" in r) hooks.progress(r.progress);
        else if ("done" in r) last = { frames: r.done };
        else last = { error: r.error };
      }
    }
  })().catch(() => {});
  const finished = child.status.then(async (s) => {
    await reading;
    if (!s.success && !("error" in last)) return { error: `The transcode exited with ${s.code}` };
    return last;
  });
  return {
    stdout: child.stdout,
    kill: () => {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    },
    finished,
    niced,
  };
}
