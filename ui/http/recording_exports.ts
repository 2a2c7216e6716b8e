/**
 * Exports of recordings, mounted by {@linkcode recordingRoutes}:
 *
 * - `GET /api/recordings/download?camera=&from=&to=&format=`: a time range
 *   as one file (format mp4 by default, or mkv, mov, webm);
 * - `GET /api/recordings/:id?format=` (through {@linkcode segmentExport}):
 *   one segment in another format;
 * - `GET /api/recordings/:id/frames?from=`: an MJPEG segment as a paced
 *   multipart stream for the player;
 * - `GET /api/recordings/exports?camera=`: the transcodes running and
 *   finished, with progress and the time left.
 *
 * @module
 */
import type { Context, Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import type { Recordings } from "../../actors/recorder/service.ts";
import type { SegmentRecord } from "../../actors/recorder/recording_index.ts";
import { containerOf } from "../../actors/recorder/container.ts";
import { resolveSegmentFile } from "../../actors/recorder/paths.ts";
import { parseCamera, parseFormat, parseTime, QueryError } from "./_recording_query.ts";
import { planExport } from "./_export_job.ts";
import { exportResponse } from "./_export_response.ts";
import { framesResponse } from "./_frames_response.ts";
import { fileResponse } from "./_file_response.ts";

/** Longest time range one download may stitch. Reason: a day at 2 Mbit/s is ~22 GB of stream. */
export const MAX_DOWNLOAD_MS = 6 * 3600_000;

/** The wrapper of recordings.ts: the guard, the recordings, 400 for a QueryError. */
export type WithRecordings = (
  action: "read",
  fn: (c: Context, r: Recordings) => Response | Promise<Response>,
) => (c: Context) => Promise<Response>;

function stamp(ms: number): string {
  return new Date(ms).toISOString().replaceAll(":", "-").replace(".000Z", "Z");
}

/** Adds the export routes to `app` (before its `/api/recordings/:id` routes). */
export function exportRoutes(app: Hono, system: System, withRecordings: WithRecordings): void {
  const cameraConfig = (id: string) => system.config.camera.find((c) => c.id === id);

  app.get(
    "/api/recordings/exports",
    withRecordings("read", (c, r) => {
      const q = c.req.query("camera");
      const camera = q === undefined ? null : parseCamera(q);
      return c.json({
        exports: r.exports.list().filter((e) => camera === null || e.camera === camera),
      });
    }),
  );

  app.get(
    "/api/recordings/download",
    withRecordings("read", async (c, r) => {
      const camera = parseCamera(c.req.query("camera") ?? "");
      const fromMs = parseTime("from", c.req.query("from") ?? "");
      const toMs = parseTime("to", c.req.query("to") ?? "");
      const format = parseFormat(c.req.query("format") ?? "mp4");
      if (toMs <= fromMs) throw new QueryError("to must be after from");
      if (toMs - fromMs > MAX_DOWNLOAD_MS) {
        throw new QueryError(`A download covers at most ${MAX_DOWNLOAD_MS / 3600_000} hours`);
      }
      const plan = await planExport(r, cameraConfig(camera), { camera, fromMs, toMs, format });
      if (plan instanceof Response) return plan;
      return exportResponse(r, plan, {
        filename: `${camera}_${stamp(fromMs)}_${stamp(toMs)}${plan.extension}`,
      });
    }),
  );
}

/**
 * `GET /api/recordings/:id?format=` for a format other than the segment's
 * own: the whole segment (an open one up to now) as an export.
 */
export async function segmentExport(
  c: Context,
  r: Recordings,
  system: System,
  s: SegmentRecord,
): Promise<Response> {
  const format = parseFormat(c.req.query("format")!);
  const plan = await planExport(r, system.config.camera.find((x) => x.id === s.camera), {
    camera: s.camera,
    fromMs: s.startMs,
    toMs: s.endMs ?? Date.now(),
    format,
    segment: s,
  });
  if (plan instanceof Response) return plan;
  const filename = `${s.camera}_${stamp(s.startMs)}${plan.extension}`;
  // A closed segment's copy is a file served with ranges (the player seeks in it);
  // a transcode, or the segment being written, streams as it is made.
  if (plan.transcodes || s.endMs === null) {
    return exportResponse(r, plan, { filename, head: c.req.method === "HEAD" });
  }
  const file = await r.copies.get(`${s.id}-${s.bytes}-${format}`, plan.job, plan.extension);
  return await fileResponse(file, c.req.raw, {
    "content-type": plan.mediaType,
    "content-disposition": `attachment; filename="${filename}"`,
    "cache-control": "private, max-age=600",
  });
}

/** `GET /api/recordings/:id/frames?from=`: an MJPEG segment's pictures from `from` (default its start). */
export async function segmentFrames(c: Context, r: Recordings, s: SegmentRecord) {
  if (s.codec !== "mjpeg") {
    throw new QueryError(`Recording ${s.id} is not MJPEG: play it as video from its url`);
  }
  const fromMs = c.req.query("from") === undefined
    ? s.startMs
    : parseTime("from", c.req.query("from")!);
  const file = await resolveSegmentFile(r.dir, s.path);
  return framesResponse(
    [{ file, startMs: s.startMs, container: containerOf(s.path)! }],
    { fromMs: Math.max(fromMs, s.startMs), toMs: s.endMs ?? Date.now() + 86_400_000 },
    (error) => r.log.error("mjpeg playback failed", { path: s.path, error }),
  );
}
