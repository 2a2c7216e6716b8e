// The one table of RTCP cases: packets with their exact wire bytes (from the
// layouts of RFC 3550 6.4–6.6, RFC 4585 6.3.1, RFC 5104 4.3.1 and the REMB
// draft). They drive serialize, parse and the fuzz seeds.

import type { RtcpPacket } from "../../../../transports/rtp/mod.ts";

export interface RtcpCase {
  name: string;
  packets: RtcpPacket[];
  bytes: number[];
}

const u32 = (v: number) => [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

const REPORT = {
  ssrc: 0x0a0b0c0d,
  fractionLost: 64,
  cumulativeLost: -2,
  extendedHighestSeq: 0x0001_0005,
  jitter: 123,
  lastSr: 0x12345678,
  delaySinceLastSr: 0x00010000,
};
const REPORT_BYTES = [
  ...u32(0x0a0b0c0d),
  64,
  0xff,
  0xff,
  0xfe, // −2 as signed 24-bit
  ...u32(0x0001_0005),
  ...u32(123),
  ...u32(0x12345678),
  ...u32(0x00010000),
];

export const RTCP_CASES: RtcpCase[] = [
  {
    name: "a sender report with one report block",
    packets: [{
      type: "sr",
      ssrc: 1,
      ntpSeconds: 0xe0000000,
      ntpFraction: 0x80000000,
      rtpTimestamp: 90_000,
      packetCount: 10,
      octetCount: 12_000,
      reports: [REPORT],
    }],
    bytes: [
      0x81,
      200,
      0,
      12, // V=2, RC=1, PT=SR, length 13 words − 1
      ...u32(1),
      ...u32(0xe0000000),
      ...u32(0x80000000),
      ...u32(90_000),
      ...u32(10),
      ...u32(12_000),
      ...REPORT_BYTES,
    ],
  },
  {
    name: "a receiver report with no blocks",
    packets: [{ type: "rr", ssrc: 0xfeedface, reports: [] }],
    bytes: [0x80, 201, 0, 1, ...u32(0xfeedface)],
  },
  {
    name: "an SDES CNAME, padded to a word with its END item",
    packets: [{ type: "sdes", chunks: [{ ssrc: 7, items: [{ type: 1, text: "eyrie@pi" }] }] }],
    // 4 SSRC + 2 item header + 8 text + 1 END = 15, padded to 16.
    bytes: [0x81, 202, 0, 4, ...u32(7), 1, 8, ...new TextEncoder().encode("eyrie@pi"), 0, 0],
  },
  {
    name: "a BYE with a reason",
    packets: [{ type: "bye", ssrcs: [5], reason: "bye" }],
    bytes: [0x81, 203, 0, 2, ...u32(5), 3, 0x62, 0x79, 0x65],
  },
  {
    name: "a PLI (PSFB FMT 1)",
    packets: [{ type: "pli", senderSsrc: 1, mediaSsrc: 2 }],
    bytes: [0x81, 206, 0, 2, ...u32(1), ...u32(2)],
  },
  {
    name: "a FIR (PSFB FMT 4) with one entry",
    packets: [{ type: "fir", senderSsrc: 1, entries: [{ ssrc: 2, seq: 9 }] }],
    bytes: [0x84, 206, 0, 4, ...u32(1), ...u32(0), ...u32(2), 9, 0, 0, 0],
  },
  {
    // 1,000,000 b/s = 250,000 × 2^2: exponent 2, mantissa 250000 (0x3D090).
    name: "a REMB of 1 Mb/s for one SSRC",
    packets: [{ type: "remb", senderSsrc: 1, bitrate: 1_000_000, ssrcs: [0xabc] }],
    bytes: [
      0x8f,
      206,
      0,
      5,
      ...u32(1),
      ...u32(0),
      0x52,
      0x45,
      0x4d,
      0x42,
      1,
      0x0b,
      0xd0,
      0x90,
      ...u32(0xabc),
    ],
  },
  {
    name: "a generic NACK for 100, 101 and 116",
    packets: [{ type: "nack", senderSsrc: 1, mediaSsrc: 2, lost: [100, 101, 116] }],
    // PID 100, BLP bit 0 (101) and bit 15 (116).
    bytes: [0x81, 205, 0, 3, ...u32(1), ...u32(2), 0, 100, 0x80, 0x01],
  },
  {
    name: "a compound SR + SDES + BYE, as a sender ends",
    packets: [
      {
        type: "sr",
        ssrc: 3,
        ntpSeconds: 1,
        ntpFraction: 2,
        rtpTimestamp: 3,
        packetCount: 4,
        octetCount: 5,
        reports: [],
      },
      { type: "sdes", chunks: [{ ssrc: 3, items: [{ type: 1, text: "ab" }] }] },
      { type: "bye", ssrcs: [3] },
    ],
    bytes: [
      0x80,
      200,
      0,
      6,
      ...u32(3),
      ...u32(1),
      ...u32(2),
      ...u32(3),
      ...u32(4),
      ...u32(5),
      0x81,
      202,
      0,
      3, // 12 bytes after the header: 3 words
      ...u32(3),
      1,
      2,
      0x61,
      0x62,
      0,
      0,
      0,
      0, // END, then padding to the word
      0x81,
      203,
      0,
      1,
      ...u32(3),
    ],
  },
  {
    name: "an APP packet kept whole as unknown",
    packets: [{
      type: "unknown",
      payloadType: 204,
      count: 3,
      body: Uint8Array.from([...u32(9), 0x61, 0x62, 0x63, 0x64]),
    }],
    bytes: [0x83, 204, 0, 2, ...u32(9), 0x61, 0x62, 0x63, 0x64],
  },
];

export const RTCP_REJECTS: { name: string; bytes: number[]; message: RegExp }[] = [
  { name: "fewer than 4 bytes", bytes: [0x80, 200], message: /at least 4 bytes/ },
  { name: "version 1", bytes: [0x40, 201, 0, 1, 0, 0, 0, 0], message: /version must be 2, got 1/ },
  {
    name: "a length past the datagram",
    bytes: [0x80, 201, 0, 9, 0, 0, 0, 0],
    message: /claims 40 bytes, 8 remain/,
  },
  {
    name: "a sender report cut short",
    bytes: [0x80, 200, 0, 1, 0, 0, 0, 0],
    message: /shorter than 28/,
  },
  {
    name: "report blocks past the packet",
    bytes: [0x82, 201, 0, 1, 0, 0, 0, 0],
    message: /report blocks \(2\)/,
  },
  {
    name: "an SDES item past the packet",
    bytes: [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 200, 0, 0],
    message: /item 1 overruns/,
  },
  {
    name: "an SDES chunk without END",
    bytes: [0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, 0x61, 0x62],
    message: /no END item/,
  },
  { name: "zero padding", bytes: [0xa0, 201, 0, 1, 0, 0, 0, 0], message: /padding of 0 bytes/ },
  {
    name: "padding that is not a multiple of four (RFC 3550 6.4.1)",
    bytes: [0xa0, 201, 0, 2, 0, 0, 0, 7, 0, 0, 0, 3],
    message: /padding of 3 bytes/,
  },
  {
    name: "a feedback packet without media SSRC",
    bytes: [0x81, 206, 0, 1, 0, 0, 0, 1],
    message: /too short/,
  },
  {
    name: "a REMB listing more SSRCs than it holds",
    bytes: [0x8f, 206, 0, 4, ...u32(1), ...u32(0), 0x52, 0x45, 0x4d, 0x42, 9, 0, 0, 1],
    message: /REMB lists 9 SSRCs/,
  },
  {
    name: "a trailing partial header",
    bytes: [0x80, 201, 0, 1, 0, 0, 0, 0, 0x80],
    message: /cut off/,
  },
];
