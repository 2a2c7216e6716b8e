// The crash-safety finding as a test. A recorder writes a segment with the
// chosen mux chain while the H.264 it was given is also written, unbuffered,
// to a raw reference file (what was encoded). It is SIGKILLed mid-segment at
// several phases of a fragment; ffprobe must then read the segment with a
// duration within 1 s of the reference, and every frame must decode.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { muxChainArgs, repairMp4, scanMp4 } from "../../../actors/recorder/mod.ts";
import { countFrames, decodeErrors, FPS, probeDuration, sourceArgs } from "./_media.ts";
import { killMidSegment as killAfter } from "./_crash.ts";

/** Fragments written before the kill. */
const FRAGMENTS_BEFORE_KILL = 4;
/** Delays after the last observed fragment, to kill at different phases of the next one. */
const PHASES_MS = [0, 150, 320, 450];

/** Starts the recorder, waits for a few fragments and a phase, then SIGKILLs it. */
function killMidSegment(cmd: string, args: string[], seg: string, phaseMs: number) {
  // Each fragment lands as one burst of writes: count bursts by size changes.
  return killAfter(cmd, args, seg, { growths: FRAGMENTS_BEFORE_KILL + 1, phaseMs });
}

async function assertCrashSafe(seg: string, ref: string, phase: number): Promise<void> {
  const encodedS = (await countFrames(ref)) / FPS;

  // As the crash left it: ffprobe finds a duration, at most 1 s short.
  const probed = await probeDuration(seg);
  assert.ok(probed !== null, `ffprobe found no duration in ${seg}`);
  assert.ok(encodedS - probed <= 1, `lost ${encodedS - probed} s at phase ${phase} ms`);
  assert.ok(probed <= encodedS + 2 / FPS, `probed ${probed} s of ${encodedS} s encoded`);

  // After the restart repair (a no-op unless the kill hit a fragment's write).
  const { scan } = await repairMp4(seg);
  assert.equal(scan.damage, null);
  assert.equal(await decodeErrors(seg), "");
  assert.equal(await countFrames(seg), scan.frames);
  const repaired = (await probeDuration(seg))!;
  assert.ok(encodedS - repaired <= 1, `lost ${encodedS - repaired} s after repair`);
  assert.ok(Math.abs(scan.durationMs / 1000 - repaired) <= 1 / FPS);
  assert.deepEqual(await scanMp4(seg), scan);
}

Deno.test("a gst-launch segment SIGKILLed mid-recording plays within 1 s of what was encoded", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const phase of PHASES_MS) {
      const seg = join(dir, `seg ${phase}.mp4`); // a space exercises the quoting
      const ref = join(dir, `ref-${phase}.h264`);
      const tee = ["tee", "name=t", "t.", "!", "queue", "!", "filesink", `location=${ref}`];
      await killMidSegment(
        "gst-launch-1.0",
        [
          "-q",
          ...sourceArgs({ live: true }),
          "!",
          ...tee,
          "buffer-mode=unbuffered",
          "t.",
          "!",
          "queue",
          "!",
          ...muxChainArgs(seg),
        ],
        seg,
        phase,
      );
      await assertCrashSafe(seg, ref, phase);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an appsrc-fed segment SIGKILLed mid-recording plays within 1 s of what was pushed", async () => {
  const dir = await Deno.makeTempDir();
  const recorder = fileURLToPath(new URL("./_appsrc_recorder.ts", import.meta.url));
  try {
    for (const phase of PHASES_MS) {
      const seg = join(dir, `seg-${phase}.mp4`);
      const ref = join(dir, `ref-${phase}.h264`);
      const stderr = await killMidSegment(
        Deno.execPath(),
        ["run", "-A", recorder, seg, ref],
        seg,
        phase,
      );
      assert.doesNotMatch(stderr, /error/i);
      await assertCrashSafe(seg, ref, phase);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
