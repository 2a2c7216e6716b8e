/**
 * Each viewer's playlists over HTTP (actors/library/playlists.ts):
 * `GET /api/library/playlists` (with their items, as far as the viewer
 * may still use them), `POST` one `{name, items?}`, `PUT …/:id`
 * `{name?, items?}` to rename or reorder, `DELETE …/:id`. Items must be
 * in a library the viewer may use. Bodies are parsed with the schemas the
 * OpenAPI document shows (openapi/schemas.ts).
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { Library } from "../../actors/library/library.ts";
import {
  checkPlaylistItems,
  checkPlaylistName,
  type Playlist,
} from "../../actors/library/playlists.ts";
import { readBoundedText } from "./body.ts";
import { firstIssue, PlaylistCreateBody, PlaylistUpdateBody } from "./openapi/schemas.ts";
import { describe, mayUse, viewerOf } from "./library.ts";

/** Largest playlist body. Reason: 1,000 ids of up to 16 digits and a name fit in 20 KB. */
const MAX_PLAYLIST_BODY_BYTES = 32 * 1024;

async function readJson(c: Context): Promise<Record<string, unknown> | string> {
  const text = await readBoundedText(c.req.raw, MAX_PLAYLIST_BODY_BYTES);
  if (text === null) return "The body is too large";
  try {
    const v = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? v
      : "The body must be a JSON object";
  } catch {
    return 'The body must be JSON: {"name": "Sunday", "items": [3, 7]}';
  }
}

function playlistId(c: Context): number | null {
  const raw = c.req.param("id") ?? "";
  return /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : null;
}

export function playlistRoutes(library: Library | null): Hono {
  const app = new Hono();
  const off = (c: Context) =>
    c.json({ error: "No library: add a [[library]] folder to the config" }, 404);

  const show = (c: Context, p: Playlist) => {
    const positions = library!.index.positions(viewerOf(c));
    const items = [];
    for (const id of p.items) {
      const item = library!.index.get(id);
      if (item !== null && mayUse(c, item.library)) {
        items.push(describe(
          item,
          positions.get(id),
          library!.folders.find((f) => f.id === item.library)?.transcode === true,
        ));
      }
    }
    return { id: p.id, name: p.name, updated: new Date(p.updated_ms).toISOString(), items };
  };

  // Ids the viewer may put in a list, or the reason one may not.
  const usable = (c: Context, ids: number[]): string | null => {
    for (const id of ids) {
      const item = library!.index.get(id);
      if (item === null || !mayUse(c, item.library)) return `No library item ${id}`;
    }
    return null;
  };

  app.get("/api/library/playlists", (c) => {
    if (library === null) return c.json({ playlists: [] });
    return c.json({ playlists: library.index.playlists.list(viewerOf(c)).map((p) => show(c, p)) });
  });

  app.post("/api/library/playlists", async (c) => {
    if (library === null) return off(c);
    const body = await readJson(c);
    if (typeof body === "string") return c.json({ error: body }, 400);
    const parsed = PlaylistCreateBody.safeParse(body);
    if (!parsed.success) return c.json({ error: firstIssue(parsed.error) }, 400);
    try {
      const name = checkPlaylistName(parsed.data.name);
      const items = checkPlaylistItems(parsed.data.items ?? []);
      const bad = usable(c, items);
      if (bad !== null) return c.json({ error: bad }, 400);
      const p = library.index.playlists.create(viewerOf(c), name, items);
      return c.json(show(c, p), 201);
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) {
        return c.json({ error: e.message }, 400);
      }
      throw e;
    }
  });

  app.put("/api/library/playlists/:id", async (c) => {
    if (library === null) return off(c);
    const id = playlistId(c);
    const body = await readJson(c);
    if (typeof body === "string") return c.json({ error: body }, 400);
    const parsed = PlaylistUpdateBody.safeParse(body);
    if (!parsed.success) return c.json({ error: firstIssue(parsed.error) }, 400);
    try {
      const change: { name?: string; items?: number[] } = {};
      if (parsed.data.name !== undefined) change.name = checkPlaylistName(parsed.data.name);
      if (parsed.data.items !== undefined) change.items = checkPlaylistItems(parsed.data.items);
      const bad = usable(c, change.items ?? []);
      if (bad !== null) return c.json({ error: bad }, 400);
      const p = id === null ? null : library.index.playlists.update(viewerOf(c), id, change);
      if (p === null) {
        return c.json({ error: `No playlist "${c.req.param("id")?.slice(0, 20)}"` }, 404);
      }
      return c.json(show(c, p));
    } catch (e) {
      if (e instanceof TypeError || e instanceof RangeError) {
        return c.json({ error: e.message }, 400);
      }
      throw e;
    }
  });

  app.delete("/api/library/playlists/:id", (c) => {
    if (library === null) return off(c);
    const id = playlistId(c);
    if (id === null || !library.index.playlists.remove(viewerOf(c), id)) {
      return c.json({ error: `No playlist "${c.req.param("id")?.slice(0, 20)}"` }, 404);
    }
    return c.body(null, 204);
  });
  return app;
}
