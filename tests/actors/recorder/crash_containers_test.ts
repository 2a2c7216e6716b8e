// What a SIGKILL costs in each container besides MP4 (crash_safety_test.ts),
// tested as docs/recording.md states it. A recorder writes a segment while
// what it was given is also written, unbuffered, to a raw reference file; it
// is SIGKILLed mid-segment at several phases, then:
//
// - mkv: every frame left decodes at once and at most 1 s is lost, but the
//   file states no duration (matroskamux writes it at a clean close) until
//   the repair that reconcile and sealing run writes it;
// - mov: like mp4 (fragmented the same way): ffprobe reads the duration at
//   once, at most 1 s is lost, every frame decodes;
// - avi: every frame left decodes at once and at most 1 s is lost, but the
//   header says 0 frames and there is no index (no duration, no seeking)
//   until the repair writes the counts, sizes and idx1.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Codec } from "../../../actors/defs.ts";
import {
  CONTAINER,
  muxChainArgs,
  type RecordingContainer,
  repairSegment,
} from "../../../actors/recorder/mod.ts";
import {
  countFrames,
  decodeErrors,
  FPS,
  jpegSourceArgs,
  probeDuration,
  sourceArgs,
} from "./_media.ts";
import { killMidSegment } from "./_crash.ts";

/** Size changes seen before the kill: a fragment each for mov (~2.5 s), a frame each for mkv/avi (~2 s). */
const GROWTHS: Record<RecordingContainer, number> = { mp4: 5, mov: 5, mkv: 60, avi: 60 };
/** Delays after the growth seen, to kill at different phases of a fragment (mov) or frame. */
const PHASES_MS: Record<RecordingContainer, number[]> = {
  mp4: [0, 150, 320, 450],
  mkv: [0, 150, 320, 450],
  // mov fragments as mp4 does (crash_safety_test.ts kills mp4 at four phases); every AVI frame
  // is one chunk written as it comes, like mkv's blocks: two phases each say as much.
  mov: [0, 320],
  avi: [0, 320],
};

interface Case {
  container: RecordingContainer;
  codec: Codec;
  /** ffprobe reads a duration from the file as the crash left it. */
  durationAtOnce: boolean;
}

const CASES: Case[] = [
  { container: "mkv", codec: "h264", durationAtOnce: false },
  { container: "mov", codec: "h264", durationAtOnce: true },
  { container: "avi", codec: "mjpeg", durationAtOnce: false },
];

/** Seconds lost: what was encoded minus what decodes. */
const lost: Record<string, number[]> = {};

async function assertCrashCost(c: Case, seg: string, ref: string, phase: number) {
  const encoded = await countFrames(ref);
  const tag = `${c.container} at phase ${phase} ms`;

  // As the crash left it: every frame decodes, at most 1 s is lost.
  assert.equal(await decodeErrors(seg), "", tag);
  const kept = await countFrames(seg);
  assert.ok((encoded - kept) / FPS <= 1, `${tag}: lost ${encoded - kept} of ${encoded} frames`);
  (lost[c.container] ??= []).push((encoded - kept) / FPS);
  const atOnce = await probeDuration(seg);
  if (c.durationAtOnce) {
    assert.ok(atOnce !== null && Math.abs(atOnce - kept / FPS) <= 1 / FPS, `${tag}: ${atOnce} s`);
  } else {
    assert.equal(atOnce, null, `${tag}: the crash-cut file states no duration until repaired`);
  }

  // After the repair reconcile and sealing run: the duration of what is left, every frame.
  const { scan } = await repairSegment(seg);
  assert.equal(scan.damage, null, tag);
  assert.equal(scan.codec, c.codec);
  assert.equal(await decodeErrors(seg), "", tag);
  assert.equal(await countFrames(seg), scan.frames, tag);
  const repaired = await probeDuration(seg);
  assert.ok(repaired !== null, `${tag}: no duration after repair`);
  assert.ok(Math.abs(scan.durationMs / 1000 - repaired) <= 1 / FPS, `${tag}: ${repaired} s`);
  assert.ok(encoded / FPS - repaired <= 1, `${tag}: lost ${encoded / FPS - repaired} s`);
  // Repairing again changes nothing.
  assert.equal((await repairSegment(seg)).truncatedBytes, 0);
}

for (const c of CASES) {
  const ext = CONTAINER[c.container].extension;
  const raw = c.codec === "h264" ? ".h264" : ".mjpeg";
  const format = { container: c.container, codec: c.codec, fps: FPS };

  Deno.test(`a gst-launch ${c.container} segment SIGKILLed mid-recording costs what docs/recording.md says`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const source = c.codec === "h264" ? sourceArgs : jpegSourceArgs;
      for (const phase of PHASES_MS[c.container]) {
        const seg = join(dir, `seg ${phase}${ext}`); // a space exercises the quoting
        const ref = join(dir, `ref-${phase}${raw}`);
        const tee = ["tee", "name=t", "t.", "!", "queue", "!", "filesink", `location=${ref}`];
        await killMidSegment(
          "gst-launch-1.0",
          [
            "-q",
            ...source({ live: true }),
            "!",
            ...tee,
            "buffer-mode=unbuffered",
            "t.",
            "!",
            "queue",
            "!",
            ...muxChainArgs(seg, format),
          ],
          seg,
          { growths: GROWTHS[c.container], phaseMs: phase },
        );
        await assertCrashCost(c, seg, ref, phase);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`an appsrc-fed ${c.container} segment SIGKILLed mid-recording costs what docs/recording.md says`, async () => {
    const dir = await Deno.makeTempDir();
    const recorder = fileURLToPath(new URL("./_appsrc_recorder.ts", import.meta.url));
    try {
      for (const phase of PHASES_MS[c.container]) {
        const seg = join(dir, `seg-${phase}${ext}`);
        const ref = join(dir, `ref-${phase}${raw}`);
        const stderr = await killMidSegment(
          Deno.execPath(),
          ["run", "-A", recorder, seg, ref, c.container, c.codec],
          seg,
          { growths: GROWTHS[c.container], phaseMs: phase },
        );
        assert.doesNotMatch(stderr, /error/i);
        await assertCrashCost(c, seg, ref, phase);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("crash costs measured above (seconds lost, per container)", () => {
  for (const [container, s] of Object.entries(lost)) {
    console.log(`${container}: ${s.map((x) => x.toFixed(2)).join(" ")}`);
  }
});
