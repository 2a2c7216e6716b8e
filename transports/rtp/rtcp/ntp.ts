// NTP timestamps (RFC 3550 4): 32 bits of seconds since 1900-01-01 and 32
// bits of fraction. LSR/DLSR use the middle 32 bits (16.16 fixed point).

import type { ReceptionReport, SenderReport } from "./types.ts";

/** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;

/** An NTP timestamp as its two 32-bit halves. */
export interface NtpTime {
  seconds: number;
  fraction: number;
}

/** The NTP timestamp of a Unix time in ms (from `Date.now()`, passed in: this stays pure). */
export function ntpFromUnixMs(unixMs: number): NtpTime {
  const s = Math.floor(unixMs / 1000);
  const frac = Math.floor(((unixMs - s * 1000) / 1000) * 0x1_0000_0000);
  return { seconds: (s + NTP_UNIX_OFFSET_S) >>> 0, fraction: Math.min(frac, 0xffff_ffff) };
}

/** The Unix time in ms of an NTP timestamp (era 0, until 2036). */
export function unixMsFromNtp(ntp: NtpTime): number {
  return (ntp.seconds - NTP_UNIX_OFFSET_S) * 1000 + (ntp.fraction / 0x1_0000_0000) * 1000;
}

/** The middle 32 bits of an NTP timestamp: what LSR echoes. */
export function ntpMiddle(ntp: NtpTime): number {
  return (((ntp.seconds & 0xffff) << 16) | (ntp.fraction >>> 16)) >>> 0;
}

/**
 * The wall-clock time (Unix ms) of an RTP timestamp, from the pair a sender
 * report ties together: the RTP timestamp's distance from the SR's, as a
 * signed 32-bit difference so it works across wrap, divided by the rate.
 */
export function rtpToUnixMs(
  rtpTimestamp: number,
  sr: { ntpSeconds: number; ntpFraction: number; rtpTimestamp: number },
  options: { clockRate?: number } = {},
): number {
  const rate = options.clockRate ?? 90_000;
  const delta = (rtpTimestamp - sr.rtpTimestamp) | 0;
  return unixMsFromNtp({ seconds: sr.ntpSeconds, fraction: sr.ntpFraction }) +
    (delta / rate) * 1000;
}

/**
 * A sender report for "now": the wall-clock time (Unix ms, the caller's
 * `Date.now()`) and the RTP timestamp of the same instant (for a capture
 * clock, `clock.fromNs(monotonicNow)`), with what was sent so far.
 */
export function senderReport(options: {
  ssrc: number;
  unixMs: number;
  rtpTimestamp: number;
  packetCount: number;
  /** Payload octets, headers and padding excluded (RFC 3550 6.4.1). */
  octetCount: number;
  reports?: ReceptionReport[];
}): SenderReport {
  const ntp = ntpFromUnixMs(options.unixMs);
  return {
    type: "sr",
    ssrc: options.ssrc,
    ntpSeconds: ntp.seconds,
    ntpFraction: ntp.fraction,
    rtpTimestamp: options.rtpTimestamp >>> 0,
    // The counts wrap at 2^32 (RFC 3550 6.4.1).
    packetCount: options.packetCount % 0x1_0000_0000,
    octetCount: options.octetCount % 0x1_0000_0000,
    reports: options.reports ?? [],
  };
}
