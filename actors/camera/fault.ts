/**
 * Why a camera's source is offline, in words its user can act on: "connection
 * refused by 127.0.0.1:8554", "401 Unauthorized (check the URL's user and
 * password)", "no such device /dev/video2". Pure: the camera actor hands
 * these functions what GStreamer or the network said, and shows the result
 * as the source's state (see actors/supervisor/link.ts).
 *
 * @module
 */
import type { SourceKind } from "./source.ts";

/**
 * A fault outside eyrie that keeps a source from delivering frames. The
 * camera actor does not crash on it: the source goes offline with
 * `message` as its cause and is tried again later.
 */
export class SourceFault extends Error {
  override name = "SourceFault";
}

/** What a GStreamer error carries that matters here (a GstError, without ffi/). */
export interface GstFault {
  message: string;
  /** The element that posted it ("" when unknown). */
  element: string;
  domain: string;
  code: number;
  debug: string;
}

/** GstResourceError codes (gst/gsterror.h). */
const RESOURCE = "gst-resource-error-quark";
const NOT_FOUND = 3;
const BUSY = 4;
const OPEN_READ = 5;
const OPEN_READ_WRITE = 7;
const NOT_AUTHORIZED = 15;

/** Longest detail line taken from GStreamer's debug text. */
const MAX_DETAIL_CHARS = 160;

/**
 * `text` with the password of every URL in it replaced, for logs and the
 * API: rtsp://alice:***@cam/stream.
 */
export function redactUrl(text: string): string {
  // Up to the last "@" before the path: a password may hold an unescaped "@".
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^/@:\s"]*):[^/\s"]*@/gi, "$1:***@");
}

/** The source as a user reads it in a cause or a log line (never a password). */
export function describeSource(src: SourceKind): string {
  switch (src.kind) {
    case "test":
      return `test pattern ${src.pattern}`;
    case "libcamera":
      return "libcamera";
    case "v4l2":
      return src.device;
    case "file":
      return src.path;
    case "rtsp":
      return redactUrl(src.url);
    case "screen": {
      const r = src.region;
      const where = r === null ? "" : ` +${r.x},${r.y},${r.width}x${r.height}`;
      return `screen ${src.display === "" ? "$DISPLAY" : src.display}${where}`;
    }
  }
}

/** host:port of an rtsp:// or rtsps:// URL, with the scheme's default port. */
export function rtspAddress(url: string): { hostname: string; port: number } {
  const u = new URL(url);
  const port = u.port === "" ? (u.protocol === "rtsps:" ? 322 : 554) : Number(u.port);
  // URL keeps IPv6 literals in brackets; connect() wants them bare.
  return { hostname: u.hostname.replace(/^\[(.*)\]$/, "$1"), port };
}

/** The path of an rtsp:// URL, for "stream not found" (no credentials, no query). */
function rtspPath(url: string): string {
  try {
    return new URL(url).pathname || "/";
  } catch {
    return "/";
  }
}

/**
 * The cause for an error a connect() to `hostname:port` failed with.
 * `code` is the errno name Deno gives (`ECONNREFUSED`, …) or undefined.
 */
export function connectCause(
  hostname: string,
  port: number,
  error: { name: string; message: string; code?: string },
): string {
  const at = `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
  switch (error.code ?? error.name) {
    case "ECONNREFUSED":
    case "ConnectionRefused":
      return `connection refused by ${at}`;
    case "EHOSTUNREACH":
      return `no route to host ${hostname}`;
    case "ENETUNREACH":
      return `network unreachable for ${hostname}`;
    case "ETIMEDOUT":
    case "TimedOut":
      return `no answer from ${at} (timed out)`;
    case "ECONNRESET":
    case "ConnectionReset":
      return `connection reset by ${at}`;
    case "EACCES":
    case "PermissionDenied":
      return `connecting to ${at} is not permitted (a firewall or --allow-net)`;
  }
  if (/lookup address|name or service not known|no address associated/i.test(error.message)) {
    return `host name ${hostname} does not resolve`;
  }
  return `cannot connect to ${at}: ${error.message}`;
}

/** The last line of GStreamer's debug text: the element's own words ("Not Found (404)"). */
function detail(debug: string): string {
  const lines = debug.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const last = lines.at(-1) ?? "";
  // The first line is a source location ("../gst/…(123): fn (): /GstPipeline:…"), not news.
  if (lines.length < 2 || /^\.\.\/|^\/Gst/.test(last)) return "";
  return last.length > MAX_DETAIL_CHARS ? `${last.slice(0, MAX_DETAIL_CHARS)}…` : last;
}

/** The cause for an error GStreamer reported while opening or running `src`. */
export function gstCause(src: SourceKind, e: GstFault): string {
  const resource = e.domain === RESOURCE;
  const more = detail(e.debug);
  switch (src.kind) {
    case "rtsp":
      if (resource && e.code === NOT_AUTHORIZED) {
        return "401 Unauthorized (check the URL's user and password)";
      }
      if (resource && e.code === NOT_FOUND) {
        return `stream not found at ${rtspPath(src.url)} (${more || "404"})`;
      }
      if (resource && (e.code === OPEN_READ_WRITE || e.code === OPEN_READ)) {
        return `cannot open the stream: ${more || e.message}`;
      }
      break;
    case "v4l2":
      if (resource && e.code === NOT_FOUND) return `no such device ${src.device}`;
      if (resource && e.code === BUSY) return `device ${src.device} is busy`;
      break;
    case "file":
      if (resource && e.code === NOT_FOUND) return `file not found: ${src.path}`;
      break;
    case "libcamera":
      if (resource && e.code === NOT_FOUND) return "no camera found by libcamera";
      break;
    case "test":
    case "screen":
      break;
  }
  const text = more !== "" && !e.message.includes(more) ? `${e.message} (${more})` : e.message;
  return e.element === "" ? text : `${e.element}: ${text}`;
}
