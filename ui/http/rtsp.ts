/**
 * `GET /api/rtsp`: the RTSP server's state (its listening link, its UDP
 * ports, each session with its camera, user, client and counts). Admins
 * only, as every /api route the access table does not name.
 *
 * @module
 */
import { Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";

export function rtspRoutes(system: System): Hono {
  return new Hono().get("/rtsp", (c) => {
    const rtsp = system.rtsp;
    if (rtsp === null) return c.json({ enabled: false });
    return c.json({ enabled: true, listen: rtsp.config.listen, ...rtsp.stats });
  });
}
