import assert from "node:assert/strict";
import {
  OPUS_PAYLOAD_TYPE,
  opusTimestamp,
  packetizeOpus,
} from "../../../../transports/rtp/opus/packetize.ts";
import { parseRtpHeader } from "../../../../transports/rtp/header.ts";

Deno.test("packetizeOpus() puts one Opus packet after a 12-byte header, 48 kHz timestamps 960 apart per 20 ms", () => {
  const out = new Uint8Array(1500);
  const opus = new Uint8Array([0xfc, 1, 2, 3]);
  const pts = 1_700_000_000_123_000_000;
  const ts = opusTimestamp(pts, 7);
  const n = packetizeOpus(out, opus, {
    sequenceNumber: 65535,
    timestamp: ts,
    ssrc: 42,
    marker: true,
  });
  assert.equal(n, 16);
  const h = parseRtpHeader(out.subarray(0, n));
  assert.equal(h.payloadType, OPUS_PAYLOAD_TYPE);
  assert.equal(h.marker, true);
  assert.equal(h.sequenceNumber, 65535);
  assert.equal(h.ssrc, 42);
  assert.deepEqual(out.subarray(12, n), opus);
  assert.equal((opusTimestamp(pts + 20_000_000, 7) - ts + 2 ** 32) % 2 ** 32, 960);
  assert.ok(ts >= 0 && ts < 2 ** 32);
  assert.throws(
    () =>
      packetizeOpus(out, new Uint8Array(1276), {
        sequenceNumber: 0,
        timestamp: 0,
        ssrc: 0,
        marker: false,
      }),
    RangeError,
  );
});
