/**
 * RTSP authentication headers (RFC 2326 refers to HTTP's, RFC 2617; RFC
 * 7826 to RFC 7616): Digest with MD5, the one every RTSP client speaks
 * (ffmpeg, GStreamer, live555/VLC, libcurl), with or without qop=auth; and
 * Basic, for connections that are encrypted. Pure: parse, compute, format.
 *
 * ```
 * HA1      = MD5(username ":" realm ":" password)        stored, never the password
 * HA2      = MD5(method ":" digest-uri)
 * response = MD5(HA1 ":" nonce ":" HA2)                  RFC 2069, no qop
 *          = MD5(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)   qop=auth
 * ```
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Parameters read from one Authorization header. Reason: Digest has at most ten. */
export const MAX_AUTH_PARAMS = 16;
/** A parameter value. Reason: the longest, `uri`, is bounded by the request target's limit. */
export const MAX_AUTH_VALUE = 2048;

/** What a client's Digest header says. */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string | null;
  qop: string | null;
  nc: string | null;
  cnonce: string | null;
}

export type Authorization =
  | { scheme: "digest"; credentials: DigestCredentials }
  | { scheme: "basic"; username: string; password: string };

/** `MD5(text)` in lower-case hex. */
export function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** The stored secret of a user for `realm`: MD5(username:realm:password). */
export function digestHa1(username: string, realm: string, password: string): string {
  return md5Hex(`${username}:${realm}:${password}`);
}

/** The response a client with `ha1` must send for `method` (RFC 2617 3.2.2.1). */
export function digestResponse(ha1: string, method: string, c: DigestCredentials): string {
  const ha2 = md5Hex(`${method}:${c.uri}`);
  if (c.qop === null) return md5Hex(`${ha1}:${c.nonce}:${ha2}`);
  return md5Hex(`${ha1}:${c.nonce}:${c.nc ?? ""}:${c.cnonce ?? ""}:${c.qop}:${ha2}`);
}

/** The WWW-Authenticate value that asks for Digest. */
export function digestChallenge(realm: string, nonce: string, stale = false): string {
  return `Digest realm="${realm}", nonce="${nonce}", algorithm=MD5${stale ? ", stale=TRUE" : ""}`;
}

/** The WWW-Authenticate value that asks for Basic. */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm}"`;
}

/** `key=value, key="quoted \" value", …` into a map (lower-case keys), or null. */
export function readParams(text: string): Map<string, string> | null {
  const params = new Map<string, string>();
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === " " || text[i] === "," || text[i] === "\t")) i++;
    if (i >= n) break;
    const eq = text.indexOf("=", i);
    if (eq < 0) return null;
    const key = text.slice(i, eq).trim().toLowerCase();
    if (!/^[a-z0-9_-]+$/.test(key)) return null;
    i = eq + 1;
    let value = "";
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const ch = text[i++];
        if (ch === "\\" && i < n) value += text[i++];
        else if (ch === '"') {
          closed = true;
          break;
        } else value += ch;
        if (value.length > MAX_AUTH_VALUE) return null;
      }
      if (!closed) return null;
    } else {
      const end = text.indexOf(",", i);
      value = text.slice(i, end < 0 ? n : end).trim();
      i = end < 0 ? n : end;
    }
    if (value.length > MAX_AUTH_VALUE || params.has(key)) return null;
    params.set(key, value);
    if (params.size > MAX_AUTH_PARAMS) return null;
  }
  return params;
}

/** Reads an Authorization header; null when it is neither a whole Digest nor Basic one. */
export function parseAuthorization(value: string | undefined): Authorization | null {
  if (value === undefined) return null;
  const m = /^\s*([A-Za-z]+)\s+(.*)$/s.exec(value);
  if (m === null) return null;
  const scheme = m[1].toLowerCase();
  if (scheme === "basic") {
    let decoded: string;
    try {
      const bytes = Uint8Array.from(atob(m[2].trim()), (ch) => ch.charCodeAt(0));
      decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return null;
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) return null;
    return {
      scheme: "basic",
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
    };
  }
  if (scheme !== "digest") return null;
  const p = readParams(m[2]);
  if (p === null) return null;
  const need = ["username", "realm", "nonce", "uri", "response"] as const;
  if (need.some((k) => p.get(k) === undefined)) return null;
  const qop = p.get("qop") ?? null;
  if (qop !== null && (p.get("nc") === undefined || p.get("cnonce") === undefined)) return null;
  return {
    scheme: "digest",
    credentials: {
      username: p.get("username")!,
      realm: p.get("realm")!,
      nonce: p.get("nonce")!,
      uri: p.get("uri")!,
      response: p.get("response")!.toLowerCase(),
      algorithm: p.get("algorithm") ?? null,
      qop,
      nc: p.get("nc") ?? null,
      cnonce: p.get("cnonce") ?? null,
    },
  };
}
