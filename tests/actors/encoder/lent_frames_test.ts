/**
 * The encoder reads ring slots in place (no copy): a slot the camera
 * overwrites while x264 reads it must never become an access unit. A writer
 * that never waits hammers a 4-slot ring with flat frames, each of one grey;
 * every decoded picture must be flat (a torn one would mix two greys).
 */
import { createStreamMode } from "../../../actors/camera/stream_mode.ts";
import assert from "node:assert/strict";
import { FrameFlags, FrameFormat, nowNs, rawFrameBytes } from "../../../actors/defs.ts";
import { ENCODER_WORKER, type EncoderProtocol } from "../../../actors/encoder/protocol.ts";
import { createByteRing, createFrameRing, RingWriter } from "../../../actors/ring/mod.ts";
import { spawnActor } from "../../../actors/runtime/mod.ts";
import { cameraConfig, readAccessUnits, run } from "../_camera_tree.ts";

const W = 160;
const H = 96;
const FRAME = rawFrameBytes(FrameFormat.I420, W, H);

Deno.test("frames lent to x264 from a 4-slot ring under a writer that never waits: no torn picture is encoded", async () => {
  const raw = createFrameRing({ slots: 4, slotBytes: FRAME });
  const au = createByteRing({ entries: 512, dataBytes: 4 << 20 });
  const cam = cameraConfig({ source: "test", width: W, height: H, fps: 30, encoder: "x264" });
  const encoder = await spawnActor<EncoderProtocol>({
    id: "cam/encoder",
    url: ENCODER_WORKER,
    init: { camera: cam, raw, au, reader: 0, mode: createStreamMode() },
    log: () => {},
  });
  const writer = new RingWriter(raw);
  let stop = false;
  const writing = (async () => {
    for (let n = 0; !stop; n++) {
      const slot = writer.reserve(FRAME);
      // Luma in steps of 40 (16..216) so that a mixed picture cannot pass for a flat one.
      slot.fill(16 + 40 * (n % 6), 0, W * H);
      slot.fill(128, W * H, FRAME);
      writer.commit(FRAME, {
        pts: n,
        captureNs: nowNs(),
        durationNs: 33_333_333,
        flags: FrameFlags.KEYFRAME,
        format: FrameFormat.I420,
        width: W,
        height: H,
        aux: 0,
      });
      // Yield now and then so the test's reader runs; the writer still laps the encoder.
      if (n % 16 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  })();
  const { bytes } = await readAccessUnits(au, 300, { reader: 1, timeoutMs: 60_000 });
  stop = true;
  await writing;
  await encoder.stop("shutdown", 2000);

  const file = await Deno.makeTempFile({ suffix: ".h264" });
  const gray = await Deno.makeTempFile({ suffix: ".gray" });
  try {
    await Deno.writeFile(file, bytes);
    const r = await run("ffmpeg", [
      "-v",
      "error",
      "-y",
      "-f",
      "h264",
      "-i",
      file,
      "-f",
      "rawvideo",
      "-pix_fmt",
      "gray",
      gray,
    ]);
    assert.equal(r.code, 0, r.out);
    const pixels = await Deno.readFile(gray);
    const frames = pixels.length / (W * H);
    assert.ok(frames >= 250, `${frames} pictures decoded`);
    for (let f = 0; f < frames; f++) {
      const p = pixels.subarray(f * W * H, (f + 1) * W * H);
      let lo = 255, hi = 0;
      for (const v of p) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      assert.ok(hi - lo <= 12, `picture ${f} is not flat: ${lo}..${hi}`);
    }
  } finally {
    await Deno.remove(file);
    await Deno.remove(gray);
  }
});
