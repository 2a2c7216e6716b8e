/**
 * `POST /api/config/reload`: re-read the config file and apply it, as
 * SIGHUP does. 200 with what changed; 422 with the reason when the new
 * config is refused (the running one stays).
 *
 * @module
 */
import { Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";

export function configRoutes(system: System): Hono {
  return new Hono().post("/reload", async (c) => {
    const result = await system.reload();
    return result.ok ? c.json(result) : c.json({ ...result, error: result.reason }, 422);
  });
}
