/**
 * A client's answer to a server's `WWW-Authenticate` (RFC 2617): Digest
 * with MD5 (qop=auth when offered), else Basic. Pure.
 *
 * @module
 */
import { digestHa1, digestResponse, md5Hex, readParams } from "../auth.ts";

/** Who the client is: the user and password of the camera's URL. */
export interface ClientCredentials {
  username: string;
  password: string;
}

/**
 * The Authorization header for `method` on `uri` answering `challenge`
 * (the header's value; several challenges joined by ", " are fine), or
 * null when it asks for neither Digest nor Basic. `cnonce` is injected so
 * tests are exact.
 */
export function authorizationFor(
  challenge: string,
  request: { method: string; uri: string; cnonce?: string },
  who: ClientCredentials,
): string | null {
  const digest = /Digest\s+(.*?)(?:,\s*Basic\s.*)?$/is.exec(challenge);
  if (digest !== null) {
    const p = readParams(digest[1]);
    const realm = p?.get("realm");
    const nonce = p?.get("nonce");
    if (p === null || realm === undefined || nonce === undefined) return null;
    const qop = (p.get("qop") ?? "").split(",").map((q) => q.trim()).includes("auth")
      ? "auth"
      : null;
    const cnonce = request.cnonce ?? md5Hex(crypto.randomUUID()).slice(0, 16);
    const creds = {
      username: who.username,
      realm,
      nonce,
      uri: request.uri,
      response: "",
      algorithm: "MD5",
      qop,
      nc: qop === null ? null : "00000001",
      cnonce: qop === null ? null : cnonce,
    };
    const response = digestResponse(
      digestHa1(who.username, realm, who.password),
      request.method,
      creds,
    );
    const q = (v: string) => `"${v.replace(/(["\\])/g, "\\$1")}"`;
    let out = `Digest username=${q(who.username)}, realm=${q(realm)}, nonce=${q(nonce)}, ` +
      `uri=${q(request.uri)}, response="${response}", algorithm=MD5`;
    const opaque = p.get("opaque");
    if (opaque !== undefined) out += `, opaque=${q(opaque)}`;
    if (qop !== null) out += `, qop=auth, nc=00000001, cnonce="${cnonce}"`;
    return out;
  }
  if (/^\s*Basic\b/i.test(challenge) || /,\s*Basic\b/i.test(challenge)) {
    const bytes = new TextEncoder().encode(`${who.username}:${who.password}`);
    return `Basic ${btoa(String.fromCharCode(...bytes))}`;
  }
  return null;
}
