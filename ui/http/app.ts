/**
 * The HTTP surface: JSON API under /api, metrics, and the console. Each
 * area adds its routes in its own module; this file only mounts them.
 *
 * @module
 */
import { Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import { healthRoutes } from "./health.ts";
import { cameraRoutes } from "./cameras.ts";
import { whepRoutes } from "./whep.ts";
import { consoleRoutes } from "./console.ts";

export type App = Hono;

/** The whole app for a running system. */
export function createApp(system: System): Hono {
  const app = new Hono();
  app.route("/api", healthRoutes(system));
  app.route("/api/cameras", cameraRoutes(system));
  app.route("/api/cameras", whepRoutes(system));
  app.route("/", consoleRoutes());
  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    system.log.error("request failed", {
      method: c.req.method,
      path: c.req.path,
      error: error.message,
    });
    return c.json({ error: "Internal error; see the logs" }, 500);
  });
  return app;
}
