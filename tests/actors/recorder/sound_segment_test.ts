// Segments with sound, written through the real SegmentWriter from real
// encoders (x264enc, opusenc with the audio actor's settings), judged by
// ffprobe (both streams), ffmpeg (the sound decodes to 440 Hz) and a beep on
// a flash: the two captured at the same ring-clock time land within 20 ms
// of each other in the file, by presentation time.
import assert from "node:assert/strict";
import type { AudioCodec } from "../../../actors/defs.ts";
import {
  type RecordingContainer,
  repairSegment,
  segmentPath,
  SegmentWriter,
} from "../../../actors/recorder/mod.ts";
import { dominantHz } from "../audio/_audio.ts";
import { FPS } from "./_media.ts";
import {
  decodeAudioTrack,
  encodeFlash,
  encodeFlashJpeg,
  encodeOpus,
  flashS,
  onsetS,
  pcm,
  probeStreams,
  RATE,
} from "./_sound.ts";

const FRAME_NS = 1e9 / FPS;
/** The ring clock's time of the segment's first frame: wall-clock ns, as the camera stamps them. */
const BASE_NS = 1_765_000_000_000_000_000;

const CASES: [RecordingContainer, AudioCodec][] = [
  ["mp4", "opus"],
  ["mp4", "aac"],
  ["mov", "opus"],
  ["mov", "aac"],
  ["mkv", "opus"],
  ["mkv", "aac"],
  // AVI (an MJPEG camera's container) holds no Opus: its sound is AAC whatever is asked.
  ["avi", "aac"],
];

for (const [container, codec] of CASES) {
  Deno.test(`a ${container} segment with ${codec} sound: ffprobe shows both streams, the beep lands on the flash within 20 ms`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const frames = 90;
      const flashAt = 45; // 1.5 s
      const mjpeg = container === "avi";
      const video = mjpeg
        ? encodeFlashJpeg(frames, flashAt, FPS)
        : encodeFlash(frames, flashAt, FPS);
      // The sound starts 130 ms after the video (an audio actor a little behind); the beep is at
      // the flash's capture time, 1.5 s after the first frame.
      const soundStartS = 0.13;
      const packets = encodeOpus(pcm(3 - soundStartS, { beepAtS: 1.5 - soundStartS }));
      const startMs = Date.UTC(2026, 11, 7, 22, 0, 0);
      const path = segmentPath("front", startMs, container);
      const w = SegmentWriter.open(dir, path, {
        ns: BASE_NS,
        ms: startMs,
        frameNs: FRAME_NS,
        format: { container, codec: mjpeg ? "mjpeg" : "h264", fps: FPS, audio: codec },
      });
      // Interleaved as the recorder feeds them: each frame, then the sound up to its time.
      let a = 0;
      video.forEach((v, i) => {
        const t = BASE_NS + i * FRAME_NS;
        // An MJPEG camera that lost frames 20 to 24 (a loaded machine): AVI has no timestamps, and
        // the flash must still land on its beep (the writer repeats frames into the hole).
        if (!mjpeg || i < 20 || i > 24) w.push(v.au, { ptsNs: t, keyframe: v.key });
        while (a < packets.length && BASE_NS + soundStartS * 1e9 + packets[a].ptsNs <= t) {
          const p = packets[a++];
          assert.ok(w.pushAudio(p.bytes, {
            ptsNs: BASE_NS + soundStartS * 1e9 + p.ptsNs,
            durationNs: p.durationNs,
          }));
        }
      });
      const closed = await w.close(5000);
      assert.ok(closed.stats.complete, "closed cleanly");
      assert.equal(closed.stats.frames, frames, "the scan counts the video's frames only");
      assert.ok(
        Math.abs(closed.stats.endMs - startMs - 3000) <= 50,
        `${closed.stats.endMs - startMs} ms`,
      );
      assert.ok(closed.audioPushed > 100);
      const file = `${dir}/${path}`;
      const streams = await probeStreams(file);
      assert.deepEqual(streams.map((s) => `${s.type}/${s.codec}`), [
        mjpeg ? "video/mjpeg" : "video/h264",
        `audio/${codec}`,
      ]);
      const sound = await decodeAudioTrack(file);
      const onset = onsetS(sound);
      const flash = await flashS(file);
      console.log(
        `${container}/${codec}: the beep ${((onset - flash) * 1000).toFixed(1)} ms after the flash`,
      );
      assert.ok(Math.abs(flash - 1.5) < 0.02, `the flash at ${flash} s`);
      assert.ok(
        Math.abs(onset - flash) <= 0.02,
        `the beep at ${onset.toFixed(4)} s, the flash at ${flash.toFixed(4)} s`,
      );
      const tone = dominantHz(sound.subarray(Math.round((onset + 0.1) * RATE)));
      assert.equal(tone.hz, 440);
      // A clean file needs no repair.
      assert.equal((await repairSegment(file)).truncatedBytes, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
