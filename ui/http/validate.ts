/**
 * Every request's query and body checked by the zod schemas the OpenAPI
 * document shows (openapi/operations.ts), before its route runs: one place,
 * so no route can take what the document refuses, and a refusal is always
 * `400 {error}` naming the field and the problem (`preset: Invalid option:
 * expected one of "low"|…`).
 *
 * The route is the one Hono matched (its registered path is the table's
 * key). A query is checked as the route sees it (a name given twice is a
 * list, which a one-value field refuses). A JSON body is read (the body
 * cap of body_limit.ts still applies), checked, and handed on to the route
 * byte for byte; routes marked `forms` take an urlencoded form with the same
 * fields, and leave other media types to the route (it answers 415). An
 * empty body is `{}`: the fields the schema requires are then named as
 * missing.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { z } from "zod";
import { type Operation, OPERATIONS } from "./openapi/operations.ts";
import { firstIssue } from "./openapi/schemas.ts";

/** The operation of the route Hono matched for this request, if it is in the table. */
function operationOf(c: Context): Operation | undefined {
  const method = c.req.method;
  for (const r of matchedRoutes(c)) {
    if (r.method === "ALL") continue;
    // HEAD is answered by a GET route unless one is registered for HEAD itself.
    const op = OPERATIONS[`${r.method} ${r.path}`] ??
      (method === "HEAD" && r.method === "GET" ? OPERATIONS[`HEAD ${r.path}`] : undefined);
    if (op !== undefined) return op;
  }
  return undefined;
}

function queryOf(c: Context): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}

type Fields = { ok: true; value: unknown } | { ok: false; error: string } | null;

/** The body's fields, or why they cannot be read, or null to leave it to the route. */
function fieldsOf(op: Operation, type: string, text: string): Fields {
  const form = type === "application/x-www-form-urlencoded";
  if (op.forms === true && form) {
    return { ok: true, value: Object.fromEntries(new URLSearchParams(text)) };
  }
  if (op.forms === true && type !== "" && type !== "application/json") return null;
  if (text.trim() === "") return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: "The body is not valid JSON" };
  }
}

function check(schema: z.ZodType, value: unknown): string | null {
  const r = schema.safeParse(value);
  return r.success ? null : firstIssue(r.error);
}

/** The middleware; mount it after access control, before the routes. */
export function validateRequests(): MiddlewareHandler {
  return async (c, next) => {
    const op = operationOf(c);
    if (op === undefined || (op.query === undefined && op.body === undefined)) return await next();
    if (op.query !== undefined) {
      const error = check(op.query, queryOf(c));
      if (error !== null) return c.json({ error }, 400);
    }
    if (op.body !== undefined && c.req.method !== "GET" && c.req.method !== "HEAD") {
      const bytes = new Uint8Array(await c.req.raw.arrayBuffer());
      // The route reads the same bytes from a fresh request (same headers and signal).
      c.req.raw = new Request(c.req.raw, { body: bytes });
      const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
      const fields = fieldsOf(op, type, new TextDecoder().decode(bytes));
      if (fields !== null && !fields.ok) return c.json({ error: fields.error }, 400);
      if (fields !== null) {
        const error = check(op.body, fields.value);
        if (error !== null) return c.json({ error }, 400);
      }
    }
    return await next();
  };
}
