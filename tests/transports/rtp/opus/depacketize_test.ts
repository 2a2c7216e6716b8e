import assert from "node:assert/strict";
import {
  MAX_OPUS_PAYLOAD_BYTES,
  OpusDepacketizer,
} from "../../../../transports/rtp/opus/depacketize.ts";
import { OPUS_PAYLOAD_TYPE } from "../../../../transports/rtp/opus/packetize.ts";
import { OPUS_CASES, opusPayload, rtp } from "./_cases.ts";

for (const c of OPUS_CASES) {
  Deno.test(`OpusDepacketizer: ${c.name}`, () => {
    const d = new OpusDepacketizer({ payloadType: OPUS_PAYLOAD_TYPE });
    c.packets.forEach((p, i) => {
      const r = d.push(p);
      const want = c.expect[i];
      if (typeof want === "string") {
        assert.equal(r.kind, "dropped", `packet ${i}`);
        if (r.kind === "dropped") assert.equal(r.reason, want);
        return;
      }
      assert.equal(r.kind, "frame", `packet ${i}`);
      if (r.kind !== "frame") return;
      assert.deepEqual({ samples: r.samples, discont: r.discont }, want, `packet ${i}`);
      // The payload is the Opus packet as it was sent, untouched.
      assert.deepEqual([...r.data], [...p.subarray(12)]);
    });
  });
}

Deno.test("OpusDepacketizer counts lost, late and malformed packets", () => {
  const d = new OpusDepacketizer({ payloadType: null });
  d.push(rtp(1, 0, opusPayload(50, 1)));
  d.push(rtp(5, 3840, opusPayload(50, 5)));
  d.push(rtp(4, 2880, opusPayload(50, 4)));
  d.push(rtp(6, 4800, opusPayload(MAX_OPUS_PAYLOAD_BYTES + 1, 6)));
  assert.deepEqual(d.stats, { packets: 4, frames: 2, dropped: 2, lost: 3, late: 1, malformed: 1 });
});

Deno.test("OpusDepacketizer refuses a payload type outside 0-127 with a RangeError", () => {
  assert.throws(() => new OpusDepacketizer({ payloadType: 128 }), RangeError);
});
