/**
 * The libc calls that the other ffi/ modules need and GLib does not offer.
 * Internal to ffi/: nothing outside ffi/ may import it, since it takes raw
 * pointers.
 *
 * @module
 */

const SYMBOLS = {
  memcpy: { parameters: ["pointer", "buffer", "usize"], result: "pointer" },
} as const;

let libc: Deno.DynamicLibrary<typeof SYMBOLS>["symbols"] | undefined;

/**
 * Copies `source` to `offset` bytes past `destination`. The caller
 * guarantees that the destination range is writable C memory it owns.
 */
export function writeBytes(
  destination: Deno.PointerObject,
  offset: number,
  source: Uint8Array,
): void {
  libc ??= Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  libc.memcpy(Deno.UnsafePointer.offset(destination, offset)!, source, BigInt(source.byteLength));
}
