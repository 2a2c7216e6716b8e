/**
 * Detection events over HTTP:
 *
 * - `GET /api/events?camera=&type=&from=&to=&before=&limit=` → `{events, next}`,
 *   newest first; `next` is the `before` of the following page (null at the end)
 * - `GET /api/events/stream?camera=&type=` → SSE, resuming after Last-Event-ID
 * - `GET /api/events/:id`, `GET /api/events/:id/snapshot.jpg`
 * - `GET /api/detection` → each camera's analysed size, zones and masks
 * - `GET /events` → the events page
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { EventHub } from "../../actors/events/mod.ts";
import type { DetectorStats } from "../../actors/detector/protocol.ts";
import type { CameraNode, System } from "../../actors/system/mod.ts";
import { parseListQuery, parseStreamQuery } from "./events_query.ts";
import { EVENTS_PAGE } from "./events_page.ts";
import { eventStream } from "./sse.ts";

/** The detection layout of one camera, for drawing zones and masks over its snapshots. */
export interface DetectionLayout {
  camera: string;
  /** The analysed size (zones and boxes are fractions of it). */
  width: number;
  height: number;
  /** The camera's picture size: its shape is the snapshots' (detector/snapshot.ts). */
  frame_width: number;
  frame_height: number;
  motion: boolean;
  /** The configured model path, or "". */
  model: string;
  /** off | loading | ready | error, as the detector last reported. */
  modelState: string;
  modelError: string | null;
  zones: { name: string; polygon: readonly (readonly [number, number])[] }[];
  masks: readonly (readonly (readonly [number, number])[])[];
}

function badRequest(c: Context, e: unknown): Response {
  if (e instanceof RangeError) return c.json({ error: e.message }, 400);
  throw e;
}

function idOf(c: Context): number {
  return Number(c.req.param("id"));
}

/** Routes mounted at the root: they live under /api/events, /api/detection and /events. */
export function eventRoutes(system: System): Hono {
  const hub = () => EventHub.for(system.config.data_dir);
  return new Hono()
    .get("/api/events", (c) => {
      let query;
      try {
        query = parseListQuery(new URL(c.req.url).searchParams);
      } catch (e) {
        return badRequest(c, e);
      }
      return c.json(hub().store.list(query));
    })
    .get("/api/events/stream", (c) => {
      let parsed;
      try {
        parsed = parseStreamQuery(
          new URL(c.req.url).searchParams,
          c.req.header("last-event-id") ?? null,
        );
      } catch (e) {
        return badRequest(c, e);
      }
      return eventStream(hub(), parsed) ??
        c.json({ error: "Too many event streams are open; close one and retry" }, 503);
    })
    .get("/api/events/:id{[0-9]{1,15}}", (c) => {
      const event = hub().store.get(idOf(c));
      return event === null ? c.json({ error: `No event ${idOf(c)}` }, 404) : c.json(event);
    })
    .get("/api/events/:id{[0-9]{1,15}}/snapshot.jpg", (c) => {
      const jpeg = hub().store.snapshot(idOf(c));
      if (jpeg === null) return c.json({ error: `Event ${idOf(c)} has no snapshot` }, 404);
      return c.body(jpeg as Uint8Array<ArrayBuffer>, 200, {
        "content-type": "image/jpeg",
        // An event's snapshot never changes.
        "cache-control": "private, max-age=86400, immutable",
      });
    })
    .get("/api/detection", (c) => c.json([...system.cameras.values()].map(layoutOf)))
    .get("/events", (c) => c.html(EVENTS_PAGE));
}

function layoutOf(node: CameraNode): DetectionLayout {
  const det = node.config.detection;
  const stats = node.stats.get("detector") as DetectorStats | undefined;
  return {
    camera: node.id,
    width: det.width,
    height: det.height,
    frame_width: node.config.width,
    frame_height: node.config.height,
    motion: det.motion,
    model: det.model,
    modelState: stats?.model ?? (det.model === "" ? "off" : "loading"),
    modelError: stats?.modelError ?? null,
    zones: det.zones.map((z) => ({ name: z.name, polygon: z.polygon })),
    masks: det.masks,
  };
}
