/**
 * Parsers for the size ("20GB", "512MiB") and duration ("14d", "1h30m")
 * strings of the `[recording]` config. Pure; errors quote the bad value.
 *
 * @module
 */

/**
 * Longest size or duration string accepted. Reason: the longest sensible
 * value ("1.5TiB", "2w3d4h5m6s") is under 20 characters; anything longer is a
 * mistake, and quoting it whole in an error must stay readable.
 */
export const MAX_UNIT_STRING_LENGTH = 32;

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

const DURATION_UNITS: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i;
const DURATION_PART_RE = /(\d+(?:\.\d+)?)([a-z]+)/gy;

function checkLength(text: string, what: string): string {
  if (text.length > MAX_UNIT_STRING_LENGTH) {
    throw new RangeError(
      `${what} "${
        text.slice(0, MAX_UNIT_STRING_LENGTH)
      }…" is longer than ${MAX_UNIT_STRING_LENGTH} characters`,
    );
  }
  return text.trim();
}

function checkNumber(value: number, text: string, what: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} ${JSON.stringify(text)} must be a non-negative number`);
  }
  if (value > Number.MAX_SAFE_INTEGER) {
    throw new RangeError(`${what} ${JSON.stringify(text)} is too large`);
  }
  return value;
}

/**
 * Parses a byte size: a number followed by B, kB, MB, GB, TB (powers of 1000)
 * or KiB, MiB, GiB, TiB (powers of 1024), case-insensitive, spaces allowed
 * between number and unit ("20GB", "1.5 GiB", "512MiB"). A bare number, or a
 * number value, is bytes. Returns whole bytes (rounded down).
 *
 * @throws {SyntaxError} when the text is not a size.
 * @throws {RangeError} when it is negative, too long or past 2^53 bytes.
 */
export function parseSize(value: string | number): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`Size ${value} must be a whole, non-negative number of bytes`);
    }
    return value;
  }
  const text = checkLength(value, "Size");
  const m = SIZE_RE.exec(text);
  if (m === null) {
    throw new SyntaxError(
      `Size ${JSON.stringify(value)} is not a number with a unit such as "20GB" or "512MiB"`,
    );
  }
  const unit = (m[2] ?? "b").toLowerCase();
  const factor = SIZE_UNITS[unit];
  if (factor === undefined) {
    throw new SyntaxError(
      `Size ${JSON.stringify(value)} has an unknown unit "${
        m[2]
      }" (use B, kB, MB, GB, TB, KiB, MiB, GiB or TiB)`,
    );
  }
  return Math.floor(checkNumber(Number(m[1]) * factor, value, "Size"));
}

/**
 * Parses a duration into seconds: one or more number-unit pairs with units
 * s, m, h, d, w ("14d", "36h", "90m", "1h30m", "2.5s"). A bare "0", or a
 * number value, is seconds.
 *
 * @throws {SyntaxError} when the text is not a duration.
 * @throws {RangeError} when it is negative, too long or too large.
 */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") {
    return checkNumber(value, String(value), "Duration");
  }
  const text = checkLength(value, "Duration").toLowerCase();
  if (text === "0") return 0;
  let seconds = 0;
  let at = 0;
  const seen = new Set<string>();
  DURATION_PART_RE.lastIndex = 0;
  for (let m = DURATION_PART_RE.exec(text); m !== null; m = DURATION_PART_RE.exec(text)) {
    const factor = DURATION_UNITS[m[2]];
    if (factor === undefined) {
      throw new SyntaxError(
        `Duration ${JSON.stringify(value)} has an unknown unit "${m[2]}" (use s, m, h, d or w)`,
      );
    }
    if (seen.has(m[2])) {
      throw new SyntaxError(`Duration ${JSON.stringify(value)} repeats the unit "${m[2]}"`);
    }
    seen.add(m[2]);
    seconds += Number(m[1]) * factor;
    at = DURATION_PART_RE.lastIndex;
  }
  if (at === 0 || at !== text.length) {
    throw new SyntaxError(
      `Duration ${JSON.stringify(value)} is not a duration such as "14d", "36h", "90m" or "1h30m"`,
    );
  }
  return checkNumber(seconds, value, "Duration");
}

/** A byte count for people: "1.5 GB", "512 kB", "900 B" (SI units, as `df -H` shows them). */
export function formatSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}
