/**
 * RTCP (RFC 3550 section 6, RFC 4585, RFC 5104, REMB): {@linkcode parseRtcp}
 * reads compound packets with every length bounded, {@linkcode serializeRtcp}
 * writes them, {@linkcode ReceiverStats} computes a receiver's report block
 * (RFC 3550 A.1, A.3, A.8), and the NTP helpers map sender reports to wall
 * clock time.
 *
 * @module
 */
export * from "./types.ts";
export { keyframeRequested, MAX_RTCP_PACKETS, parseRtcp } from "./parse.ts";
export { serializeRtcp } from "./serialize.ts";
export { ReceiverStats } from "./receiver_stats.ts";
export {
  NTP_UNIX_OFFSET_S,
  ntpFromUnixMs,
  ntpMiddle,
  type NtpTime,
  rtpToUnixMs,
  senderReport,
  unixMsFromNtp,
} from "./ntp.ts";
