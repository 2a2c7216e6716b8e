/**
 * The recordings API and console page. Everything is answered from the
 * index; the disk is touched only to open the one file a request names, by
 * id, after checking that its real path stays inside the recordings dir.
 *
 * - `GET /recordings`: the console page (timeline per camera, player).
 * - `GET /api/recordings?camera=&from=&to=&limit=&cursor=&order=`: segments, paged.
 * - `GET /api/recordings/events?camera=&from=&to=`: detector events recorded.
 * - `GET /api/recordings/cameras`: each recorder's state; the disk.
 * - `POST /api/recordings/cameras/:camera/pause` and `/resume`.
 * - `GET /api/recordings/download?camera=&from=&to=&format=`: one file of a time range.
 * - `GET /api/recordings/exports`: transcodes running and finished (recording_exports.ts).
 * - `GET /api/recordings/:id` (Range: 200, 206, 416; `?format=` exports it),
 *   `/:id/thumbnail.jpg`, `/:id/frames` (MJPEG player), `DELETE /api/recordings/:id`.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import type { Recordings } from "../../actors/recorder/service.ts";
import type { SegmentRecord } from "../../actors/recorder/recording_index.ts";
import { resolveSegmentFile, resolveThumbnailFile } from "../../actors/recorder/paths.ts";
import { CONTAINER, containerOf } from "../../actors/recorder/container.ts";
import { fileResponse } from "./_file_response.ts";
import {
  parseCamera,
  parseFormat,
  parseId,
  parseListQuery,
  parseTime,
  QueryError,
} from "./_recording_query.ts";
import { RECORDINGS_PAGE } from "./recordings_page.ts";
import {
  exportRoutes,
  MAX_DOWNLOAD_MS,
  segmentExport,
  segmentFrames,
} from "./recording_exports.ts";

export { MAX_DOWNLOAD_MS };

/** What a request wants to do, for {@linkcode RecordingGuard}. */
export type RecordingAction = "read" | "delete" | "control";

/**
 * The permission hook. The security work fills it in: return null to allow,
 * or the Response to answer instead (401, 403). Until then every request
 * that reaches the console is allowed (the console listens on loopback
 * unless TLS is configured).
 */
export type RecordingGuard = (
  c: Context,
  action: RecordingAction,
) => Response | null | Promise<Response | null>;

const ALLOW_ALL: RecordingGuard = () => null;

function describe(s: SegmentRecord) {
  const container = containerOf(s.path) ?? "mp4";
  return {
    id: s.id,
    camera: s.camera,
    path: s.path,
    start: new Date(s.startMs).toISOString(),
    end: s.endMs === null ? null : new Date(s.endMs).toISOString(),
    start_ms: s.startMs,
    end_ms: s.endMs,
    duration_s: s.endMs === null ? null : (s.endMs - s.startMs) / 1000,
    bytes: s.bytes,
    frames: s.frames,
    keyframes: s.keyframes,
    complete: s.complete,
    open: s.endMs === null,
    container,
    codec: s.codec,
    media_type: CONTAINER[container].mediaType,
    url: `/api/recordings/${s.id}`,
    thumbnail_url: s.thumbnail === null ? null : `/api/recordings/${s.id}/thumbnail.jpg`,
  };
}

function badRequest(c: Context, e: unknown): Response {
  if (e instanceof QueryError) return c.json({ error: e.message }, 400);
  throw e;
}

/** The routes, mounted at the app's root. */
export function recordingRoutes(
  system: System,
  options: { guard?: RecordingGuard } = {},
): Hono {
  const guard = options.guard ?? ALLOW_ALL;
  const app = new Hono();
  const off = (c: Context) =>
    c.json({
      error: "Recording is off: add a [recording] section to the config (or set enabled = true)",
    }, 404);
  /** Runs `fn` with the recordings once the guard allows `action`. */
  const withRecordings = (
    action: RecordingAction,
    fn: (c: Context, r: Recordings) => Response | Promise<Response>,
  ) =>
  async (c: Context) => {
    const refused = await guard(c, action);
    if (refused !== null) return refused;
    const r = system.recordings;
    if (r === null) return off(c);
    try {
      return await fn(c, r);
    } catch (e) {
      return badRequest(c, e);
    }
  };

  app.get("/recordings", (c) => c.html(RECORDINGS_PAGE));

  app.get(
    "/api/recordings",
    withRecordings("read", (c, r) => {
      const q = parseListQuery(c.req.query());
      const page = r.index.list(q);
      return c.json({ segments: page.segments.map(describe), next: page.next });
    }),
  );

  app.get(
    "/api/recordings/events",
    withRecordings("read", (c, r) => {
      const camera = c.req.query("camera");
      const fromMs = parseTime("from", c.req.query("from") ?? "0");
      const toMs = parseTime("to", c.req.query("to") ?? String(Date.now() + 86_400_000));
      const events = r.index.eventsBetween({
        camera: camera === undefined ? undefined : parseCamera(camera),
        fromMs,
        toMs,
      });
      return c.json({
        events: events.map((e) => ({
          camera: e.camera,
          kind: e.kind,
          at: new Date(e.atMs).toISOString(),
          at_ms: e.atMs,
          segment_id: e.segmentId,
        })),
      });
    }),
  );

  app.get(
    "/api/recordings/cameras",
    withRecordings("read", async (c, r) => {
      await r.refreshStats();
      return c.json({
        dir: r.dir,
        disk_full: r.diskFull,
        free_bytes: r.freeBytes,
        total_bytes: r.index.totalBytes(),
        policy: {
          max_bytes: system.config.recording.max_bytes,
          min_free_bytes: system.config.recording.min_free_bytes,
          segment_s: system.config.recording.segment_s,
        },
        cameras: r.cameras(),
      });
    }),
  );

  for (const verb of ["pause", "resume"] as const) {
    app.post(
      `/api/recordings/cameras/:camera/${verb}`,
      withRecordings("control", (c, r) => {
        const camera = parseCamera(c.req.param("camera") ?? "");
        if (!r.setPaused(camera, verb === "pause")) {
          return c.json({ error: `Camera ${JSON.stringify(camera)} does not record` }, 404);
        }
        return c.json(r.cameras().find((x) => x.camera === camera));
      }),
    );
  }

  exportRoutes(app, system, withRecordings);

  /** The segment a path's id names, or the 400/404 answer. */
  const segment = (c: Context, r: Recordings): SegmentRecord | Response => {
    const id = parseId(c.req.param("id") ?? "");
    return r.index.get(id) ?? c.json({ error: `No recording has id ${id}` }, 404);
  };

  app.on(
    ["GET", "HEAD"],
    "/api/recordings/:id",
    withRecordings("read", async (c, r) => {
      const s = segment(c, r);
      if (s instanceof Response) return s;
      const container = containerOf(s.path) ?? "mp4";
      const format = c.req.query("format");
      // Another format than its own: an export of this segment.
      if (format !== undefined && parseFormat(format) !== container) {
        return await segmentExport(c, r, system, s);
      }
      let file: string;
      try {
        file = await resolveSegmentFile(r.dir, s.path);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) {
          return c.json({ error: `Recording ${s.id} is no longer on disk` }, 404);
        }
        if (e instanceof TypeError) return c.json({ error: e.message }, 403);
        throw e;
      }
      return await fileResponse(file, c.req.raw, {
        "content-type": CONTAINER[container].mediaType,
        "cache-control": s.endMs === null ? "no-store" : "private, max-age=3600",
      });
    }),
  );

  app.on(
    ["GET", "HEAD"],
    "/api/recordings/:id/thumbnail.jpg",
    withRecordings("read", async (c, r) => {
      const s = segment(c, r);
      if (s instanceof Response) return s;
      if (s.thumbnail === null) return c.json({ error: `Recording ${s.id} has no thumbnail` }, 404);
      let file: string;
      try {
        file = await resolveThumbnailFile(r.dir, s.path);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) {
          return c.json({ error: `The thumbnail of recording ${s.id} is gone` }, 404);
        }
        if (e instanceof TypeError) return c.json({ error: e.message }, 403);
        throw e;
      }
      return await fileResponse(file, c.req.raw, {
        "content-type": "image/jpeg",
        "cache-control": "private, max-age=3600",
      });
    }),
  );

  app.get(
    "/api/recordings/:id/frames",
    withRecordings("read", async (c, r) => {
      const s = segment(c, r);
      if (s instanceof Response) return s;
      try {
        return await segmentFrames(c, r, s);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) {
          return c.json({ error: `Recording ${s.id} is no longer on disk` }, 404);
        }
        if (e instanceof TypeError) return c.json({ error: e.message }, 403);
        throw e;
      }
    }),
  );

  app.delete(
    "/api/recordings/:id",
    withRecordings("delete", async (c, r) => {
      const id = parseId(c.req.param("id") ?? "");
      switch (await r.delete(id)) {
        case "deleted":
          return c.body(null, 204);
        case "not_found":
          return c.json({ error: `No recording has id ${id}` }, 404);
        case "open":
          return c.json(
            { error: `Recording ${id} is being written; it cannot be deleted yet` },
            409,
          );
      }
    }),
  );

  // Anything else under /api/recordings/ names no recording: say so instead of a bare 404.
  app.all("/api/recordings/*", (c) =>
    c.json({
      error: `No route for ${c.req.method} ${c.req.path}; recordings are addressed by numeric id`,
    }, c.req.method === "GET" || c.req.method === "HEAD" ? 400 : 405));

  return app;
}
