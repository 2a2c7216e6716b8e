/**
 * RED + ULPFEC: what the sender writes (transports/rtp/fec) goes through a
 * receiver written for the tests from the RFCs (_decoder.ts), which rebuilds
 * any one lost media packet of a group, and any burst of up to as many as
 * there are FEC packets, byte for byte. Cases from a table; the fuzz
 * property is tests/fuzz/fec_test.ts.
 */
import assert from "node:assert/strict";
import { fecCount, ULPFEC_MAX_MEDIA, UlpfecGroup } from "../../../../transports/rtp/fec/mod.ts";
import { H264, mediaPacket, type MediaSpec, receive, RED, send, spec } from "./_wire.ts";

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
