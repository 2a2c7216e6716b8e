/**
 * The ONVIF backchannel in a camera's SDP (ONVIF Streaming Specification
 * 5.3): a DESCRIBE with `Require: www.onvif.org/ver20/backchannel` is
 * answered with one more audio media marked `a=sendonly` (the camera's
 * words for "the client sends here"), whose RTP the client sends on that
 * stream after SETUP and PLAY. Pure: SDP text in, the media out.
 *
 * ```
 * m=audio 0 RTP/AVP 0
 * a=rtpmap:0 PCMU/8000
 * a=control:stream=2          relative to Content-Base (or the request URL)
 * a=sendonly
 * ```
 *
 * @module
 */

/** The ONVIF option tag a client requires to be offered the backchannel. */
export const BACKCHANNEL_REQUIRE = "www.onvif.org/ver20/backchannel";

/** Lines of an SDP read. Reason: a camera's SDP has under 100; more is not a camera's. */
export const MAX_SDP_LINES = 1000;

/** The backchannel media a camera offers. */
export interface Backchannel {
  /** The absolute URL to SETUP. */
  control: string;
  /**
   * Every media's control URL, in the SDP's order, the backchannel's
   * included: a camera may need them all set up (gst-rtsp-server's ONVIF
   * media stops when a stream it serves has no client, as rtspsrc's
   * ONVIF mode sets up every one).
   */
  streams: string[];
  /** The backchannel's index in `streams`. */
  index: number;
  payloadType: number;
  /** The rtpmap's encoding name, upper case ("PCMU", "PCMA", "OPUS", "MPEG4-GENERIC"). */
  encoding: string;
  clockRate: number;
  channels: number;
  /** The payload type's a=fmtp parameters as written, or "". */
  fmtp: string;
}

/** Static payload types a camera may name without an rtpmap (RFC 3551 6). */
const STATIC: Record<number, [string, number]> = { 0: ["PCMU", 8000], 8: ["PCMA", 8000] };

/** Resolves `control` against `base` (RFC 2326 C.1.1: relative to Content-Base). */
function resolve(control: string, base: string): string {
  if (/^rtsps?:\/\//i.test(control)) return control;
  if (control === "*" || control === "") return base;
  return base.endsWith("/") ? base + control : `${base}/${control}`;
}

/**
 * The backchannel in `sdp`, or null when the camera offers none. `base`
 * is the response's Content-Base (else Content-Location, else the URL
 * described). Throws SyntaxError quoting what a backchannel media lacks.
 */
export function findBackchannel(sdp: string, base: string): Backchannel | null {
  const lines = sdp.split(/\r?\n/);
  if (lines.length > MAX_SDP_LINES) {
    throw new SyntaxError(`The SDP has more than ${MAX_SDP_LINES} lines`);
  }
  let sessionControl = base;
  const media: string[][] = [];
  for (const line of lines) {
    if (line.startsWith("m=")) media.push([line]);
    else if (media.length > 0) media[media.length - 1].push(line);
    else if (line.startsWith("a=control:")) sessionControl = resolve(line.slice(10).trim(), base);
  }
  const controls = media.map((m) => {
    const c = m.find((l) => l.startsWith("a=control:"))?.slice(10).trim();
    return c === undefined ? null : resolve(c, sessionControl === "*" ? base : sessionControl);
  });
  for (const [index, m] of media.entries()) {
    const mline = /^m=audio \d+(?:\/\d+)? [A-Z/]+ (\d+)/.exec(m[0]);
    if (mline === null || !m.includes("a=sendonly")) continue;
    const pt = Number(mline[1]);
    const control = controls[index];
    if (control === null) {
      throw new SyntaxError(`The backchannel media ${JSON.stringify(m[0])} has no a=control`);
    }
    const map = m.map((l) => new RegExp(`^a=rtpmap:${pt} ([^/\\s]+)/(\\d+)(?:/(\\d+))?`).exec(l))
      .find((x) => x !== null);
    const known = STATIC[pt];
    if (map === undefined && known === undefined) {
      throw new SyntaxError(`The backchannel's payload type ${pt} has no a=rtpmap`);
    }
    const fmtp = m.find((l) => l.startsWith(`a=fmtp:${pt} `))?.slice(`a=fmtp:${pt} `.length) ?? "";
    return {
      control,
      streams: controls.filter((c): c is string => c !== null),
      index: controls.slice(0, index).filter((c) => c !== null).length,
      payloadType: pt,
      encoding: map ? map[1].toUpperCase() : known[0],
      clockRate: map ? Number(map[2]) : known[1],
      channels: map?.[3] === undefined ? 1 : Number(map[3]),
      fmtp: fmtp.trim(),
    };
  }
  return null;
}
