/**
 * The video library over HTTP (actors/library/): `GET /api/library` lists
 * items (`?library=`, `?q=` in the name, `?sort=name|duration|size|date`),
 * `GET /api/library/items/:id` streams a file with ranges, or with
 * `?format=mp4` its copy into MP4 (streamed as it is made the first time,
 * served with ranges from the finished copy after), or with `?format=webm`
 * re-encoded where its library allows (_library_transcode.ts), its thumbnail, a
 * rescan, and the `/library` page. Past the stream limit a stream is
 * refused with 503 and Retry-After. Reference: docs/library.md.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import type { LibraryItem, WatchPosition } from "../../actors/library/index.ts";
import { subjectOf } from "../auth/policy.ts";
import { readBoundedText } from "./body.ts";
import { firstIssue, LibraryItemQuery, LibraryQuery, PositionBody } from "./openapi/schemas.ts";
import {
  type Library,
  STREAM_RETRY_AFTER_S,
  type StreamSlot,
} from "../../actors/library/library.ts";
import { remuxStream } from "../../actors/library/remux.ts";
import { fileResponse } from "./_file_response.ts";
import { principalOf } from "./access.ts";
import { grantsLibrary } from "../auth/grant.ts";
import { LIBRARY_PAGE } from "./library_page.ts";
import { transcodable, transcodeJob } from "../../actors/library/transcode.ts";
import { libraryTranscodeResponse, LibraryTranscodes } from "./_library_transcode.ts";

type Sort = "name" | "duration" | "size" | "date";

/** What the API says of an item whose codec browsers lack: re-encoded, or why not. */
function recoding(item: LibraryItem, allowed: boolean): { delivery: string; note: string } | null {
  if (!transcodable(item)) return null;
  if (allowed) {
    return {
      delivery: "transcode",
      note: "Re-encoded to WebM (VP8/Opus) as it plays; it seeks within what has arrived",
    };
  }
  const why = item.note.replace(/, and re-encoding is not done here$/, "");
  return {
    delivery: "unsupported",
    note: `${why}; re-encoding is off for library "${item.library}" ` +
      "(transcode = true in its [[library]] turns it on)",
  };
}

/**
 * An item as the API shows it, with this viewer's position; `transcode`:
 * whether its library re-encodes what browsers do not play.
 */
export function describe(item: LibraryItem, position?: WatchPosition, transcode = false) {
  const url = `/api/library/items/${item.id}`;
  const recode = recoding(item, transcode);
  const delivery = recode?.delivery ?? item.delivery;
  return {
    /** Where this viewer stopped (0: not started), and when (null: never). */
    position_s: position?.position_s ?? 0,
    watched_at: position === undefined ? null : new Date(position.updated_ms).toISOString(),
    id: item.id,
    library: item.library,
    name: item.name,
    path: item.rel,
    duration_s: Math.round(item.duration_s * 1000) / 1000,
    width: item.width,
    height: item.height,
    fps: Math.round(item.fps * 1000) / 1000,
    bitrate: item.bitrate,
    codecs: item.codecs,
    mime: item.mime,
    size: item.size,
    modified: new Date(item.mtime_ms).toISOString(),
    delivery,
    note: recode?.note ?? item.note,
    error: item.error,
    url,
    play_url: delivery === "remux"
      ? `${url}?format=mp4`
      : delivery === "transcode"
      ? `${url}?format=webm`
      : delivery === "direct"
      ? url
      : null,
    thumbnail_url: item.has_thumbnail ? `${url}/thumbnail.jpg` : null,
  };
}

function sortItems(items: LibraryItem[], sort: Sort): LibraryItem[] {
  const by: Record<Sort, (a: LibraryItem, b: LibraryItem) => number> = {
    name: (a, b) => a.name.localeCompare(b.name),
    duration: (a, b) => b.duration_s - a.duration_s,
    size: (a, b) => b.size - a.size,
    date: (a, b) => b.mtime_ms - a.mtime_ms,
  };
  return items.sort(by[sort]);
}

/** The body, with the slot given back when it ends, fails or the client leaves. */
function holding(body: ReadableStream<Uint8Array> | null, slot: StreamSlot) {
  if (body === null) {
    slot.release();
    return null;
  }
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await reader.read();
        if (done) {
          slot.release();
          controller.close();
        } else controller.enqueue(value);
      } catch (e) {
        slot.release();
        controller.error(e);
      }
    },
    async cancel(reason) {
      slot.release();
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** Whether the request's principal may use library `id` (admins and an auth-off console: all). */
export function mayUse(c: Context, id: string): boolean {
  const p = principalOf(c);
  switch (p.kind) {
    case "local":
      return true;
    case "anonymous":
      return false;
    case "user":
      return p.role === "admin" || grantsLibrary(p.grant, id);
    case "certificate":
      return grantsLibrary(p.grant, id);
  }
}

/** Whose positions these are: the user or certificate, or "local" with auth off. */
export function viewerOf(c: Context): string {
  return subjectOf(principalOf(c)) ?? "local";
}

/** Largest position body. Reason: `{"position_s": 12345.678}` is 25 bytes. */
const MAX_POSITION_BODY_BYTES = 256;

export function libraryRoutes(library: Library | null): Hono {
  const app = new Hono();
  const transcodes = new LibraryTranscodes();
  const recodes = (id: string) => library?.folders.find((f) => f.id === id)?.transcode === true;
  app.get("/library", (c) => c.html(LIBRARY_PAGE));
  const off = (c: Context) =>
    c.json({ error: "No library: add a [[library]] folder to the config" }, 404);

  app.get("/api/library", (c) => {
    if (library === null) return c.json({ libraries: [], items: [] });
    // The query's schema is the one the OpenAPI document shows (openapi/schemas.ts).
    const query = LibraryQuery.safeParse(c.req.query());
    if (!query.success) return c.json({ error: firstIssue(query.error) }, 400);
    const id = query.data.library ?? null;
    // A library the principal may not use is as unknown as one that does not exist.
    const folders = library.folders.filter((f) => mayUse(c, f.id));
    if (id !== null && !folders.some((f) => f.id === id)) {
      return c.json({ error: `No library "${id}"` }, 404);
    }
    const sort = query.data.sort ?? "name";
    const q = (query.data.q ?? "").toLowerCase();
    const open = new Set(folders.map((f) => f.id));
    const items = library.index.list(id).filter((i) =>
      open.has(i.library) && (q === "" || i.name.toLowerCase().includes(q))
    );
    const reports = library.reports();
    const positions = library.index.positions(viewerOf(c));
    return c.json({
      libraries: folders.map((f) => {
        const r = reports.find((x) => x.library === f.id);
        return {
          id: f.id,
          files: r?.files ?? null,
          errors: r?.errors ?? null,
          problem: r?.problem ?? null,
          skipped: r?.skipped ?? [],
        };
      }),
      items: sortItems(items, sort).map((i) =>
        describe(i, positions.get(i.id), recodes(i.library))
      ),
      streams: { open: library.streams },
    });
  });

  // What this viewer watched, the latest first, with where it stopped.
  app.get("/api/library/history", (c) => {
    if (library === null) return c.json({ items: [] });
    const out = [];
    for (const p of library.index.history(viewerOf(c))) {
      const item = library.index.get(p.item);
      if (item !== null && mayUse(c, item.library)) {
        out.push(describe(item, p, recodes(item.library)));
      }
    }
    return c.json({ items: out });
  });

  // Where this viewer stopped: {"position_s": 754.2}; the player sends it as it plays.
  app.put("/api/library/items/:id/position", async (c) => {
    const item = itemOf(c);
    if (item instanceof Response) return item;
    const text = await readBoundedText(c.req.raw, MAX_POSITION_BODY_BYTES);
    if (text === null) return c.json({ error: "The body is too large" }, 413);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return c.json({ error: 'The body must be JSON: {"position_s": 12.5}' }, 400);
    }
    const body = PositionBody.safeParse(json);
    if (!body.success) return c.json({ error: firstIssue(body.error) }, 400);
    const position = body.data.position_s;
    // Past the end is the end (a duration the container rounds down).
    const at = item.duration_s > 0 ? Math.min(position, item.duration_s) : position;
    library!.index.setPosition(viewerOf(c), item.id, at);
    return c.body(null, 204);
  });

  app.post("/api/library/:library/scan", async (c) => {
    if (library === null) return off(c);
    const id = c.req.param("library");
    if (!library.folders.some((f) => f.id === id)) {
      return c.json({ error: `No library "${id}"` }, 404);
    }
    return c.json(await library.scan(id));
  });

  const itemOf = (c: Context): LibraryItem | Response => {
    if (library === null) return off(c);
    const raw = c.req.param("id") ?? "";
    const id = /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : NaN;
    const item = Number.isSafeInteger(id) ? library.index.get(id) : null;
    if (item !== null && mayUse(c, item.library)) return item;
    return c.json({ error: `No library item "${raw.slice(0, 40)}"` }, 404);
  };

  app.get("/api/library/items/:id/thumbnail.jpg", (c) => {
    const item = itemOf(c);
    if (item instanceof Response) return item;
    const jpeg = library!.index.thumbnail(item.id);
    if (jpeg === null) return c.json({ error: `Item ${item.id} has no thumbnail` }, 404);
    return c.body(jpeg.slice().buffer, 200, {
      "content-type": "image/jpeg",
      "cache-control": "max-age=300",
    });
  });

  app.on(["GET", "HEAD"], "/api/library/items/:id", async (c) => {
    const item = itemOf(c);
    if (item instanceof Response) return item;
    const lib = library!;
    const query = LibraryItemQuery.safeParse(c.req.query());
    if (!query.success) return c.json({ error: firstIssue(query.error) }, 400);
    const format = query.data.format;
    if (format === "mp4" && item.delivery !== "remux" && item.delivery !== "direct") {
      const recode = recoding(item, recodes(item.library));
      const why = recode === null
        ? item.note || item.error
        : recode.delivery === "transcode"
        ? `${recoding(item, false)!.note.replace(/;.*$/, "")}; ?format=webm re-encodes it`
        : recode.note;
      return c.json({ error: `Item ${item.id} cannot be played as MP4: ${why}` }, 415);
    }
    if (format === "webm" && !transcodable(item)) {
      const why = item.delivery === "unsupported"
        ? item.note || item.error
        : `it plays as it is (${describe(item).play_url})`;
      return c.json({ error: `Item ${item.id} is not re-encoded: ${why}` }, 415);
    }
    if (format === "webm" && !recodes(item.library)) {
      return c.json({ error: `Item ${item.id}: ${recoding(item, false)!.note}` }, 415);
    }
    const path = await lib.pathOf(item);
    if (path === null) {
      void lib.scan(item.library);
      return c.json({
        error: `The file of item ${item.id} is gone; the library is being scanned again`,
      }, 404);
    }
    const slot = lib.openStream();
    if (slot === null) {
      c.header("Retry-After", String(STREAM_RETRY_AFTER_S));
      return c.json({ error: "Too many library streams at once; try again later" }, 503);
    }
    try {
      const name = encodeURIComponent(item.name);
      if (format === "webm") {
        if (c.req.method === "HEAD") {
          slot.release();
          return new Response(null, { headers: { "content-type": "video/webm" } });
        }
        const threads = Math.max(1, Math.floor(navigator.hardwareConcurrency / 2));
        return libraryTranscodeResponse(
          transcodes,
          viewerOf(c),
          transcodeJob(item, path, threads),
          {
            item: item.id,
            release: () => slot.release(),
          },
        );
      }
      if (format !== "mp4" || item.delivery === "direct") {
        const res = await fileResponse(path, c.req.raw, {
          "content-type": item.mime,
          "content-disposition": `inline; filename*=UTF-8''${name}`,
          "cache-control": "no-cache",
        });
        return new Response(holding(res.body, slot), { status: res.status, headers: res.headers });
      }
      const copy = lib.copyOf(item, path);
      const headers = { "content-type": "video/mp4", "cache-control": "no-cache" };
      if (copy !== null) {
        const res = await fileResponse(copy, c.req.raw, { ...headers, "x-eyrie-copy": "ready" });
        return new Response(holding(res.body, slot), { status: res.status, headers: res.headers });
      }
      if (c.req.method === "HEAD") {
        slot.release();
        return new Response(null, {
          status: 200,
          headers: { ...headers, "x-eyrie-copy": "making" },
        });
      }
      const stream = await remuxStream(path, { mime: item.mime, audio: item.codecs.length > 1 });
      return new Response(holding(stream, slot), {
        status: 200,
        headers: { ...headers, "x-eyrie-copy": "making" },
      });
    } catch (e) {
      slot.release();
      throw e;
    }
  });
  return app;
}
