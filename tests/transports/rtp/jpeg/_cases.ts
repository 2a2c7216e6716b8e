// The one table of JPEG cases: it drives packetize, depacketize and the
// fuzz seeds. Expected packets are written from RFC 2435's layout: offsets
// and sizes follow from the MTU arithmetic stated in each case.

import { buildJpeg } from "./_build.ts";

export interface ExpectedPacket {
  /** Fragment offset, the main header's 24-bit field. */
  offset: number;
  /** Scan bytes in this packet. */
  bytes: number;
  /** Quantization table header and tables present (first packet, Q ≥ 128). */
  tables: boolean;
  marker: boolean;
}

export interface JpegCase {
  name: string;
  jpeg: Uint8Array;
  mtu: number;
  q?: number;
  /** Main header fields every packet carries. */
  type: number;
  width8: number;
  height8: number;
  restartInterval: number;
  /** The luma and chroma tables the packets must carry (zigzag order). */
  luma: number[];
  chroma: number[];
  packets: ExpectedPacket[];
}

const LUMA = Array.from({ length: 64 }, (_, i) => 2 + (i >> 2));
const CHROMA = Array.from({ length: 64 }, (_, i) => 3 + (i >> 1));
// libjpeg's quality-50 tables are the JPEG spec's tables (scale 100), zigzag order.
// deno-fmt-ignore
const Q50_LUMA = [
  16,
  11,
  12,
  14,
  12,
  10,
  16,
  14,
  13,
  14,
  18,
  17,
  16,
  19,
  24,
  40,
  26,
  24,
  22,
  22,
  24,
  49,
  35,
  37,
  29,
  40,
  58,
  51,
  61,
  60,
  57,
  51,
  56,
  55,
  64,
  72,
  92,
  78,
  64,
  68,
  87,
  69,
  55,
  56,
  80,
  109,
  81,
  87,
  95,
  98,
  103,
  104,
  103,
  62,
  77,
  113,
  121,
  112,
  100,
  120,
  92,
  101,
  103,
  99,
];
// deno-fmt-ignore
const Q50_CHROMA = [
  17,
  18,
  18,
  24,
  21,
  24,
  47,
  26,
  26,
  47,
  99,
  66,
  56,
  66,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
  99,
];

/** Offset of the scan data: after the SOS segment. Found here without the code under test. */
export function scanRange(jpeg: Uint8Array): [number, number] {
  let p = 2;
  while (!(jpeg[p] === 0xff && jpeg[p + 1] === 0xda)) p += 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3]);
  const start = p + 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3]);
  let end = jpeg.length - 2;
  while (!(jpeg[end] === 0xff && jpeg[end + 1] === 0xd9)) end--;
  return [start, end];
}

/**
 * Splits a scan of `total` bytes as RFC 2435 packets at `mtu`: each packet
 * holds mtu − 12 (RTP) − 8 (main header) − 4 (restart header, if any) bytes,
 * the first one 132 fewer when it carries the two 64-byte tables.
 */
function split(total: number, mtu: number, restart: boolean, tables: boolean): ExpectedPacket[] {
  const out: ExpectedPacket[] = [];
  for (let offset = 0; offset < total;) {
    const first = offset === 0;
    const room = mtu - 12 - 8 - (restart ? 4 : 0) - (first && tables ? 132 : 0);
    const bytes = Math.min(room, total - offset);
    out.push({ offset, bytes, tables: first && tables, marker: offset + bytes === total });
    offset += bytes;
  }
  return out;
}

function jpegCase(
  name: string,
  build: Parameters<typeof buildJpeg>[0],
  o: { mtu: number; q?: number; packetCount: number },
): JpegCase {
  const jpeg = buildJpeg(build);
  const [start, end] = scanRange(jpeg);
  const restart = (build.restartInterval ?? 0) > 0;
  const tables = (o.q ?? 255) >= 128;
  const packets = split(end - start, o.mtu, restart, tables);
  if (packets.length !== o.packetCount) {
    throw new Error(
      `Case "${name}" expects ${o.packetCount} packets, its scan makes ${packets.length}`,
    );
  }
  return {
    name,
    jpeg,
    mtu: o.mtu,
    q: o.q,
    type: (build.sampling === "422" ? 0 : 1) + (restart ? 64 : 0),
    width8: Math.ceil(build.width / 8),
    height8: Math.ceil(build.height / 8),
    restartInterval: build.restartInterval ?? 0,
    luma: Array.from(build.lumaTable ?? LUMA),
    chroma: Array.from(build.sharedTable ? build.lumaTable ?? LUMA : build.chromaTable ?? CHROMA),
    packets,
  };
}

export const JPEG_CASES: JpegCase[] = [
  jpegCase("a 16x16 4:2:0 frame fits one packet", { width: 16, height: 16, sampling: "420" }, {
    mtu: 1400,
    packetCount: 1,
  }),
  jpegCase(
    "a 4:2:2 frame is split at a small MTU",
    { width: 320, height: 48, sampling: "422", acPerBlock: 12, extras: true },
    { mtu: 300, packetCount: 6 },
  ),
  jpegCase(
    "a 5 KB 4:2:0 frame is split at the MTU",
    { width: 320, height: 240, sampling: "420", acPerBlock: 7 },
    { mtu: 1400, packetCount: 4 },
  ),
  jpegCase(
    "a DRI frame carries a restart header in every packet (type 65)",
    { width: 128, height: 64, sampling: "420", restartInterval: 4, acPerBlock: 20 },
    { mtu: 500, packetCount: 3 },
  ),
  jpegCase(
    "a 4:2:2 DRI frame is type 64",
    { width: 64, height: 32, sampling: "422", restartInterval: 2 },
    { mtu: 1400, packetCount: 1 },
  ),
  jpegCase(
    "Q 50 sends no tables when the JPEG has the RFC 2435 tables",
    {
      width: 160,
      height: 96,
      sampling: "420",
      lumaTable: Q50_LUMA,
      chromaTable: Q50_CHROMA,
      acPerBlock: 20,
    },
    { mtu: 600, q: 50, packetCount: 4 },
  ),
  jpegCase(
    "one shared DQT table is sent twice, for luma and chroma",
    { width: 48, height: 32, sampling: "420", sharedTable: true },
    { mtu: 1400, packetCount: 1 },
  ),
  jpegCase(
    "a JPEG without DHT uses the standard tables",
    { width: 32, height: 16, sampling: "420", dht: false },
    { mtu: 1400, packetCount: 1 },
  ),
  jpegCase(
    "a width that is not a multiple of 8 rounds up",
    { width: 20, height: 12, sampling: "420" },
    { mtu: 1400, packetCount: 1 },
  ),
  jpegCase(
    "2040 pixels is the widest frame",
    { width: 2040, height: 16, sampling: "420" },
    { mtu: 1400, packetCount: 1 },
  ),
  jpegCase(
    "zero bytes after EOI are not sent",
    { width: 32, height: 32, sampling: "420", trailing: 16 },
    { mtu: 1400, packetCount: 1 },
  ),
];

// --- JPEGs that must be rejected: malformed, truncated, or beyond RFC 2435.

/** Replaces `len` bytes at the first occurrence of marker FF `m`, plus `at`. */
function patch(jpeg: Uint8Array, m: number, at: number, bytes: number[]): Uint8Array {
  const out = jpeg.slice();
  let p = 2;
  while (out[p + 1] !== m) p += 2 + ((out[p + 2] << 8) | out[p + 3]);
  out.set(bytes, p + at);
  return out;
}

function without(jpeg: Uint8Array, m: number): Uint8Array {
  let p = 2;
  while (jpeg[p + 1] !== m) p += 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3]);
  const len = 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3]);
  return Uint8Array.from([...jpeg.subarray(0, p), ...jpeg.subarray(p + len)]);
}

export interface RejectCase {
  name: string;
  jpeg: Uint8Array;
  error: typeof SyntaxError | typeof RangeError;
  message: RegExp;
}

const base = buildJpeg({ width: 64, height: 32, sampling: "420", acPerBlock: 4 });

export const JPEG_REJECTS: RejectCase[] = [
  { name: "an empty buffer", jpeg: new Uint8Array(0), error: SyntaxError, message: /Not a JPEG/ },
  {
    name: "a PNG",
    jpeg: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10]),
    error: SyntaxError,
    message: /starts with 0x89 0x50/,
  },
  {
    name: "a progressive JPEG (SOF2)",
    jpeg: patch(base, 0xc0, 1, [0xc2]),
    error: RangeError,
    message: /SOF2 \(progressive\)/,
  },
  {
    name: "an extended sequential JPEG (SOF1)",
    jpeg: patch(base, 0xc0, 1, [0xc1]),
    error: RangeError,
    message: /SOF1/,
  },
  {
    name: "a 4:4:4 JPEG",
    jpeg: buildJpeg({ width: 32, height: 32, sampling: "444" }),
    error: RangeError,
    message: /4:2:2 or 4:2:0 sampling, got 0x11/,
  },
  {
    name: "a grayscale JPEG",
    jpeg: buildJpeg({ width: 32, height: 32, sampling: "gray" }),
    error: RangeError,
    message: /3-component.*got 1/,
  },
  {
    name: "a JPEG 2048 pixels wide",
    jpeg: buildJpeg({ width: 2048, height: 16, sampling: "420" }),
    error: RangeError,
    message: /2048x16 exceeds/,
  },
  {
    name: "a JPEG cut in its scan",
    jpeg: base.subarray(0, base.length - 40),
    error: SyntaxError,
    message: /no EOI/,
  },
  {
    name: "a JPEG cut in its headers",
    jpeg: base.subarray(0, 150),
    error: SyntaxError,
    message: /bad length|truncated/,
  },
  {
    name: "a segment length past the end",
    jpeg: patch(base, 0xdb, 2, [0xff, 0xf0]),
    error: SyntaxError,
    message: /bad length 65520/,
  },
  {
    name: "a 16-bit quantization table",
    jpeg: patch(base, 0xdb, 4, [0x10]),
    error: RangeError,
    message: /16-bit/,
  },
  {
    name: "optimized (non-standard) Huffman tables",
    jpeg: patch(base, 0xc4, 5 + 17, [0x05]),
    error: RangeError,
    message: /standard Huffman tables/,
  },
  {
    name: "an SOS whose length does not fit its components",
    jpeg: patch(base, 0xda, 4, [1]),
    error: SyntaxError,
    message: /SOS length 12 does not fit 1 components/,
  },
  {
    name: "a non-interleaved scan (Y alone first)",
    jpeg: Uint8Array.from([
      ...base.subarray(0, scanRange(base)[0] - 14),
      ...[0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 63, 0],
      ...base.subarray(scanRange(base)[0]),
    ]),
    error: RangeError,
    message: /one interleaved scan of 3 components, got 1/,
  },
  {
    name: "SOS before SOF0",
    jpeg: without(base, 0xc0),
    error: SyntaxError,
    message: /SOS before SOF0/,
  },
  {
    name: "an undefined quantization table",
    jpeg: patch(base, 0xc0, 12, [2]),
    error: SyntaxError,
    message: /tables 2 and 1 it does not define/,
  },
  {
    name: "EOI right after SOS",
    jpeg: Uint8Array.from([...base.subarray(0, scanRange(base)[0]), 0xff, 0xd9]),
    error: SyntaxError,
    message: /scan is empty/,
  },
];
