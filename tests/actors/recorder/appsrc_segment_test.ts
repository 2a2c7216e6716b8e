// The chosen pipeline text, fed through the real ffi appsrc as the recorder
// Worker will feed it, judged by scanMp4, ffprobe and ffmpeg.
import assert from "node:assert/strict";
import { join } from "node:path";
import { GstError } from "../../../ffi/gst/mod.ts";
import { scanMp4 } from "../../../actors/recorder/mod.ts";
import { recordThroughAppsrc } from "./_appsrc_recorder.ts";
import { countFrames, decodeErrors, FPS, probeDuration } from "./_media.ts";

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("segmentPipeline() muxes access units pushed through appsrc into a whole, finalised segment", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "seg.mp4");
    const rec = recordThroughAppsrc(path, { frames: 75 });
    assert.deepEqual(rec, { pushed: 75, keyframes: 3 });
    const scan = await scanMp4(path);
    assert.equal(scan.frames, 75);
    assert.equal(scan.keyframes, 3);
    assert.equal(scan.finalised, true);
    assert.equal(scan.damage, null);
    assert.equal(await countFrames(path), 75);
    assert.equal(await decodeErrors(path), "");
    assert.ok(Math.abs((await probeDuration(path))! - 75 / FPS) <= 1 / FPS);
  });
});

Deno.test("a segment that does not start at a keyframe loses the access units before the first one", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "seg.mp4");
    // Skip 10 AUs: the first pushed is the 11th of a 30-frame GOP.
    recordThroughAppsrc(path, { frames: 50, skip: 10 });
    const scan = await scanMp4(path);
    assert.equal(scan.frames, 30); // the 20 AUs before the next keyframe were dropped
    assert.equal(await decodeErrors(path), "");
  });
});

Deno.test("a segment whose first keyframe lacks SPS and PPS fails to mux", async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "seg.mp4");
    await Deno.mkdir(dir, { recursive: true });
    assert.throws(
      () => recordThroughAppsrc(path, { frames: 30, stripParameterSets: true }),
      (e: unknown) => e instanceof GstError && /No valid frames/.test(e.message),
    );
  });
});
