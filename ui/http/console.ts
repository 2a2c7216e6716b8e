/**
 * The web console: `/` (live view, stats, actors), `/latency` (the
 * glass-to-glass probe) and their assets under `/assets/`, all embedded
 * (ui/console/), and the icon at `/favicon.svg`. `/recordings` and
 * `/events` have their own routes.
 *
 * @module
 */
import { Hono } from "hono";
import { type Asset, ASSETS, FAVICON_SVG, PAGES } from "../console/mod.ts";

function send(asset: Asset): Response {
  return new Response(asset.body, {
    headers: {
      "content-type": asset.type,
      // Small files, changed by upgrades: revalidate each time, never serve a stale console.
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    },
  });
}

export function consoleRoutes(): Hono {
  const app = new Hono();
  for (const [path, asset] of Object.entries(PAGES)) app.get(path, () => send(asset));
  // Named by every page's <link rel="icon">; /favicon.ico for clients that ask without looking.
  const icon: Asset = { type: "image/svg+xml", body: FAVICON_SVG };
  app.get("/favicon.svg", () => send(icon));
  app.get("/favicon.ico", () => send(icon));
  app.get("/assets/:name", (c) => {
    const asset = ASSETS[c.req.param("name")];
    return asset === undefined
      ? c.json({ error: `No asset "${c.req.param("name")}"` }, 404)
      : send(asset);
  });
  return app;
}
