/**
 * `GET /api/cameras` and `GET /api/cameras/:id`: each camera's settings,
 * actor states and the latest stats its actors reported.
 *
 * @module
 */
import { Hono } from "hono";
import type { CameraNode, System } from "../../actors/system/mod.ts";

function describeCamera(system: System, node: CameraNode) {
  const cfg = node.config;
  const actors = system.health().actors.filter((a) => a.id.startsWith(`${node.id}/`));
  return {
    id: cfg.id,
    source: cfg.source,
    width: cfg.width,
    height: cfg.height,
    fps: cfg.fps,
    codec: cfg.codec,
    actors,
    stats: Object.fromEntries(node.stats),
  };
}

export function cameraRoutes(system: System): Hono {
  return new Hono()
    .get("/", (c) => c.json([...system.cameras.values()].map((n) => describeCamera(system, n))))
    .get("/:id", (c) => {
      const node = system.cameras.get(c.req.param("id"));
      if (node === undefined) return c.json({ error: `No camera "${c.req.param("id")}"` }, 404);
      return c.json(describeCamera(system, node));
    });
}
