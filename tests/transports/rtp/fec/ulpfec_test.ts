/**
 * RED + ULPFEC: what the sender writes (transports/rtp/fec) goes through a
 * receiver written for the tests from the RFCs (_decoder.ts), which rebuilds
 * any one lost media packet of a group, and any burst of up to as many as
 * there are FEC packets, byte for byte. Cases from a table, then fuzzed.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  fecCount,
  RED_HEADER_BYTES,
  redFromMedia,
  ULPFEC_MAX_MEDIA,
  UlpfecGroup,
  ulpfecHeaderBytes,
} from "../../../../transports/rtp/fec/mod.ts";
import { fuzz } from "../../../fuzz/_runs.ts";
import { recover, unwrapRed } from "./_decoder.ts";

const RED = 123;
const ULPFEC = 125;
const H264 = 102;
const SSRC = 0x11223344;

interface MediaSpec {
  /** Header extension words (0: none), CSRCs, payload bytes, marker, padding bit. */
  extWords: number;
  csrcs: number;
  payload: number;
  marker: boolean;
  padding: boolean;
  timestamp: number;
  fill: number;
}

function mediaPacket(seq: number, s: MediaSpec): Uint8Array {
  const head = 12 + 4 * s.csrcs + (s.extWords > 0 ? 4 + 4 * s.extWords : 0);
  const p = new Uint8Array(head + s.payload);
  p[0] = 0x80 | (s.padding ? 0x20 : 0) | (s.extWords > 0 ? 0x10 : 0) | s.csrcs;
  p[1] = (s.marker ? 0x80 : 0) | H264;
  p[2] = seq >> 8;
  p[3] = seq & 255;
  const v = new DataView(p.buffer);
  v.setUint32(4, s.timestamp >>> 0);
  v.setUint32(8, SSRC);
  for (let i = 12; i < p.length; i++) p[i] = (i * 31 + s.fill) & 255;
  if (s.extWords > 0) {
    const x = 12 + 4 * s.csrcs;
    p[x] = 0xbe;
    p[x + 1] = 0xde;
    p[x + 2] = 0;
    p[x + 3] = s.extWords;
  }
  return p;
}

/** One group sent as the viewer sends it: media as RED, then its FEC packets as RED. */
function send(firstSeq: number, specs: MediaSpec[], protection: number) {
  const group = new UlpfecGroup();
  const media: Uint8Array[] = [];
  const wire: Uint8Array[] = [];
  for (const [i, s] of specs.entries()) {
    const seq = (firstSeq + i) & 0xffff;
    const m = mediaPacket(seq, s);
    media.push(m);
    const head = 12 + 4 * s.csrcs + (s.extWords > 0 ? 4 + 4 * s.extWords : 0);
    const buf = new Uint8Array(m.length + RED_HEADER_BYTES);
    buf.set(m, 1);
    group.add(buf, 1, m.length);
    wire.push(buf.subarray(0, redFromMedia(buf, 0, head, m.length, RED)));
  }
  const n = fecCount(specs.length, protection);
  for (let j = 0; j < n; j++) {
    const seq = (firstSeq + specs.length + j) & 0xffff;
    const out = new Uint8Array(12 + 1 + ulpfecHeaderBytes(specs.length) + 1500);
    out[0] = 0x80;
    out[1] = RED;
    out[2] = seq >> 8;
    out[3] = seq & 255;
    new DataView(out.buffer).setUint32(8, SSRC);
    out[12] = ULPFEC;
    wire.push(out.subarray(0, 13 + group.writeFec(j, n, out, 13)));
  }
  return { media, wire, fec: n };
}

/** Receives `wire` without the packets at `lost` (indices); returns the media it ends with. */
function receive(wire: Uint8Array[], lost: Set<number>): Map<number, Uint8Array> {
  const got = new Map<number, Uint8Array>();
  const fecs = [];
  for (const [i, p] of wire.entries()) {
    if (lost.has(i)) continue;
    const u = unwrapRed(p, RED, ULPFEC);
    if (u.kind === "media") got.set(u.seq, u.packet);
    else fecs.push(u.fec);
  }
  for (let again = true; again;) {
    again = false;
    for (const f of fecs) {
      const r = recover(f, got, SSRC);
      if (r !== null) {
        got.set((r[2] << 8) | r[3], r);
        again = true;
      }
    }
  }
  return got;
}

function spec(payload: number, extra: Partial<MediaSpec> = {}): MediaSpec {
  return {
    extWords: 2,
    csrcs: 0,
    payload,
    marker: false,
    padding: false,
    timestamp: 90_000,
    fill: payload,
    ...extra,
  };
}

/** [name, first sequence number, packets, protection] */
const CASES: [string, number, MediaSpec[], number][] = [
  ["one packet, one FEC packet", 1000, [spec(700, { marker: true })], 0.25],
  ["a frame of 5 with a short last packet", 20, [
    ...[0, 1, 2, 3].map(() => spec(1180)),
    spec(90, { marker: true }),
  ], 0.25],
  ["16 packets across the wrap of the sequence number (short mask)", 65530, [
    ...Array.from({ length: 15 }, (_, i) => spec(200 + i * 60)),
    spec(33, { marker: true }),
  ], 0.5],
  [
    "48 packets (long mask), no extensions, CSRCs and padding",
    7,
    Array.from(
      { length: ULPFEC_MAX_MEDIA },
      (_, i) => spec(100 + i * 20, { extWords: 0, csrcs: i % 3, padding: i % 5 === 0 }),
    ),
    0.25,
  ],
  ["two timestamps in one group", 300, [
    spec(500),
    spec(501, { marker: true }),
    spec(502, { timestamp: 93_000 }),
    spec(503, { timestamp: 93_000, marker: true }),
  ], 1],
];

for (const [name, first, specs, protection] of CASES) {
  Deno.test(`ULPFEC rebuilds any one lost packet and any burst within the FEC count: ${name}`, () => {
    const { media, wire, fec } = send(first, specs, protection);
    assert.equal(wire.length, media.length + fec);
    for (let lost = 0; lost < media.length; lost++) {
      const got = receive(wire, new Set([lost]));
      assert.deepEqual(got.get((first + lost) & 0xffff), media[lost], `packet ${lost}`);
    }
    for (let start = 0; start + fec <= media.length; start++) {
      const burst = new Set(Array.from({ length: fec }, (_, i) => start + i));
      const got = receive(wire, burst);
      for (const i of burst) assert.deepEqual(got.get((first + i) & 0xffff), media[i]);
    }
  });
}

Deno.test("a media packet in RED is the packet with its payload type in the RED header", () => {
  const { media, wire } = send(5, [spec(40, { marker: true })], 1);
  const red = wire[0];
  assert.equal(red.length, media[0].length + 1);
  assert.equal(red[1], 0x80 | RED, "marker kept, PT = red");
  const head = 12 + 4 + 8;
  assert.equal(red[head], H264, "F = 0, block PT = the media's");
  assert.deepEqual(red.subarray(head + 1), media[0].subarray(head));
  assert.deepEqual(red.subarray(2, head), media[0].subarray(2, head));
});

Deno.test("fecCount() and the group refuse what they cannot do, naming it", () => {
  assert.equal(fecCount(5, 0.25), 1);
  assert.equal(fecCount(6, 0.25), 2);
  assert.equal(fecCount(1, 0.25), 1);
  assert.equal(fecCount(48, 1), 48);
  assert.throws(() => fecCount(4, 0), /A protection of 0; it must be in \(0, 1\]/);
  const g = new UlpfecGroup();
  const p = mediaPacket(10, spec(10));
  g.add(p, 0, p.length);
  const skip = mediaPacket(12, spec(10));
  assert.throws(() => g.add(skip, 0, skip.length), /Sequence number 12 does not follow 10/);
  assert.throws(() => g.writeFec(1, 1, new Uint8Array(100), 0), /FEC packet 1 of 1 for 1/);
  assert.throws(() => g.add(new Uint8Array(1600), 0, 1600), /A 1600-byte packet/);
});

Deno.test("fuzz: any one lost packet of any group is rebuilt byte for byte", () => {
  const mediaSpec = fc.record({
    extWords: fc.integer({ min: 0, max: 4 }),
    csrcs: fc.integer({ min: 0, max: 15 }),
    payload: fc.integer({ min: 0, max: 1200 }),
    marker: fc.boolean(),
    padding: fc.boolean(),
    timestamp: fc.integer({ min: 0, max: 0xffffffff }),
    fill: fc.integer({ min: 0, max: 255 }),
  });
  const arb = fc.record({
    first: fc.integer({ min: 0, max: 0xffff }),
    specs: fc.array(mediaSpec, { minLength: 1, maxLength: ULPFEC_MAX_MEDIA }),
    protection: fc.double({ min: 0.01, max: 1, noNaN: true }),
    lostAt: fc.nat(),
  });
  fuzz("red+ulpfec single loss", arb, ({ first, specs, protection, lostAt }) => {
    const { media, wire } = send(first, specs, protection);
    const lost = lostAt % media.length;
    const got = receive(wire, new Set([lost]));
    assert.equal(got.size, media.length);
    assert.deepEqual(got.get((first + lost) & 0xffff), media[lost]);
    return media.length;
  }, 300);
});
