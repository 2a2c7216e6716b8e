/**
 * A byte count for a `usize`/`u64` FFI parameter without a slow call or an
 * allocation. Deno (2.9) takes a JavaScript number for such a parameter,
 * but then leaves V8's fast call path: 180–220 ns a call here against
 * 25–50 ns with a BigInt (bench/README.md, webrtc). `BigInt(n)` allocates
 * one per call; the counts a hot path passes (packet and frame sizes) are
 * few, so each is made once and kept.
 *
 * @module
 */

/** Counts kept: a UDP datagram's size range. Larger ones are made per call. */
const CACHED = 65_536;
const cache: bigint[] = [];

/** `n` (a non-negative integer) as the BigInt an FFI `usize` parameter takes. */
export function usize(n: number): bigint {
  if (n < CACHED && n >= 0) return cache[n] ??= BigInt(n);
  return BigInt(n);
}
