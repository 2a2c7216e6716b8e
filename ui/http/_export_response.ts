// Streams an export to the client as it is made. Copies (mp4, mkv, mov) run
// in a stitch Worker, one chunk per pull of the response body (the client's
// pace). Transcodes (webm) run in a nice-19 child process, admitted by the
// Recordings' Exports (one per camera: 429; the machine's share: 503, both
// with Retry-After), their progress and estimate kept for the console.
import type { Recordings } from "../../actors/recorder/service.ts";
import type { FromStitcher, ToStitcher } from "../../actors/recorder/stitch.ts";
import type { ExportPlan } from "./_export_job.ts";
import { startTranscode } from "./_transcode.ts";

const STITCH_WORKER = new URL("../../actors/recorder/stitch_worker.ts", import.meta.url);

function headers(plan: ExportPlan, filename: string): Record<string, string> {
  return {
    "content-type": plan.mediaType,
    "content-disposition": `attachment; filename="${filename}"`,
    "cache-control": "no-store",
  };
}

/** 200 with the export streamed as it is made, or 429/503 when a transcode must wait. */
export function exportResponse(
  r: Recordings,
  plan: ExportPlan,
  options: { filename: string; head?: boolean },
): Response {
  // HEAD says what a GET would send, without starting the work.
  if (options.head) return new Response(null, { headers: headers(plan, options.filename) });
  if (plan.transcodes) return transcodeResponse(r, plan, options);
  const worker = new Worker(STITCH_WORKER, { type: "module", name: `export ${plan.camera}` });
  const send = (m: ToStitcher) => worker.postMessage(m);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    worker.terminate();
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      worker.onmessage = (e: MessageEvent<FromStitcher>) => {
        const m = e.data;
        switch (m.type) {
          case "chunk":
            controller.enqueue(m.bytes);
            return;
          case "done":
            controller.close();
            finish();
            return;
          case "error":
            r.log.error("export failed", { camera: plan.camera, error: m.message });
            controller.error(new Error(m.message));
            finish();
            return;
          case "progress":
          case "frame":
            return;
        }
      };
      worker.onerror = (e) => {
        e.preventDefault();
        controller.error(new Error(e.message));
        finish();
      };
      send({ type: "start", job: plan.job });
    },
    pull() {
      if (!done) send({ type: "more" });
    },
    // The client went away: stop the Worker.
    cancel() {
      if (!done) send({ type: "cancel" });
      finish();
    },
  }, { highWaterMark: 1 });
  return new Response(body, { status: 200, headers: headers(plan, options.filename) });
}

function transcodeResponse(
  r: Recordings,
  plan: ExportPlan,
  options: { filename: string },
): Response {
  const admitted = r.exports.begin({
    camera: plan.camera,
    format: plan.job.format,
    fromMs: plan.job.fromMs,
    toMs: plan.job.toMs,
    mediaMs: plan.mediaMs,
    pixelRate: plan.pixelRate,
  });
  if (!admitted.ok) {
    return Response.json({ error: admitted.message }, {
      status: admitted.status,
      headers: { "retry-after": String(admitted.retryAfterS) },
    });
  }
  const entry = admitted.entry;
  const t = startTranscode(plan.job, {
    progress: (doneMs) => r.exports.progress(entry, { doneMs }),
    stderr: (line) => r.log.debug("transcode", { camera: plan.camera, line }),
  });
  r.log.info("export started", {
    camera: plan.camera,
    format: plan.job.format,
    media_s: plan.mediaMs / 1000,
    niced: t.niced,
  });
  let bytes = 0;
  let cancelled = false;
  const reader = t.stdout.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (value !== undefined) {
        bytes += value.length;
        r.exports.progress(entry, { bytes });
        controller.enqueue(value);
      }
      if (!done) return;
      const end = await t.finished;
      if ("error" in end) {
        r.exports.end(entry, "failed", end.error);
        r.log.error("export failed", { camera: plan.camera, error: end.error });
        controller.error(new Error(end.error));
        return;
      }
      r.exports.end(entry, "done");
      r.log.info("export done", { camera: plan.camera, frames: end.frames, bytes });
      controller.close();
    },
    cancel() {
      cancelled = true;
      r.exports.end(entry, "cancelled");
      t.kill();
      reader.cancel().catch(() => {});
    },
  }, { highWaterMark: 1 });
  t.finished.then((end) => {
    // A child that died before the client read to the end.
    if (cancelled || entry.state !== "running") return;
    if ("error" in end) r.exports.end(entry, "failed", end.error);
  });
  return new Response(body, { status: 200, headers: headers(plan, options.filename) });
}
