/**
 * Fuzzing Opus RTP (RFC 7587), what a talking browser (or anyone who can
 * reach a talk session) sends: the depacketizer never throws, every packet
 * it hands on lies inside the packet pushed and within the size bound, and
 * the timeline it builds never goes back.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { MAX_OPUS_PAYLOAD_BYTES, OpusDepacketizer } from "../../transports/rtp/opus/depacketize.ts";
import { OPUS_CASES } from "../transports/rtp/opus/_cases.ts";
import { hostileBytes, placed } from "./_bytes.ts";
import { fuzz } from "./_runs.ts";

const SEEDS = OPUS_CASES.flatMap((c) => c.packets);

Deno.test("fuzz: OpusDepacketizer takes any packet stream without throwing; what it hands on is inside the packet and on a timeline that never goes back", () => {
  let frames = 0;
  const stream = fc.array(placed(hostileBytes(SEEDS, 1600)), { minLength: 1, maxLength: 40 });
  const pt = fc.option(fc.integer({ min: 0, max: 127 }), { nil: null });
  fuzz("opus depacketizer", fc.tuple(stream, pt), ([packets, payloadType]) => {
    const d = new OpusDepacketizer({ payloadType });
    let last = -1;
    for (const p of packets) {
      const r = d.push(p);
      if (r.kind !== "frame") continue;
      frames++;
      assert.ok(r.data.length >= 1 && r.data.length <= MAX_OPUS_PAYLOAD_BYTES);
      assert.equal(r.data.buffer, p.buffer);
      assert.ok(r.data.byteOffset >= p.byteOffset + 12);
      assert.ok(r.data.byteOffset + r.data.length <= p.byteOffset + p.length);
      assert.ok(Number.isSafeInteger(r.samples) && r.samples >= last, `${r.samples} after ${last}`);
      last = r.samples;
    }
    const s = d.stats;
    assert.equal(s.packets, packets.length);
    assert.equal(s.frames + s.dropped, s.packets);
    return packets.length;
  }, 3_000);
  assert.ok(frames > 1000, `only ${frames} frames`);
});
