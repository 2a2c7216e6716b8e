// Seeded frame contents: every byte is a function of the entry's sequence
// number, so a reader can tell a torn or misplaced read from a good one.

/** Size of entry `seq` in a variable ring: 1 to `max` bytes, seeded. */
export function sizeFor(seq: number, max: number): number {
  let x = (seq * 2654435761) >>> 0;
  x = (x ^ (x >>> 13)) >>> 0;
  return 1 + (x % max);
}

export function fill(dst: Uint8Array, seq: number, size: number): void {
  const a = (seq * 7 + 3) & 255;
  for (let i = 0; i < size; i++) dst[i] = (a + i * 13) & 255;
}

/** True when `bytes` holds exactly the pattern of `seq`. */
export function matches(bytes: Uint8Array, seq: number): boolean {
  const a = (seq * 7 + 3) & 255;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== ((a + i * 13) & 255)) return false;
  return true;
}
