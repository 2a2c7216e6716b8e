/**
 * Reading small request bodies for the auth routes: JSON or a form,
 * bounded, with the reason when refused.
 *
 * @module
 */
import type { Context } from "hono";

/** Largest auth request body. Reason: a login or a grant is a few hundred bytes. */
export const MAX_AUTH_BODY_BYTES = 16 * 1024;

/** The body's fields, or a refusal (status and reason). */
export type BodyResult =
  | { ok: true; form: boolean; fields: Record<string, unknown> }
  | { ok: false; status: 400 | 413 | 415; error: string };

async function readBounded(c: Context): Promise<string | null> {
  const body = c.req.raw.body;
  if (body === null) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_AUTH_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder().decode(all);
}

/** Reads a JSON object or an urlencoded form (an empty body is an empty object). */
export async function readFields(c: Context): Promise<BodyResult> {
  const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const text = await readBounded(c);
  if (text === null) {
    return { ok: false, status: 413, error: `The body is over ${MAX_AUTH_BODY_BYTES} bytes` };
  }
  const form = type === "application/x-www-form-urlencoded";
  if (text === "") return { ok: true, form, fields: {} };
  if (form) {
    return { ok: true, form: true, fields: Object.fromEntries(new URLSearchParams(text)) };
  }
  if (type !== "application/json") {
    return {
      ok: false,
      status: 415,
      error: `Expected application/json or a form, got "${type.slice(0, 60)}"`,
    };
  }
  try {
    const value = JSON.parse(text);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return { ok: false, status: 400, error: "Expected a JSON object" };
    }
    return { ok: true, form: false, fields: value };
  } catch {
    return { ok: false, status: 400, error: "The body is not valid JSON" };
  }
}
