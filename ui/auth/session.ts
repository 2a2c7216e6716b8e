/**
 * Sessions: an HS256 JWT (hono/jwt) in an HttpOnly, SameSite=Strict
 * cookie, carrying the user name, the user's session generation (bumped by
 * `eyrie user passwd`, logout, removal: every older token stops working)
 * and an expiry. The HMAC key is made once per installation and kept in
 * `auth_secret`.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { sign, verify } from "hono/jwt";

/** The cookie's name. */
export const SESSION_COOKIE = "eyrie_session";
/** How long a session lasts after login. */
export const SESSION_TTL_S = 12 * 60 * 60;
/** Longest cookie value read. Reason: eyrie's tokens are ~200 bytes; anything longer is not one. */
const MAX_TOKEN_LENGTH = 2048;
const KEY_BYTES = 32;

/** What a valid token says. */
export interface SessionClaims {
  name: string;
  generation: number;
  expiresS: number;
}

/** The installation's session key, made on first use. */
export function sessionKey(db: DatabaseSync): string {
  const read = () => db.prepare("SELECT key FROM auth_secret WHERE id = 1").get()?.key;
  const existing = read();
  if (typeof existing === "string") return existing;
  const key = Array.from(
    crypto.getRandomValues(new Uint8Array(KEY_BYTES)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  db.prepare("INSERT OR IGNORE INTO auth_secret (id, key) VALUES (1, ?)").run(key);
  return String(read());
}

/**
 * The HMAC key for {@linkcode issueSession} and {@linkcode readSession},
 * imported once: hono/jwt would import a string key on every call (about
 * half of a session check's time).
 */
export function sessionCryptoKey(key: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

/** A signed token for a user's new session. */
export function issueSession(
  key: string | CryptoKey,
  user: { name: string; generation: number },
  nowMs = Date.now(),
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return sign(
    { sub: user.name, gen: user.generation, iat, exp: iat + SESSION_TTL_S },
    key,
    "HS256",
  );
}

/** The claims of a token this installation signed and that has not expired, else null. */
export async function readSession(
  key: string | CryptoKey,
  token: string,
): Promise<SessionClaims | null> {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  try {
    const claims = await verify(token, key, "HS256");
    if (typeof claims.sub !== "string" || typeof claims.gen !== "number") return null;
    if (typeof claims.exp !== "number") return null;
    return { name: claims.sub, generation: claims.gen, expiresS: claims.exp };
  } catch {
    return null;
  }
}
