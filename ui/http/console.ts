/**
 * The console's static files (ui/console/), served from memory with an
 * ETag, so a compiled eyrie needs no files beside it.
 *
 * @module
 */
import { Hono } from "hono";
import { CONSOLE_ASSETS } from "../console/assets.ts";

export function consoleRoutes(): Hono {
  const app = new Hono();
  for (const [path, asset] of CONSOLE_ASSETS) {
    const etag = `"${hash(asset.body)}"`;
    app.get(path, (c) => {
      c.header("ETag", etag);
      c.header("Cache-Control", "no-cache");
      c.header("X-Content-Type-Options", "nosniff");
      if (c.req.header("If-None-Match") === etag) return c.body(null, 304);
      c.header("Content-Type", asset.contentType);
      return c.body(asset.body);
    });
  }
  return app;
}

/** FNV-1a over the UTF-16 code units: a cache key, not a security measure. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
