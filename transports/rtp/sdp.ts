import { isIPv4, isIPv6 } from "node:net";
import { parseSps } from "./h264/sps.ts";
import { JPEG_PAYLOAD_TYPE } from "./jpeg/packetize.ts";
import { OPUS_PAYLOAD_TYPE } from "./opus/packetize.ts";

/** Options of {@linkcode buildSdp}. */
export interface SdpOptions {
  codec: "jpeg" | "h264";
  /** Where the RTP goes: the receiver's address (unicast) or the group (multicast). */
  address: string;
  /** The destination RTP port; RTCP is on port + 1 (RFC 3550 11). */
  port: number;
  /** Default 26 for JPEG (static, RFC 3551) and 96 for H.264 (dynamic). */
  payloadType?: number;
  /** Multicast time to live (IPv4 only). Default 16. */
  ttl?: number;
  /** s= line. Default "eyrie". */
  sessionName?: string;
  /** o= session id; a number that changes per session (for example the start time). Default 0. */
  sessionId?: number;
  /** The sender's address for o=. Default 127.0.0.1 (or ::1 for an IPv6 destination). */
  origin?: string;
  /** H.264 only: the SPS and PPS NAL units (header byte first) for sprop-parameter-sets. */
  sps?: Uint8Array;
  pps?: Uint8Array;
  /** a=framerate, informational. */
  framerate?: number;
  /**
   * For an RTSP DESCRIBE (RFC 2326 C.1): the media's `a=control` (relative
   * to the Content-Base). The port may then be 0 (the transport comes with
   * SETUP) and no direction attribute is written, as RTSP servers do.
   */
  control?: string;
  /**
   * A second media section for the camera's sound, Opus (RFC 7587): on `port` (an SDP file), or
   * with its own `control` (RTSP; port 0).
   */
  audio?: { port: number; control?: string };
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Whether an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) address is a multicast group. */
export function isMulticastAddress(address: string): boolean {
  if (isIPv4(address)) {
    const first = Number(address.split(".")[0]);
    return first >= 224 && first <= 239;
  }
  return address.toLowerCase().startsWith("ff");
}

function checkText(name: string, v: string): void {
  if (/[\r\n]/.test(v) || v.length === 0) {
    throw new TypeError(`SDP ${name} must be one non-empty line, got ${JSON.stringify(v)}`);
  }
}

/**
 * An SDP session description (RFC 4566, RTP/AVP of RFC 3551) for one video
 * stream sent over RTP/UDP, for receivers that take an SDP file: ffplay,
 * ffprobe, VLC, GStreamer's sdpdemux. H.264 gets packetization-mode=1,
 * profile-level-id and sprop-parameter-sets from the SPS and PPS.
 */
export function buildSdp(options: SdpOptions): string {
  const { codec, address, port } = options;
  const ip6 = isIPv6(address);
  if (!isIPv4(address) && !ip6) {
    throw new TypeError(`SDP address must be an IPv4 or IPv6 address, got "${address}"`);
  }
  const rtsp = options.control !== undefined;
  if (!Number.isInteger(port) || port < (rtsp ? 0 : 1) || port > 65535) {
    throw new RangeError(`SDP port must be ${rtsp ? 0 : 1} to 65535, got ${port}`);
  }
  const pt = options.payloadType ?? (codec === "jpeg" ? JPEG_PAYLOAD_TYPE : 96);
  if (!Number.isInteger(pt) || pt < 0 || pt > 127) {
    throw new RangeError(`SDP payload type must be 0 to 127, got ${pt}`);
  }
  const ttl = options.ttl ?? 16;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 255) {
    throw new RangeError(`Multicast TTL must be 1 to 255, got ${ttl}`);
  }
  const name = options.sessionName ?? "eyrie";
  checkText("session name", name);
  const sessionId = options.sessionId ?? 0;
  if (!Number.isSafeInteger(sessionId) || sessionId < 0) {
    throw new RangeError(`SDP session id must be a non-negative integer, got ${sessionId}`);
  }
  const origin = options.origin ?? (ip6 ? "::1" : "127.0.0.1");
  if (!isIPv4(origin) && !isIPv6(origin)) {
    throw new TypeError(`SDP origin must be an IPv4 or IPv6 address, got "${origin}"`);
  }
  const family = ip6 ? "IP6" : "IP4";
  // RFC 4566 5.7: IPv4 multicast needs /ttl; IPv6 has no TTL field.
  const connection = isMulticastAddress(address) && !ip6 ? `${address}/${ttl}` : address;
  const lines = [
    "v=0",
    `o=- ${sessionId} ${sessionId} IN ${isIPv6(origin) ? "IP6" : "IP4"} ${origin}`,
    `s=${name}`,
    `c=IN ${family} ${connection}`,
    "t=0 0",
    `m=video ${port} RTP/AVP ${pt}`,
  ];
  if (codec === "jpeg") {
    lines.push(`a=rtpmap:${pt} JPEG/90000`);
  } else if (codec === "h264") {
    lines.push(`a=rtpmap:${pt} H264/90000`);
    const fmtp = ["packetization-mode=1"];
    if (options.sps !== undefined) {
      fmtp.push(`profile-level-id=${parseSps(options.sps).profileLevelId}`);
      if (options.pps === undefined) throw new TypeError("sprop-parameter-sets needs the PPS too");
      fmtp.push(`sprop-parameter-sets=${base64(options.sps)},${base64(options.pps)}`);
    }
    lines.push(`a=fmtp:${pt} ${fmtp.join(";")}`);
  } else {
    throw new TypeError(`SDP codec must be "jpeg" or "h264", got "${codec}"`);
  }
  if (options.framerate !== undefined) {
    if (!(options.framerate > 0 && options.framerate <= 1000)) {
      throw new RangeError(`SDP framerate must be > 0 and <= 1000, got ${options.framerate}`);
    }
    lines.push(`a=framerate:${options.framerate}`);
  }
  if (rtsp) {
    checkText("control", options.control!);
    lines.push(`a=control:${options.control}`);
  } else lines.push("a=recvonly");
  const audio = options.audio;
  if (audio !== undefined) {
    if (!Number.isInteger(audio.port) || audio.port < (rtsp ? 0 : 1) || audio.port > 65535) {
      throw new RangeError(`SDP audio port must be ${rtsp ? 0 : 1} to 65535, got ${audio.port}`);
    }
    // RFC 7587 §7: always opus/48000/2; sprop-stereo=0 says eyrie sends one channel.
    lines.push(
      `m=audio ${audio.port} RTP/AVP ${OPUS_PAYLOAD_TYPE}`,
      `a=rtpmap:${OPUS_PAYLOAD_TYPE} opus/48000/2`,
      `a=fmtp:${OPUS_PAYLOAD_TYPE} sprop-stereo=0`,
    );
    if (rtsp) {
      checkText("audio control", audio.control ?? "");
      lines.push(`a=control:${audio.control}`);
    } else lines.push("a=recvonly");
  }
  return lines.join("\r\n") + "\r\n";
}
