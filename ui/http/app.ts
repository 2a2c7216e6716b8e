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
import { configRoutes } from "./config.ts";
import { metricsRoutes } from "./metrics.ts";
import { consoleRoutes } from "./console.ts";
import { sdpRoutes } from "./sdp.ts";
import { eventRoutes } from "./events.ts";
import { mountAuth } from "./auth.ts";
import { recordingRoutes } from "./recordings.ts";
import { whepRoutes } from "./whep.ts";
import { talkRoutes } from "./talk.ts";
import { pictureRoutes } from "./pictures.ts";
import { hlsRoutes } from "./hls.ts";
import { rtspRoutes } from "./rtsp.ts";
import { mqttRoutes } from "./mqtt.ts";
import { servicesRoutes } from "./services.ts";
import type { MqttService } from "../mqtt/service.ts";
import type { Library } from "../../actors/library/library.ts";
import { libraryRoutes } from "./library.ts";
import { playlistRoutes } from "./library_playlists.ts";
import { openApiRoutes } from "./openapi/routes.ts";
import { VERSION } from "../cli/version.ts";
import { bodyLimit, BodyTooLargeError, tooLarge } from "./body_limit.ts";
import { BodyCutOffError } from "./_body_stream.ts";

export type App = Hono;

/** What runs beside the system and has state to show (`eyrie run` makes them). */
export interface AppServices {
  mqtt?: MqttService | null;
  /** The video library, when the config has [[library]] folders. */
  library?: Library | null;
}

/** The whole app for a running system. */
export function createApp(system: System, services: AppServices = {}): Hono {
  const app = new Hono();
  app.use(bodyLimit()); // every body is capped before anything reads it: body_limit.ts
  // then access control (ui/auth/access_table.ts) and each query and body checked by the
  // OpenAPI document's schemas (validate.ts)
  mountAuth(app, system);
  app.route("/api", healthRoutes(system));
  app.route("/api/cameras", cameraRoutes(system));
  app.route("/api/config", configRoutes(system));
  app.route("/", metricsRoutes(system, services.mqtt ?? null));
  app.route("/", consoleRoutes());
  app.route("/api/cameras", sdpRoutes(system));
  app.route("/", eventRoutes(system));
  app.route("/", recordingRoutes(system));
  app.route("/api/cameras", whepRoutes(system));
  app.route("/api/cameras", talkRoutes(system));
  app.route("/api/cameras", pictureRoutes(system));
  app.route("/api/cameras", hlsRoutes(system));
  app.route("/api", rtspRoutes(system));
  app.route("/api", mqttRoutes(services.mqtt ?? null));
  app.route("/api", servicesRoutes(system, services.mqtt ?? null));
  app.route("/", playlistRoutes(services.library ?? null));
  app.route("/", libraryRoutes(services.library ?? null));
  // Last: the document lists every route above, read from the app itself at each request.
  app.route("/", openApiRoutes(() => app.routes, VERSION));
  app.notFound((c) => c.json({ error: `No route for ${c.req.method} ${c.req.path}` }, 404));
  app.onError((error, c) => {
    // A body past its cap, thrown from a route's read: the client's mistake, not eyrie's.
    if (error instanceof BodyTooLargeError) return tooLarge(c, error.maxBytes);
    // The client left (or its request timed out) mid-body: nobody to answer, nothing broken here.
    if (error instanceof BodyCutOffError || c.req.raw.signal.aborted) {
      system.log.debug("request cut off", { method: c.req.method, path: c.req.path });
      return c.json({ error: "The request was cut off" }, 400);
    }
    system.log.error("request failed", {
      method: c.req.method,
      path: c.req.path,
      error: error.message,
    });
    return c.json({ error: "Internal error; see the logs" }, 500);
  });
  return app;
}
