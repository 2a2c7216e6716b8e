/**
 * LL-HLS of each H.264 camera (RFC 8216bis), from the camera's
 * {@linkcode HlsStream}:
 *
 * - `GET /api/cameras/:id/hls/index.m3u8`: the multivariant playlist (one
 *   variant, with CODECS, RESOLUTION and BANDWIDTH);
 * - `GET …/hls/stream.m3u8`: the media playlist; `_HLS_msn` and `_HLS_part`
 *   hold the request until that part is listed (blocking reload);
 * - `GET …/hls/init/<id>.mp4`, `…/seg/<msn>.mp4`, `…/part/<id>.mp4`: the
 *   fMP4 pieces; the part named by the preload hint is held until it exists.
 *
 * Same access as live view (ui/auth/access_table.ts).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import { type HlsStream, hlsStream } from "../../actors/hls/stream.ts";
import type { CameraNode } from "../../actors/system/camera_node.ts";
import { ringStats } from "../../actors/ring/mod.ts";
import { blockingRequest, renderPlaylist } from "../../transports/hls/playlist.ts";
import type { Segmenter } from "../../transports/hls/segmenter.ts";

/**
 * How long a first request waits for the first whole segment. Reason: a
 * keyframe asked for on start comes within a second and the segment within
 * 1.5 s of it; a camera that is down gives none. Players that know no parts
 * (ffmpeg, VLC) find nothing to play in a playlist without a segment.
 */
export const FIRST_SEGMENT_WAIT_MS = 5_000;
/** Parts ahead of the preload hint a request may wait for. Reason: a player asks for the hinted part, at most the one after; further is a guess to refuse. */
const MAX_PARTS_AHEAD = 2;

const M3U8 = "application/vnd.apple.mpegurl";
const MP4 = "video/mp4";

function number(name: string, ext: string): number | null {
  const m = new RegExp(`^(\\d{1,15})\\.${ext}$`).exec(name);
  return m === null ? null : Number(m[1]);
}

/** The camera's stream, or the response that says why there is none. */
function streamFor(system: System, c: Context) {
  const id = c.req.param("id") ?? "";
  const node = system.cameras.get(id);
  if (node === undefined) return { error: c.json({ error: `No camera "${id}"` }, 404) };
  if (node.config.codec !== "h264") {
    return {
      error: c.json({ error: `Camera "${id}" sends MJPEG; LL-HLS needs codec = "h264"` }, 409),
    };
  }
  return { node, stream: hlsStream(node) };
}

function waitLimitMs(seg: Segmenter): number {
  // §6.2.5.2: a blocked request that cannot be answered within three target durations gets 503.
  return 3 * seg.options.targetDuration * 1000;
}

function noPicture(c: Context, id: string): Response {
  c.header("Retry-After", "2");
  return c.json({ error: `Camera "${id}" delivered no video for LL-HLS` }, 503);
}

/** Waits for `ready` unless nothing writes access units now (then 503 at once, like snapshots). */
async function waitFor(
  c: Context,
  found: { node: CameraNode; stream: HlsStream },
  ready: () => boolean,
  timeoutMs: number,
): Promise<Response | null> {
  if (ready()) return null;
  if (ringStats(found.node.rings.au).closed) {
    c.header("Retry-After", "2");
    return c.json({
      error: `Live video of camera "${found.node.id}" is not running (down or restarting)`,
    }, 503);
  }
  return (await found.stream.until(ready, timeoutMs)) ? null : noPicture(c, found.node.id);
}

function mp4(c: Context, bytes: Uint8Array<ArrayBuffer>, cache: string): Response {
  return c.body(bytes, 200, { "content-type": MP4, "cache-control": cache });
}

export function hlsRoutes(system: System): Hono {
  return new Hono()
    .get("/:id/hls/index.m3u8", async (c) => {
      const found = streamFor(system, c);
      if (found.error !== undefined) return found.error;
      const seg = found.stream.use();
      const refused = await waitFor(
        c,
        found,
        () => seg.segments.some((x) => x.complete),
        FIRST_SEGMENT_WAIT_MS,
      );
      if (refused !== null) return refused;
      const init = seg.inits.at(-1)!;
      const cfg = found.node.config;
      const body = [
        "#EXTM3U",
        "#EXT-X-VERSION:6",
        `#EXT-X-STREAM-INF:BANDWIDTH=${cfg.max_bitrate_kbps * 1000},CODECS="${init.codec}",` +
        `RESOLUTION=${init.width}x${init.height},FRAME-RATE=${cfg.fps.toFixed(3)}`,
        "stream.m3u8",
        "",
      ].join("\n");
      return c.body(body, 200, { "content-type": M3U8, "cache-control": "no-cache" });
    })
    .get("/:id/hls/stream.m3u8", async (c) => {
      const found = streamFor(system, c);
      if (found.error !== undefined) return found.error;
      const ask = blockingRequest(new URL(c.req.url).searchParams);
      if (ask.kind === "invalid") return c.json({ error: ask.reason }, 400);
      const seg = found.stream.use();
      if (ask.kind === "wait") {
        const last = seg.segments.at(-1)?.msn ?? 0;
        // §6.2.5.2: more than two segments ahead of the last one is an error, not a wait.
        if (ask.msn > last + 2) {
          return c.json({ error: `_HLS_msn ${ask.msn} is past the live edge (${last})` }, 400);
        }
      }
      const refused = ask.kind === "wait"
        ? await waitFor(c, found, () => seg.has(ask.msn, ask.part), waitLimitMs(seg))
        : await waitFor(
          c,
          found,
          () => seg.segments.some((x) => x.complete),
          FIRST_SEGMENT_WAIT_MS,
        );
      if (refused !== null) return refused;
      return c.body(renderPlaylist(seg)!, 200, {
        "content-type": M3U8,
        "cache-control": "no-cache",
      });
    })
    .get("/:id/hls/init/:name", (c) => {
      const found = streamFor(system, c);
      if (found.error !== undefined) return found.error;
      const id = number(c.req.param("name"), "mp4");
      const init = found.stream.use().inits.find((i) => i.id === id);
      if (init === undefined) return c.json({ error: "No such init segment" }, 404);
      return mp4(c, init.bytes, "max-age=60");
    })
    .get("/:id/hls/part/:name", async (c) => {
      const found = streamFor(system, c);
      if (found.error !== undefined) return found.error;
      const id = number(c.req.param("name"), "mp4");
      const seg = found.stream.use();
      if (id === null) return c.json({ error: "No such part" }, 404);
      if (id >= seg.nextPartId) {
        if (id > seg.nextPartId + MAX_PARTS_AHEAD) {
          return c.json({ error: `Part ${id} is past the live edge (${seg.nextPartId})` }, 404);
        }
        const refused = await waitFor(c, found, () => seg.nextPartId > id, waitLimitMs(seg));
        if (refused !== null) return refused;
      }
      const part = seg.part(id);
      if (part === undefined) return c.json({ error: `Part ${id} is no longer kept` }, 404);
      return mp4(c, part.bytes, "max-age=60");
    })
    .get("/:id/hls/seg/:name", async (c) => {
      const found = streamFor(system, c);
      if (found.error !== undefined) return found.error;
      const msn = number(c.req.param("name"), "mp4");
      const seg = found.stream.use();
      if (msn === null) return c.json({ error: "No such segment" }, 404);
      const open = seg.open;
      if (open !== undefined && open.msn === msn) {
        const refused = await waitFor(
          c,
          found,
          () => seg.segment(msn) !== undefined,
          waitLimitMs(seg),
        );
        if (refused !== null) return refused;
      }
      const s = seg.segment(msn);
      if (s === undefined) return c.json({ error: `Segment ${msn} is not kept` }, 404);
      const bytes = new Uint8Array(s.parts.reduce((n, p) => n + p.bytes.length, 0));
      let at = 0;
      for (const p of s.parts) {
        bytes.set(p.bytes, at);
        at += p.bytes.length;
      }
      return mp4(c, bytes, "max-age=60");
    });
}
