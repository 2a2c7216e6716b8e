/**
 * `GET /api/health`: 200 with `{status: "ok", …}` when everything runs,
 * 503 with the problems when something is down or restarting.
 *
 * @module
 */
import { Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";

export function healthRoutes(system: System): Hono {
  return new Hono().get("/health", (c) => {
    const h = system.health();
    return c.json(h, h.status === "ok" ? 200 : 503);
  });
}
