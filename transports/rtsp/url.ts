/**
 * Request targets (RFC 2326 3.2): `rtsp://host[:port]/path` or `*`. eyrie
 * only needs the path, as segments: the camera id, then an optional
 * control (`trackID=0`). The host is not checked: clients name the server
 * however they reached it.
 *
 * @module
 */

/** Path segments read. Reason: eyrie's paths have two (camera, track); more is not a stream. */
export const MAX_PATH_SEGMENTS = 8;

/** What a request names. */
export type RtspTarget =
  /** `*`: the server itself (OPTIONS). */
  | { kind: "server" }
  /** A path, in decoded segments without empty ones ("rtsp://h/front/" is ["front"]). */
  | { kind: "path"; segments: string[] };

/** The target of `uri`, or null when it is not an rtsp:// URL, a path or `*`. */
export function parseTarget(uri: string): RtspTarget | null {
  if (uri === "*") return { kind: "server" };
  let path: string;
  const m = /^rtsps?:\/\/[^/?#\s]*(.*)$/i.exec(uri);
  if (m !== null) path = m[1];
  else if (uri.startsWith("/")) path = uri;
  else return null;
  const end = path.search(/[?#]/);
  if (end >= 0) path = path.slice(0, end);
  const raw = path.split("/").filter((s) => s !== "");
  if (raw.length > MAX_PATH_SEGMENTS) return null;
  const segments: string[] = [];
  for (const s of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(s);
    } catch {
      return null;
    }
    if (decoded === "." || decoded === ".." || decoded.includes("/")) return null;
    segments.push(decoded);
  }
  return { kind: "path", segments };
}
