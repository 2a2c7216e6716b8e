/**
 * `eyrie __transcode`: the child process of a transcoding export (WebM),
 * or of a library item re-encoded to WebM (`{"kind": "library", …}`,
 * actors/library/transcode.ts).
 * Not a user command: the console starts it under `nice -n 19`
 * (ui/http/_transcode.ts) so the encode takes only CPU the cameras leave,
 * and its GStreamer threads (which GLib pools and reuses) never share a
 * process with the recorders'. It reads one export job as JSON on stdin,
 * writes the WebM to stdout, and reports on stderr, one JSON line each,
 * prefixed {@linkcode REPORT_PREFIX}: `{"progress": ms}`, then
 * `{"done": frames}` or `{"error": message}`.
 *
 * @module
 */
import { isExportFormat } from "../../actors/recorder/container.ts";
import type { ExportJob } from "../../actors/recorder/stitch_run.ts";
import type { LibraryTranscodeJob } from "../../actors/library/transcode.ts";

/** The hidden command name. */
export const TRANSCODE_COMMAND = "__transcode";

/** Marks eyrie's report lines among whatever else a library prints on stderr. */
export const REPORT_PREFIX = "eyrie-transcode ";

/** Largest job read. Reason: a job names at most 1000 segment files of ~150-byte paths. */
const MAX_JOB_BYTES = 1 << 20;

/** A report line of the child. */
export type TranscodeReport = { progress: number } | { done: number } | { error: string };

function checkLibraryJob(v: Record<string, unknown>): LibraryTranscodeJob {
  const j = v as unknown as LibraryTranscodeJob;
  if (
    typeof j.path !== "string" || typeof j.mime !== "string" || typeof j.audio !== "boolean" ||
    !(j.width >= 0) || !(j.height >= 0) || !(j.fps >= 0) || !(j.threads > 0)
  ) {
    throw new TypeError("The library transcode job is not one eyrie wrote");
  }
  return j;
}

function checkJob(v: unknown): ExportJob {
  const j = v as ExportJob;
  if (
    typeof j !== "object" || j === null || !Array.isArray(j.files) || !isExportFormat(j.format) ||
    !(j.toMs > j.fromMs) || !(j.endMs > 0) || !(j.fps > 0) || !(j.threads > 0)
  ) {
    throw new TypeError("The export job is not one eyrie wrote");
  }
  return j;
}

/** Runs one job from stdin; 0 when the output is whole. */
export async function transcodeMain(): Promise<number> {
  const encoder = new TextEncoder();
  const report = (r: TranscodeReport) =>
    Deno.stderr.writeSync(encoder.encode(REPORT_PREFIX + JSON.stringify(r) + "\n"));
  try {
    const text = await new Response(Deno.stdin.readable).text();
    if (text.length > MAX_JOB_BYTES) throw new RangeError("The export job is too large");
    const parsed = JSON.parse(text);
    const write = async (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length;) at += await Deno.stdout.write(bytes.subarray(at));
    };
    if (typeof parsed === "object" && parsed !== null && parsed.kind === "library") {
      const job = checkLibraryJob(parsed);
      const { runTranscode } = await import("../../actors/library/transcode.ts");
      report({ done: await runTranscode(job, write) });
      return 0;
    }
    const job = checkJob(parsed);
    // Loaded here: main.ts imports this module for its command name only.
    const { runExport } = await import("../../actors/recorder/stitch_run.ts");
    const { frames } = await runExport(job, {
      write,
      progress: (ms) => report({ progress: ms }),
      cancelled: () => false,
    });
    report({ done: frames });
    return 0;
  } catch (e) {
    report({ error: (e as Error).message });
    return 1;
  }
}
