/**
 * The libc calls that the other ffi/ modules need and GLib does not offer.
 * {@linkcode writeBytes} is internal to ffi/ (it takes a raw pointer);
 * {@linkcode sendUnixDatagram}, {@linkcode processCpuTime} and {@linkcode usize} take no
 * pointers, so any part may use them.
 *
 * @module
 */
export { MAX_DATAGRAM_BYTES, sendUnixDatagram } from "./datagram.ts";
export { processCpuTime } from "./rusage.ts";
export { usize } from "./usize.ts";

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
