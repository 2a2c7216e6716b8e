// The one table of H.264 cases: it drives packetize, depacketize and the
// fuzz seeds. Expected packets are spelled out per RFC 6184: which NAL units
// a STAP-A holds, which byte range of a NAL unit an FU-A fragment carries.

/** A NAL unit: header byte (F=0, NRI, type), then `size - 1` bytes that never form a start code. */
export function nal(type: number, size: number, nri = 3): Uint8Array {
  const out = new Uint8Array(size);
  out[0] = (nri << 5) | type;
  for (let i = 1; i < size; i++) out[i] = ((i * 7 + type) % 250) + 1;
  return out;
}

export type ExpectedPacket =
  | { single: number; marker: boolean }
  | { stap: number[]; marker: boolean }
  /** Bytes [from, to) of NAL `fu`, whose byte 0 (the header) is never sent. */
  | { fu: number; from: number; to: number; start: boolean; end: boolean; marker: boolean };

export interface H264Case {
  name: string;
  nals: Uint8Array[];
  /** Start code length before each NAL unit (default 4). */
  startCodes?: (3 | 4)[];
  /** Zero bytes after each NAL unit (trailing_zero_8bits). */
  trailingZeros?: number;
  mtu: number;
  packets: ExpectedPacket[];
  /** NAL units a receiver gets back (AUD and filler are not sent). */
  received: number[];
}

export function accessUnit(c: H264Case): Uint8Array {
  const parts: number[] = [];
  c.nals.forEach((n, i) => {
    if ((c.startCodes?.[i] ?? 4) === 4) parts.push(0);
    parts.push(0, 0, 1, ...n);
    for (let z = 0; z < (c.trailingZeros ?? 0); z++) parts.push(0);
  });
  return Uint8Array.from(parts);
}

const SPS = nal(7, 20);
const PPS = nal(8, 5);

export const H264_CASES: H264Case[] = [
  {
    name: "a P slice goes in a single NAL unit packet",
    nals: [nal(1, 500, 2)],
    mtu: 1200,
    packets: [{ single: 0, marker: true }],
    received: [0],
  },
  {
    name: "SPS, PPS and a small IDR share one STAP-A",
    nals: [SPS, PPS, nal(5, 300)],
    mtu: 1200,
    packets: [{ stap: [0, 1, 2], marker: true }],
    received: [0, 1, 2],
  },
  {
    // 2999 bytes after the header in fragments of 1200 − 12 − 2 = 1186.
    name: "SPS and PPS share a STAP-A, a large IDR goes in FU-A fragments",
    nals: [SPS, PPS, nal(5, 3000)],
    mtu: 1200,
    packets: [
      { stap: [0, 1], marker: false },
      { fu: 2, from: 1, to: 1187, start: true, end: false, marker: false },
      { fu: 2, from: 1187, to: 2373, start: false, end: false, marker: false },
      { fu: 2, from: 2373, to: 3000, start: false, end: true, marker: true },
    ],
    received: [0, 1, 2],
  },
  {
    name: "AUD and filler data are not sent",
    nals: [nal(9, 2), nal(1, 100, 2), nal(12, 50, 0)],
    mtu: 1200,
    packets: [{ single: 1, marker: true }],
    received: [1],
  },
  {
    name: "3- and 4-byte start codes and trailing zeros split alike",
    nals: [nal(6, 40, 0), nal(1, 100, 2)],
    startCodes: [3, 4],
    trailingZeros: 3,
    mtu: 1200,
    packets: [{ stap: [0, 1], marker: true }],
    received: [0, 1],
  },
  {
    name: "a NAL unit of exactly the payload room (MTU − 12) goes whole",
    nals: [nal(1, 1188, 2)],
    mtu: 1200,
    packets: [{ single: 0, marker: true }],
    received: [0],
  },
  {
    name: "one byte more goes in two FU-A fragments",
    nals: [nal(1, 1189, 2)],
    mtu: 1200,
    packets: [
      { fu: 0, from: 1, to: 1187, start: true, end: false, marker: false },
      { fu: 0, from: 1187, to: 1189, start: false, end: true, marker: true },
    ],
    received: [0],
  },
  {
    // 4999 bytes in fragments of 1400 − 14 = 1386.
    name: "a 5 KB IDR at the UDP MTU of 1400 makes four fragments",
    nals: [nal(5, 5000)],
    mtu: 1400,
    packets: [
      { fu: 0, from: 1, to: 1387, start: true, end: false, marker: false },
      { fu: 0, from: 1387, to: 2773, start: false, end: false, marker: false },
      { fu: 0, from: 2773, to: 4159, start: false, end: false, marker: false },
      { fu: 0, from: 4159, to: 5000, start: false, end: true, marker: true },
    ],
    received: [0],
  },
  {
    // 1 + (2 + 700) + (2 + 20) + (2 + 5) = 732 fits 1188; adding 2 + 700 does not.
    name: "units that overflow a STAP-A go in the next packet",
    nals: [nal(6, 700, 0), SPS, PPS, nal(1, 700, 2)],
    mtu: 1200,
    packets: [{ stap: [0, 1, 2], marker: false }, { single: 3, marker: true }],
    received: [0, 1, 2, 3],
  },
];

/** Byte layout of an expected packet's payload, from RFC 6184 5.6–5.8. */
export function expectedPayload(c: H264Case, e: ExpectedPacket): Uint8Array {
  if ("single" in e) return c.nals[e.single];
  if ("stap" in e) {
    const units = e.stap.map((i) => c.nals[i]);
    const f = units.reduce((a, n) => a | (n[0] & 0x80), 0);
    const nri = units.reduce((a, n) => Math.max(a, n[0] & 0x60), 0);
    return Uint8Array.from([
      f | nri | 24,
      ...units.flatMap((n) => [n.length >> 8, n.length & 0xff, ...n]),
    ]);
  }
  const n = c.nals[e.fu];
  const indicator = (n[0] & 0xe0) | 28;
  const header = (e.start ? 0x80 : 0) | (e.end ? 0x40 : 0) | (n[0] & 0x1f);
  return Uint8Array.from([indicator, header, ...n.subarray(e.from, e.to)]);
}
