// Timeouts in milliseconds → GstClockTime nanoseconds.

let lastMs = NaN;
let lastNs = 0n;

/** `ms` (finite, ≥ 0) as nanoseconds; RangeError otherwise. Caches the last value. */
export function nanoseconds(ms: number): bigint {
  if (ms === lastMs) return lastNs;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`Timeout must be a finite number of milliseconds ≥ 0, got ${ms}`);
  }
  lastNs = BigInt(Math.round(ms * 1e6));
  lastMs = ms;
  return lastNs;
}

const TWO_32 = 2 ** 32;

/**
 * A GstClockTime read as two 32-bit halves (no BigInt allocation); null for
 * GST_CLOCK_TIME_NONE. Exact up to 2^53 ns (104 days).
 */
export function clockTime(view: DataView, offset: number): number | null {
  const lo = view.getUint32(offset, true);
  const hi = view.getUint32(offset + 4, true);
  if (hi === 0xffffffff && lo === 0xffffffff) return null;
  return hi * TWO_32 + lo;
}
