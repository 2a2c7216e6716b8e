/**
 * `GET /api/cameras/:id/snapshot.jpg` (the newest picture) and
 * `GET /api/cameras/:id/mjpeg` (a multipart/x-mixed-replace stream of them,
 * for `<img>` tags, VLC and scripts). Both come from the camera's
 * {@linkcode JpegFeed}.
 *
 * @module
 */
import { Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import type { CameraNode } from "../../actors/system/camera_node.ts";
import { ringStats } from "../../actors/ring/mod.ts";
import { FEED_FPS, jpegFeed } from "../../actors/jpeg/mod.ts";

/** MJPEG clients per camera. Reason: each is sent every picture, from the main thread. */
export const MAX_MJPEG_CLIENTS = 8;
/** How long a snapshot waits for a picture before saying the camera has none. */
export const SNAPSHOT_WAIT_MS = 3_000;

const BOUNDARY = "eyrieframe";
const encoder = new TextEncoder();

/**
 * The newest picture of `node` as JPEG, or why there is none: its ring has
 * no writer (the camera is down or restarting), or no picture came in time.
 * The snapshot route and MQTT's snapshot topic both take it from here.
 */
export async function snapshotOf(
  node: CameraNode,
): Promise<{ jpeg: Uint8Array<ArrayBuffer> } | { none: "closed" | "timeout" }> {
  const ring = node.config.codec === "mjpeg" ? node.rings.au : node.rings.raw;
  if (ringStats(ring).closed) return { none: "closed" };
  const jpeg = await jpegFeed(node).next(SNAPSHOT_WAIT_MS);
  return jpeg === null ? { none: "timeout" } : { jpeg };
}

export function pictureRoutes(system: System): Hono {
  return new Hono()
    .get("/:id/snapshot.jpg", async (c) => {
      const node = system.cameras.get(c.req.param("id"));
      if (node === undefined) return c.json({ error: `No camera "${c.req.param("id")}"` }, 404);
      const picture = await snapshotOf(node);
      if ("none" in picture) {
        // Nothing writes pictures now (the camera is down or restarting): say so at once.
        c.header("Retry-After", "2");
        return c.json({
          error: picture.none === "closed"
            ? `Camera "${node.id}" is not delivering pictures`
            : `Camera "${node.id}" gave no picture within ${SNAPSHOT_WAIT_MS} ms`,
        }, 503);
      }
      return c.body(picture.jpeg, 200, {
        "content-type": "image/jpeg",
        "cache-control": "no-store",
      });
    })
    .get("/:id/mjpeg", (c) => {
      const node = system.cameras.get(c.req.param("id"));
      if (node === undefined) return c.json({ error: `No camera "${c.req.param("id")}"` }, 404);
      const feed = jpegFeed(node);
      if (feed.clients >= MAX_MJPEG_CLIENTS) {
        c.header("Retry-After", "5");
        return c.json({
          error: `Camera "${node.id}" already serves ${MAX_MJPEG_CLIENTS} MJPEG clients`,
        }, 503);
      }
      let off = () => {};
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          off = feed.subscribe((jpeg) => {
            // A client that cannot keep up skips pictures instead of queueing them.
            if ((controller.desiredSize ?? 0) <= 0) return;
            controller.enqueue(
              encoder.encode(
                `--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`,
              ),
            );
            controller.enqueue(jpeg);
            controller.enqueue(encoder.encode("\r\n"));
          });
        },
        cancel() {
          off();
        },
      }, { highWaterMark: 4 });
      return new Response(body, {
        headers: {
          "content-type": `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
          "cache-control": "no-store",
          "x-eyrie-fps": String(Math.min(FEED_FPS, node.config.fps)),
        },
      });
    });
}
