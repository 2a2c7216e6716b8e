/**
 * Password hashes: scrypt (node:crypto) with a random 16-byte salt per
 * hash, stored as `scrypt$N$r$p$salt$hash` (salt and hash base64), so the
 * cost can rise later without breaking stored hashes.
 *
 * @module
 */
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** CPU/memory cost: 2^15 with r = 8 takes 32 MiB and ~0.1 s here, a few tenths on a Pi. */
const COST = 1 << 15;
const BLOCK_SIZE = 8;
const PARALLEL = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly that, so allow twice. */
const MAX_MEMORY = 2 * 128 * COST * BLOCK_SIZE;
/**
 * Bounds on parameters read back from a stored hash. Reason: a hash from the
 * database decides how much memory and time verification takes.
 */
const MAX_COST = 1 << 17;
const MAX_BLOCK_SIZE = 16;
const MAX_PARALLEL = 4;

/** Longest password accepted. Reason: scrypt hashes any length, but a megabyte is not a password. */
export const MAX_PASSWORD_LENGTH = 1024;
/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 8;

function derive(
  password: string,
  salt: Uint8Array,
  params: { N: number; r: number; p: number },
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, HASH_BYTES, {
      ...params,
      maxmem: Math.max(MAX_MEMORY, 2 * 128 * params.N * params.r),
    }, (error, key) => (error ? reject(error) : resolve(new Uint8Array(key))));
  });
}

/** Throws a RangeError naming the rule a password breaks. */
export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new RangeError(`A password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new RangeError(`A password may have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

/** Hashes `password` with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  checkPassword(password);
  const salt = new Uint8Array(randomBytes(SALT_BYTES));
  const hash = await derive(password, salt, { N: COST, r: BLOCK_SIZE, p: PARALLEL });
  const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
  return `scrypt$${COST}$${BLOCK_SIZE}$${PARALLEL}$${b64(salt)}$${b64(hash)}`;
}

function parseStored(stored: string) {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (
    !Number.isInteger(N) || N < 2 || N > MAX_COST || (N & (N - 1)) !== 0 ||
    !Number.isInteger(r) || r < 1 || r > MAX_BLOCK_SIZE ||
    !Number.isInteger(p) || p < 1 || p > MAX_PARALLEL
  ) return null;
  try {
    const bytes = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
    const salt = bytes(parts[4]);
    const hash = bytes(parts[5]);
    if (salt.length < 8 || hash.length !== HASH_BYTES) return null;
    return { N, r, p, salt, hash };
  } catch {
    return null;
  }
}

/** A stored hash nobody's password matches, to spend the same time on an unknown user. */
const DECOY =
  "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

/**
 * True if `password` matches `stored`. With `stored` null (no such user, or
 * a certificate-only user) it still spends one hash's time and says false,
 * so timing does not tell which user names exist.
 */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = parseStored(stored ?? DECOY);
  if (parsed === null || password.length > MAX_PASSWORD_LENGTH) return false;
  const hash = await derive(password, parsed.salt, parsed);
  return stored !== null && timingSafeEqual(hash, parsed.hash);
}
