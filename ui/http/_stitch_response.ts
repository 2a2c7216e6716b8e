// The download of a time range: finds the camera's segments in the index,
// checks each file's real path, and streams what the stitch Worker muxes,
// one chunk per pull of the response body (the client's pace).
import type { Recordings } from "../../actors/recorder/service.ts";
import { resolveSegmentFile } from "../../actors/recorder/paths.ts";
import { MAX_PAGE_SIZE } from "../../actors/recorder/recording_index.ts";
import type { FromStitcher, StitchFile, ToStitcher } from "../../actors/recorder/stitch.ts";

const STITCH_WORKER = new URL("../../actors/recorder/stitch_worker.ts", import.meta.url);

function fileName(camera: string, fromMs: number, toMs: number): string {
  const t = (ms: number) => new Date(ms).toISOString().replaceAll(":", "-").replace(".000Z", "Z");
  return `${camera}_${t(fromMs)}_${t(toMs)}.mp4`;
}

async function filesOf(
  r: Recordings,
  range: { camera: string; fromMs: number; toMs: number },
): Promise<StitchFile[]> {
  const page = r.index.list({ ...range, limit: MAX_PAGE_SIZE });
  const out: StitchFile[] = [];
  for (const s of page.segments) {
    try {
      out.push({ file: await resolveSegmentFile(r.dir, s.path), startMs: s.startMs });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return out;
}

/** 200 with a streamed MP4 of `camera` from `fromMs` to `toMs`, or 404 when nothing was recorded. */
export async function stitchResponse(
  r: Recordings,
  range: { camera: string; fromMs: number; toMs: number },
): Promise<Response> {
  const files = await filesOf(r, range);
  if (files.length === 0) {
    return Response.json({
      error: `No recordings of ${range.camera} between ${
        new Date(range.fromMs).toISOString()
      } and ${new Date(range.toMs).toISOString()}`,
    }, { status: 404 });
  }
  const worker = new Worker(STITCH_WORKER, { type: "module", name: `stitch ${range.camera}` });
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
            r.log.error("download failed", { camera: range.camera, error: m.message });
            controller.error(new Error(m.message));
            finish();
            return;
        }
      };
      worker.onerror = (e) => {
        e.preventDefault();
        controller.error(new Error(e.message));
        finish();
      };
      send({ type: "start", files, fromMs: range.fromMs, toMs: range.toMs });
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
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "video/mp4",
      "content-disposition": `attachment; filename="${
        fileName(range.camera, range.fromMs, range.toMs)
      }"`,
    },
  });
}
