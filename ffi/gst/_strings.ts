// C strings across the FFI boundary.
import { lib } from "./_lib.ts";

const encoder = new TextEncoder();
const cache = new Map<string, Uint8Array<ArrayBuffer>>();
// Property, field and element names repeat; pipeline descriptions do not.
const CACHE_LIMIT = 256;
const CACHEABLE_LENGTH = 64;

/** `s` as NUL-terminated UTF-8 for a `const gchar *` argument declared "buffer". */
export function cstr(s: string): Uint8Array<ArrayBuffer> {
  let bytes = cache.get(s);
  if (bytes === undefined) {
    if (s.includes("\0")) throw new TypeError(`String ${JSON.stringify(s)} contains a NUL byte`);
    bytes = encoder.encode(s + "\0");
    if (cache.size < CACHE_LIMIT && s.length <= CACHEABLE_LENGTH) cache.set(s, bytes);
  }
  return bytes;
}

/** Reads a borrowed (`const gchar *`) string; null stays null. */
export function borrowString(p: Deno.PointerValue): string | null {
  return p === null ? null : Deno.UnsafePointerView.getCString(p);
}

/** Reads a string the caller owns (transfer full) and frees it with g_free. */
export function takeString(p: Deno.PointerValue): string | null {
  if (p === null) return null;
  const s = Deno.UnsafePointerView.getCString(p);
  lib().g_free(p);
  return s;
}

/** The name of a GstObject (an element, a pad, a device). */
export function objectName(object: Deno.PointerObject): string {
  return takeString(lib().gst_object_get_name(object)) ?? "";
}
