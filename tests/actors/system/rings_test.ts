import assert from "node:assert/strict";
import { createCameraRings } from "../../../actors/system/rings.ts";
import { RingReader, RingWriter } from "../../../actors/ring/mod.ts";
import { checkConfig } from "../../../ui/config/mod.ts";

function camera(maxKbps: number) {
  return checkConfig({
    camera: [{
      id: "c",
      width: 1280,
      height: 720,
      fps: 30,
      bitrate_kbps: Math.min(2000, maxKbps),
      max_bitrate_kbps: maxKbps,
    }],
  }, "").camera[0];
}

const META = { pts: 0, captureNs: 0, durationNs: 0, flags: 0, format: 0, width: 0, height: 0 };

/** Writes `seconds` of full RTP packets (12 + 1200 bytes) at `kbps`; returns what a reader lost. */
function rtpDrops(ring: SharedArrayBuffer, kbps: number, seconds: number): number {
  const writer = new RingWriter(ring);
  const reader = new RingReader(ring, 0, { start: "next" });
  const packet = new Uint8Array(1212);
  const packets = Math.ceil((kbps * 1000 / 8) * seconds / 1200);
  for (let i = 0; i < packets; i++) writer.write(packet, { ...META, aux: i });
  let read = 0;
  while (reader.next()) read++;
  return packets - read;
}

Deno.test("the AU and RTP rings are sized from the camera's max_bitrate_kbps, with floors", () => {
  const low = createCameraRings(camera(1000));
  const dflt = createCameraRings(camera(8000));
  const high = createCameraRings(camera(20000));
  // Floors: 2 MiB of access units, 1 MiB of RTP, whatever the rate.
  assert.ok(low.au.byteLength >= 2 << 20 && low.au.byteLength < dflt.au.byteLength);
  assert.ok(low.rtp.byteLength >= 1 << 20 && low.rtp.byteLength < dflt.rtp.byteLength);
  assert.ok(high.au.byteLength > dflt.au.byteLength && high.rtp.byteLength > dflt.rtp.byteLength);
  // The default camera (max 8000) keeps 6 MB of access units and ~4 MB of RTP (with their
  // entry tables: 512 and 4096 entries of 64 bytes).
  assert.ok(Math.abs(dflt.au.byteLength - 6.03e6) < 0.05e6, String(dflt.au.byteLength));
  assert.ok(Math.abs(dflt.rtp.byteLength - 4.30e6) < 0.05e6, String(dflt.rtp.byteLength));
});

Deno.test("an RTP ring holds 4 s of full packets at the camera's max bitrate, not much more", () => {
  for (const kbps of [2000, 8000, 20000]) {
    const { rtp } = createCameraRings(camera(kbps));
    assert.equal(rtpDrops(rtp, kbps, 3.9), 0, `${kbps} kbps: 3.9 s fit`);
    if (kbps > 2000) assert.ok(rtpDrops(rtp, kbps, 5) > 0, `${kbps} kbps: 5 s overrun`);
  }
});
