// What an export needs from the index: the camera's segments in the range
// (the leading run of one codec), each file's real path, and the stream's
// frame rate and bitrate as recorded. Answers 404/400/409 when there is
// nothing to export or the format cannot hold the codec.
import type { CameraConfig } from "../../actors/defs.ts";
import type { Recordings } from "../../actors/recorder/service.ts";
import { resolveSegmentFile } from "../../actors/recorder/paths.ts";
import { MAX_PAGE_SIZE, type SegmentRecord } from "../../actors/recorder/recording_index.ts";
import {
  containerOf,
  EXPORT,
  type ExportFormat,
  exportProblem,
} from "../../actors/recorder/container.ts";
import type { ExportFile, ExportJob } from "../../actors/recorder/stitch_run.ts";

/**
 * libvpx threads of a transcode. Reason: it runs at nice 19, so more threads
 * only use idle cores sooner; four is where VP8 stops getting faster at
 * camera sizes.
 */
export const MAX_TRANSCODE_THREADS = 4;

/** An export ready to run. */
export interface ExportPlan {
  job: ExportJob;
  camera: string;
  /** Media the export will hold, ms (the recorded part of the range). */
  mediaMs: number;
  /** width × height × fps of the camera (what a transcode's work scales with). */
  pixelRate: number;
  transcodes: boolean;
  mediaType: string;
  extension: string;
}

function refuse(status: number, error: string): Response {
  return Response.json({ error }, { status });
}

/** The plan of exporting `camera` from `fromMs` to `toMs` as `format`, or the answer why not. */
export async function planExport(
  r: Recordings,
  camera: CameraConfig | undefined,
  request: {
    camera: string;
    fromMs: number;
    toMs: number;
    format: ExportFormat;
    /** Export this segment only (`/api/recordings/:id?format=`). */
    segment?: SegmentRecord;
  },
): Promise<ExportPlan | Response> {
  const { fromMs, toMs, format } = request;
  const listed = request.segment !== undefined
    ? [request.segment]
    : r.index.list({ camera: request.camera, fromMs, toMs, limit: MAX_PAGE_SIZE }).segments;
  const first = listed[0];
  if (first === undefined) {
    return refuse(
      404,
      `No recordings of ${request.camera} between ${new Date(fromMs).toISOString()} and ${
        new Date(toMs).toISOString()
      }`,
    );
  }
  const codec = first.codec;
  if (codec === null) {
    return refuse(409, `Recording ${first.id} holds a codec eyrie cannot export`);
  }
  const problem = exportProblem(format, codec);
  if (problem !== null) return refuse(400, problem);
  // A camera whose codec changed cannot be stitched across the change: the export ends there.
  const end = listed.findIndex((s) => s.codec !== codec);
  const segments = end < 0 ? listed : listed.slice(0, end);
  const files: ExportFile[] = [];
  for (const s of segments) {
    try {
      const container = containerOf(s.path)!;
      files.push({ file: await resolveSegmentFile(r.dir, s.path), startMs: s.startMs, container });
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  if (files.length === 0) return refuse(404, `The recordings of ${request.camera} there are gone`);
  const closed = segments.filter((s) => s.endMs !== null && s.endMs > s.startMs && s.frames > 0);
  const spanMs = closed.reduce((n, s) => n + (s.endMs! - s.startMs), 0);
  const frames = closed.reduce((n, s) => n + s.frames, 0);
  const bytes = closed.reduce((n, s) => n + s.bytes, 0);
  const fps = spanMs > 0
    ? Math.min(120, Math.max(1, Math.round((frames * 1000) / spanMs)))
    : camera?.fps ?? 30;
  const kbps = spanMs > 0 ? (bytes * 8) / spanMs : camera?.bitrate_kbps ?? 2000;
  const lastEnd = segments.at(-1)!.endMs ?? Date.now();
  const mediaMs = Math.max(0, Math.min(toMs, lastEnd) - Math.max(fromMs, segments[0].startMs));
  const threads = Math.min(MAX_TRANSCODE_THREADS, Math.max(1, navigator.hardwareConcurrency));
  return {
    job: { files, fromMs, toMs, endMs: lastEnd, format, codec, fps, kbps, threads },
    camera: request.camera,
    mediaMs,
    pixelRate: (camera?.width ?? 1280) * (camera?.height ?? 720) * fps,
    transcodes: EXPORT[format].transcodes,
    mediaType: EXPORT[format].mediaType,
    extension: EXPORT[format].extension,
  };
}
