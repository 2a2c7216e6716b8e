/**
 * HTTP byte ranges (RFC 9110 §14) for serving segment files, as pure
 * functions so the route stays a thin adapter:
 *
 * ```ts
 * const r = parseRange(req.header("range"), size);
 * if (r === "unsatisfiable") return 416 with Content-Range: unsatisfiedRange(size)
 * if (r === null) return 200 with the whole file
 * return 206 with Content-Range: contentRange(r, size), bytes r.start..r.end
 * ```
 *
 * A header with several ranges is ignored (the whole file is served, 200),
 * as RFC 9110 §14.2 allows: browsers' media players ask for one range at a
 * time, and multipart/byteranges would be code that nobody here uses.
 *
 * @module
 */

/**
 * Longest Range header looked at. Reason: one range of two 16-digit numbers
 * is under 40 characters; a longer header is ignored without being scanned.
 */
export const MAX_RANGE_HEADER_LENGTH = 256;

/** An inclusive byte range within a file. */
export interface ByteRange {
  start: number;
  /** Inclusive, as in Content-Range. */
  end: number;
}

const SINGLE_RE = /^bytes[ \t]*=[ \t]*(\d*)[ \t]*-[ \t]*(\d*)[ \t]*$/i;
// Positions past 2^53 cannot be represented; 16 digits is the most that can be.
const MAX_DIGITS = 16;

function position(digits: string): number | null {
  if (digits.length > MAX_DIGITS) return null;
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Parses a Range header against a file of `size` bytes.
 *
 * - `null`: serve the whole file (no header, another unit, bad syntax,
 *   several ranges, last < first, or numbers too large).
 * - `"unsatisfiable"`: answer 416 (the range starts at or past the end, a
 *   zero-length suffix, or an empty file).
 * - otherwise the range to serve, its end clamped to the last byte.
 */
export function parseRange(
  header: string | null | undefined,
  size: number,
): ByteRange | "unsatisfiable" | null {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`File size ${size} is not a whole, non-negative number`);
  }
  if (header === null || header === undefined || header.length > MAX_RANGE_HEADER_LENGTH) {
    return null;
  }
  const m = SINGLE_RE.exec(header.trim());
  if (m === null) return null;
  const [, first, last] = m;
  if (first === "" && last === "") return null;
  if (first === "") {
    // Suffix range: the last N bytes.
    const n = position(last);
    if (n === null) return null;
    if (n === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = position(first);
  if (start === null) return null;
  const end = last === "" ? size - 1 : position(last);
  if (end === null) return null;
  if (last !== "" && end < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: Math.min(end, size - 1) };
}

/** The Content-Range value of a 206 answer: `bytes 0-499/1234`. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.start}-${range.end}/${size}`;
}

/** The Content-Range value of a 416 answer: `bytes *\/1234`. */
export function unsatisfiedRange(size: number): string {
  return `bytes */${size}`;
}
