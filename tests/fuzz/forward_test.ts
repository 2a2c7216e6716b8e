/**
 * Fuzzing the access-unit framing between devices (transports/tls), the
 * bytes a sender with a valid certificate controls. Round trips: any access
 * units, in any chunking, decode to exactly what was encoded. Mutations of
 * the case table's frames (bit flips, header fields set to edge values,
 * truncation, insertion, splices): the decoder never throws, never hands
 * out a payload over its format's bound, invents nothing, and stops at the
 * first error for good.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  MAX_PAYLOAD_BYTES,
  type NumberedAccessUnit,
  WireFlags,
  WireFormat,
} from "../../transports/tls/mod.ts";
import { CASES, concat, decodeAll, frameOf } from "../transports/tls/_cases.ts";
import { mutated } from "./_bytes.ts";
import { fuzz } from "./_runs.ts";

const timestamp = fc.oneof(
  fc.constantFrom(0, -1, 1, 2 ** 53, -(2 ** 53), 2 ** 62, -(2 ** 62), 2 ** 32, 2 ** 32 - 1),
  fc.maxSafeNat(),
  fc.maxSafeNat().map((n) => -n || 0), // -0 is no int64
);
const unit: fc.Arbitrary<NumberedAccessUnit> = fc.record({
  seq: fc.oneof(fc.constantFrom(0, 0xffff_ffff), fc.integer({ min: 0, max: 0xffff_ffff })),
  flags: fc.integer({ min: 0, max: 7 }).map((f) =>
    f & (WireFlags.KEYFRAME | WireFlags.DISCONT | WireFlags.CONFIG)
  ),
  format: fc.constantFrom(WireFormat.H264, WireFormat.JPEG),
  ptsNs: timestamp,
  captureNs: timestamp,
  data: fc.oneof(
    { weight: 9, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 300 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40_000 }) },
  ),
}).map((u) => ({ ...u }));

/** `stream` cut at the given sizes (cycled; some may be 0, not all). */
function chunks(stream: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < stream.length; i++) {
    const n = sizes[i % sizes.length];
    out.push(stream.subarray(at, at + n));
    at += n;
  }
  return out;
}
const cuts = fc.array(
  fc.oneof(fc.constantFrom(0, 1, 7, 33, 1500, 16_384, 70_000), fc.integer({ min: 1, max: 4096 })),
  { minLength: 1, maxLength: 8 },
).filter((s) => s.some((n) => n > 0));

Deno.test("fuzz: any access units in any chunks decode to exactly what was encoded", () => {
  fuzz(
    "forward framing round trip",
    fc.tuple(fc.array(unit, { minLength: 1, maxLength: 12 }), cuts),
    ([units, sizes]) => {
      const stream = concat(units.map((u) => encodeFrame(u)));
      const got = decodeAll(chunks(stream, sizes));
      assert.equal(got.error, null);
      assert.equal(got.pending, 0);
      assert.deepEqual(got.units, units);
      return units.length;
    },
    1_000,
  );
});

Deno.test("fuzz: mutated frames never make the decoder throw, exceed a bound or invent bytes, and an error is final", () => {
  const seeds = [...CASES.map(frameOf), concat(CASES.map(frameOf))];
  let errors = 0;
  fuzz("forward framing mutations", fc.tuple(mutated(seeds), cuts), ([input, sizes]) => {
    const decoder = new FrameDecoder();
    const got = decodeAll(chunks(input, sizes), decoder);
    let framed = 0;
    for (const u of got.units) {
      assert.ok(u.data.length >= 1 && u.data.length <= MAX_PAYLOAD_BYTES[u.format]);
      framed += FRAME_HEADER_BYTES + u.data.length;
    }
    assert.ok(framed <= input.length);
    if (got.error !== null) {
      errors++;
      assert.equal(decoder.failed, true);
      assert.match(got.error.message, /^[A-Z]/);
      decoder.push(frameOf(CASES[0]));
      assert.equal(decoder.next().kind, "error", "an error is final");
    }
  }, 20_000);
  assert.ok(errors > 1000, `only ${errors} errors`);
});
