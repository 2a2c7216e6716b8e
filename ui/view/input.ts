/**
 * Where `eyrie view` gets its video: a WHEP session (whep.ts) or RTP on a
 * UDP port (rtp.ts). Every input hands the viewer the same things: RTP
 * packets as they arrive and the sender's reports.
 *
 * @module
 */

/** What an input hands to the viewer. */
export interface StreamSink {
  /** One RTP packet (the bytes may be reused once this returns). */
  packet(bytes: Uint8Array, arrivalNs: number): void;
  /** A sender report: the sender's wall clock at an RTP timestamp. */
  senderReport(
    sr: { ssrc: number; ntpSeconds: number; ntpFraction: number; rtpTimestamp: number },
  ): void;
}

/** A running input. */
export interface StreamInput {
  /** What it receives, for the window title and the log ("WHEP http://…"). */
  what: string;
  /** Resolves with the reason when the sender ended the stream. */
  ended: Promise<string>;
  /** Asks the sender for a keyframe (a decoder that joined late or lost one). */
  requestKeyframe(): void;
  close(): Promise<void>;
}

/** What `eyrie view <url>` was pointed at. */
export type ViewTarget =
  | { kind: "whep"; url: URL }
  | { kind: "rtp"; host: string; port: number }
  /** Listen here for a [[camera.forward]] sender (mutual TLS, or QUIC with `transport = "quic"`). */
  | { kind: "tls" | "quic"; host: string; port: number };

/**
 * Reads the URL of `eyrie view`: `http(s)://…/api/cameras/<id>[/whep]` (WHEP),
 * `rtp://host:port` (RTP sent to this machine), or a `.sdp` file's text
 * (its `c=` address and `m=video` port). Throws a TypeError naming what is
 * wrong.
 */
export function parseViewTarget(arg: string, sdpText?: string): ViewTarget {
  if (sdpText !== undefined) return fromSdp(arg, sdpText);
  let url: URL;
  try {
    url = new URL(arg);
  } catch {
    throw new TypeError(
      `"${arg}" is not a URL: use http(s)://host:port/api/cameras/<id>, rtp://host:port, ` +
        "tls://host:port, quic://host:port or a .sdp file",
    );
  }
  if (url.protocol === "http:" || url.protocol === "https:") return { kind: "whep", url };
  if (url.protocol === "rtp:" || url.protocol === "tls:" || url.protocol === "quic:") {
    // URL drops a port of 0 ("tls://h:0" has port ""): a receiver may listen on any free port.
    const zero = url.port === "" && /:0\/?$/.test(arg);
    const port = zero ? 0 : Number(url.port);
    if ((url.port === "" && !zero) || (port === 0 && url.protocol === "rtp:") || port > 65535) {
      throw new TypeError(`"${arg}" needs a port: ${url.protocol}//host:port`);
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const kind = url.protocol === "rtp:" ? "rtp" : url.protocol === "tls:" ? "tls" : "quic";
    return { kind, host, port };
  }
  throw new TypeError(
    `Unsupported URL scheme "${url.protocol}" in "${arg}": use http(s)://, rtp://, tls://, quic:// or a .sdp file`,
  );
}

function fromSdp(name: string, sdp: string): ViewTarget {
  const lines = sdp.split(/\r?\n/);
  const media = lines.findIndex((l) => /^m=video \d+ RTP\/AVPF?\b/.test(l));
  if (media < 0) throw new TypeError(`${name} has no "m=video <port> RTP/AVP" line`);
  const port = Number(lines[media].split(" ")[1]);
  if (port < 1 || port > 65535) throw new TypeError(`${name}: video port ${port} is out of range`);
  // A c= line in the media section wins over the session's.
  const section = lines.slice(media + 1);
  const end = section.findIndex((l) => l.startsWith("m="));
  const c = [...(end < 0 ? section : section.slice(0, end)), ...lines.slice(0, media)]
    .find((l) => l.startsWith("c=IN IP"));
  const host = c === undefined ? "0.0.0.0" : c.split(" ")[2].split("/")[0];
  return { kind: "rtp", host, port };
}
