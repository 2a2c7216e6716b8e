import assert from "node:assert/strict";
import { FrameFlags, FrameFormat } from "../../../actors/defs.ts";
import {
  encodeFrame,
  encodeHeader,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  MAX_PAYLOAD_BYTES,
  NEED_MORE_BYTES,
  type NumberedAccessUnit,
  WireFlags,
  WireFormat,
} from "../../../transports/tls/mod.ts";
import { CASES, concat, decodeAll, frameOf, fromHex } from "./_cases.ts";

for (const c of CASES) {
  Deno.test(`encodeFrame() writes ${c.name} exactly as the table says`, () => {
    assert.deepEqual(encodeFrame(c.unit), frameOf(c));
  });

  Deno.test(`FrameDecoder reads ${c.name} back, whole and cut at every byte`, () => {
    const frame = frameOf(c);
    assert.deepEqual(decodeAll([frame]), { units: [c.unit], error: null, pending: 0 });
    for (let cut = 0; cut <= frame.length; cut++) {
      const got = decodeAll([frame.subarray(0, cut), frame.subarray(cut)]);
      assert.deepEqual(got.units, [c.unit], `cut at ${cut}`);
    }
    const bytewise = decodeAll(Array.from(frame, (b) => Uint8Array.of(b)));
    assert.deepEqual(bytewise.units, [c.unit]);
  });
}

Deno.test("FrameDecoder reads a stream of every case in one chunk and in chunks of 1 to 40 bytes", () => {
  const stream = concat(CASES.map(frameOf));
  const want = CASES.map((c) => c.unit);
  assert.deepEqual(decodeAll([stream]).units, want);
  for (let size = 1; size <= 40; size++) {
    const chunks = [];
    for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
    const got = decodeAll(chunks);
    assert.deepEqual(got.units, want, `chunks of ${size}`);
    assert.equal(got.pending, 0);
  }
});

Deno.test("FrameDecoder says it needs more bytes, as a value, until a frame is complete", () => {
  const frame = frameOf(CASES[0]);
  const decoder = new FrameDecoder();
  decoder.push(frame.subarray(0, FRAME_HEADER_BYTES + 2));
  assert.equal(decoder.next(), NEED_MORE_BYTES);
  assert.equal(decoder.pending, FRAME_HEADER_BYTES + 2);
  decoder.push(new Uint8Array(0));
  assert.equal(decoder.next(), NEED_MORE_BYTES);
  decoder.push(frame.subarray(FRAME_HEADER_BYTES + 2));
  const result = decoder.next();
  assert.equal(result.kind, "access_unit");
  assert.equal(decoder.next(), NEED_MORE_BYTES);
  assert.equal(decoder.pending, 0);
});

Deno.test("FrameDecoder refuses a push() that would lose the unread rest of the previous chunk", () => {
  const stream = concat([frameOf(CASES[0]), frameOf(CASES[1])]);
  const decoder = new FrameDecoder();
  decoder.push(stream);
  assert.equal(decoder.next().kind, "access_unit");
  assert.throws(() => decoder.push(new Uint8Array(1)), /push\(\) before next\(\) used up/);
});

Deno.test("FrameDecoder reuses one result object and one payload buffer from frame to frame", () => {
  const decoder = new FrameDecoder();
  decoder.push(concat([frameOf(CASES[1]), frameOf(CASES[1])]));
  const first = decoder.next();
  assert.equal(first.kind, "access_unit");
  const firstBuffer = first.kind === "access_unit" ? first.data.buffer : null;
  const second = decoder.next();
  assert.equal(second, first);
  assert.equal(second.kind === "access_unit" ? second.data.buffer : null, firstBuffer);
});

/** Each broken header, as the mutation of a good one, and the reason it is refused for. */
const BAD_HEADERS: readonly [string, (h: Uint8Array) => void, string, RegExp][] = [
  ["a wrong magic", (h) => (h[0] = 0x47), "bad_magic", /Bad magic "0x47794155"/],
  ["version 2", (h) => (h[4] = 2), "bad_version", /Unsupported version "2"/],
  ["an undefined flag bit", (h) => (h[5] |= 0x80), "unknown_flags", /Unknown flag bits in "133"/],
  ["a raw I420 format", (h) => (h[6] = FrameFormat.I420), "unknown_format", /Unknown format "1"/],
  ["a non-zero reserved byte", (h) => (h[7] = 9), "reserved", /Reserved byte is "9"/],
  ["a size of 0", (h) => h.set([0, 0, 0, 0], 12), "empty", /0 bytes/],
  [
    "an H.264 AU one byte over 8 MiB",
    (h) => new DataView(h.buffer).setUint32(12, MAX_PAYLOAD_BYTES[FrameFormat.H264] + 1),
    "too_large",
    /"8388609" bytes exceeds 8388608/,
  ],
  ["a size of 4 GiB - 1", (h) => h.set([0xff, 0xff, 0xff, 0xff], 12), "too_large", /4294967295/],
];

for (const [label, mutate, reason, message] of BAD_HEADERS) {
  Deno.test(`FrameDecoder ends the stream with "${reason}" on a header with ${label}`, () => {
    const good = frameOf(CASES[0]);
    const bad = good.slice();
    mutate(bad);
    const got = decodeAll([good, bad, good]);
    assert.equal(got.units.length, 1);
    assert.equal(got.error?.reason, reason);
    assert.match(got.error?.message ?? "", message);
    // Final: more bytes do not bring the stream back.
    const decoder = new FrameDecoder();
    decoder.push(bad);
    const error = decoder.next();
    decoder.push(good);
    assert.equal(decoder.next(), error);
    assert.ok(decoder.failed);
  });
}

Deno.test("FrameDecoder with a smaller maxPayloadBytes refuses a frame above it before reading the payload", () => {
  const decoder = new FrameDecoder({ maxPayloadBytes: 4 });
  const got = decodeAll([frameOf(CASES[2]), frameOf(CASES[0])], decoder);
  assert.equal(got.units.length, 1);
  assert.equal(got.error?.reason, "too_large");
  assert.throws(() => new FrameDecoder({ maxPayloadBytes: 0 }), RangeError);
  assert.throws(() => new FrameDecoder({ maxPayloadBytes: 2 ** 30 }), /Invalid maxPayloadBytes/);
});

Deno.test("encodeHeader() refuses what a receiver would refuse, quoting the value", () => {
  const good: NumberedAccessUnit = { ...CASES[0].unit };
  const out = new Uint8Array(FRAME_HEADER_BYTES);
  const bad: [Partial<NumberedAccessUnit>, RegExp][] = [
    [{ format: FrameFormat.I420 as 16 }, /Unknown access-unit format "1"/],
    [{ flags: 8 }, /Invalid flags "8"/],
    [{ flags: -1 }, /Invalid flags "-1"/],
    [{ data: new Uint8Array(0) }, /Invalid access-unit size "0"/],
    [{ seq: 2 ** 32 }, /Invalid sequence number "4294967296"/],
    [{ seq: -1 }, /Invalid sequence number "-1"/],
    [{ ptsNs: 1.5 }, /Invalid pts "1.5"/],
    [{ ptsNs: 2 ** 63 }, /Invalid pts/],
    [{ captureNs: Number.NaN }, /Invalid capture time "NaN"/],
    [{ captureNs: -(2 ** 63) }, /Invalid capture time/],
  ];
  for (const [change, message] of bad) {
    assert.throws(() => encodeHeader({ ...good, ...change }, out), message);
  }
  assert.throws(() => encodeHeader(good, new Uint8Array(31)), /needs 32 bytes, got "31"/);
  assert.throws(() => encodeFrame(good, new Uint8Array(37)), /38 bytes does not fit in "37"/);
});

Deno.test("encodeFrame() into a larger buffer returns a view of exactly the frame", () => {
  const into = new Uint8Array(1000).fill(0xee);
  const frame = encodeFrame(CASES[1].unit, into);
  assert.equal(frame.buffer, into.buffer);
  assert.deepEqual(frame, frameOf(CASES[1]));
  assert.equal(into[frame.length], 0xee);
});

Deno.test("the wire flags and formats are version 1's numbers and equal the ring's", () => {
  // The actors pass ring flags and formats through unchanged: a change on either side
  // would change the protocol (bump FRAME_VERSION and translate then).
  assert.deepEqual([WireFlags.KEYFRAME, WireFlags.DISCONT, WireFlags.CONFIG], [1, 2, 4]);
  assert.deepEqual([WireFormat.H264, WireFormat.JPEG], [16, 17]);
  assert.deepEqual(
    [FrameFlags.KEYFRAME, FrameFlags.DISCONT, FrameFlags.CONFIG],
    [WireFlags.KEYFRAME, WireFlags.DISCONT, WireFlags.CONFIG],
  );
  assert.deepEqual([FrameFormat.H264, FrameFormat.JPEG], [WireFormat.H264, WireFormat.JPEG]);
  assert.deepEqual(fromHex(CASES[0].header).subarray(0, 4), new TextEncoder().encode("EyAU"));
});
