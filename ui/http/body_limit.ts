/**
 * The one body-size guard, mounted before every route: each request's body
 * is capped by the first row of {@linkcode BODY_LIMITS} that matches it
 * (else {@linkcode DEFAULT_BODY_BYTES}), before a byte of it is buffered.
 *
 * - A declared Content-Length over the cap: 413 at once, the body unread
 *   (the server then closes the connection instead of draining it).
 * - A chunked or undeclared body: the route reads it through a counting
 *   stream that fails with {@linkcode BodyTooLargeError} at the first byte
 *   past the cap and stops reading the socket; the answer is 413 whatever
 *   the route made of the failure.
 *
 * Routes may read bodies however they like (`c.req.text()` included): none
 * can see more than its row allows. The caps are the routes' own bounds,
 * imported, so each number has one home.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { MAX_SDP_BYTES } from "../../actors/viewer/mod.ts";
import { matchPattern } from "../auth/access_table.ts";
import { MAX_AUTH_BODY_BYTES } from "./_auth_body.ts";

/** Largest quality request body. Reason: `{"preset": "medium"}` is 20 bytes. */
export const MAX_QUALITY_BODY_BYTES = 1024;

/**
 * Largest body of any route not in the table. Reason: those routes read no
 * body (reload, pause, resume, delete); some clients still send `{}` or an
 * empty form, and nothing legitimate comes near 4 KiB.
 */
export const DEFAULT_BODY_BYTES = 4 * 1024;

/** One row: the methods and path pattern (access_table.ts syntax) and their cap. */
export interface BodyLimit {
  methods: readonly string[];
  pattern: string;
  maxBytes: number;
}

/** Routes that take a body. The first match wins. */
export const BODY_LIMITS: readonly BodyLimit[] = [
  // WHEP offer and trickled candidates: SDP, bounded where it is parsed.
  { methods: ["POST"], pattern: "/api/cameras/:id/whep", maxBytes: MAX_SDP_BYTES },
  { methods: ["PATCH"], pattern: "/api/cameras/:id/whep/:session", maxBytes: MAX_SDP_BYTES },
  // Two-way talk's offer: SDP as WHEP's (a browser's audio-only offer is near the 4 KiB default).
  { methods: ["POST"], pattern: "/api/cameras/:id/talk", maxBytes: MAX_SDP_BYTES },
  { methods: ["POST"], pattern: "/api/cameras/:id/quality", maxBytes: MAX_QUALITY_BODY_BYTES },
  // Sign-in, access requests, grants and approvals: small JSON or forms.
  {
    methods: ["POST", "PUT", "PATCH"],
    pattern: "/api/auth/*",
    maxBytes: MAX_AUTH_BODY_BYTES,
  },
];

/** The cap for a request. */
export function bodyLimitFor(
  method: string,
  path: string,
  table: readonly BodyLimit[] = BODY_LIMITS,
): number {
  for (const row of table) {
    if (row.methods.includes(method) && matchPattern(row.pattern, path) !== null) {
      return row.maxBytes;
    }
  }
  return DEFAULT_BODY_BYTES;
}

/** A body went past its route's cap. */
export class BodyTooLargeError extends RangeError {
  override name = "BodyTooLargeError";
  readonly maxBytes: number;
  constructor(maxBytes: number) {
    super(`The body is larger than ${maxBytes} bytes, the most this route takes`);
    this.maxBytes = maxBytes;
  }
}

/** `body` as a stream that fails with {@linkcode BodyTooLargeError} past `maxBytes`. */
export function boundedBody(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  onOverflow: () => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let seen = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      seen += value.length;
      if (seen > maxBytes) {
        onOverflow();
        // Stop reading the socket: the rest of the body is never looked at.
        await reader.cancel().catch(() => {});
        controller.error(new BodyTooLargeError(maxBytes));
        return;
      }
      controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}

/** The 413 answer. */
export function tooLarge(c: Context, maxBytes: number): Response {
  return c.json(
    { error: `The body is larger than ${maxBytes} bytes, the most this route takes` },
    413,
  );
}

/** The middleware: mount it before every other. */
export function bodyLimit(table: readonly BodyLimit[] = BODY_LIMITS): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (raw.body === null) return await next();
    const maxBytes = bodyLimitFor(raw.method, c.req.path, table);
    // A Content-Length that is not a number is left to the counting stream.
    if (Number(raw.headers.get("content-length") ?? 0) > maxBytes) {
      await raw.body.cancel().catch(() => {});
      return tooLarge(c, maxBytes);
    }
    let overflowed = false;
    c.req.raw = new Request(raw, {
      body: boundedBody(raw.body, maxBytes, () => (overflowed = true)),
      duplex: "half",
    } as RequestInit);
    await next();
    if (overflowed) {
      // Whatever the route answered (a 500 from the failed read, its own 413): the cap decides.
      c.res = undefined;
      c.res = tooLarge(c, maxBytes);
    }
  };
}
