// Recordings with sound on real Workers: a test camera (videotestsrc) and its
// tone (audiotestsrc through the audio actor), recorded by the recorder actor
// from the AU ring and the audio ring. ffprobe shows both streams in every
// segment, ffmpeg decodes the sound back to 440 Hz, and the two tracks start
// together; a camera whose sound is offline records its video alone.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { SegmentRecord } from "../../../actors/recorder/mod.ts";
import { until } from "../_camera_tree.ts";
import { startRecording } from "./_recording_tree.ts";
import { dominantHz } from "../audio/_audio.ts";
import { decodeAudioTrack, probeStreams, RATE } from "./_sound.ts";

function closed(all: SegmentRecord[], camera: string): SegmentRecord[] {
  return all.filter((s) => s.camera === camera && s.endMs !== null);
}

Deno.test("a test camera records its tone: each segment has H.264 and Opus (or AAC) tracks that start together and decode to 440 Hz", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using tree = await startRecording({
      dir,
      sound: true,
      segmentS: 2,
      cameras: [
        { id: "op", recording: { mode: "continuous" } },
        { id: "aa", audio_codec: "aac", recording: { mode: "continuous" } },
      ],
    });
    const index = tree.recordings.index;
    // The first segment may open before the sound is up; wait for three whole ones.
    await until(
      "three closed segments each",
      () => closed(index.oldest(), "op").length >= 3 && closed(index.oldest(), "aa").length >= 3,
      60_000,
    );
    await tree.stopCameras();
    for (const [camera, codec] of [["op", "opus"], ["aa", "aac"]]) {
      const all = closed(index.oldest(), camera);
      // The first may open before the sound is up; the last is cut short by the stop.
      for (const [i, seg] of all.entries()) {
        if (i === 0) continue;
        const file = join(dir, "rec", ...seg.path.split("/"));
        const streams = await probeStreams(file);
        assert.deepEqual(
          streams.map((s) => `${s.type}/${s.codec}`),
          ["video/h264", `audio/${codec}`],
          seg.path,
        );
        const [video, audio] = streams;
        // Both tracks start at the segment's first instant.
        assert.ok(
          Math.abs(audio.start - video.start) <= 0.02,
          `${seg.path}: ${audio.start} vs ${video.start}`,
        );
        // The sound runs to the next segment's first frame (a video that lost frames under load
        // may end sooner; the sound does not lose its place).
        const next = all[i + 1];
        if (next !== undefined) {
          const span = (next.startMs - seg.startMs) / 1000;
          assert.ok(
            Math.abs(audio.duration - span) <= 0.1,
            `${seg.path}: sound ${audio.duration} s of ${span} s`,
          );
        }
        const pcm = await decodeAudioTrack(file);
        assert.ok(
          pcm.length >= (audio.duration - 0.05) * RATE,
          `${seg.path}: ${pcm.length} samples`,
        );
        const tone = dominantHz(pcm.subarray(Math.round(0.05 * RATE)));
        assert.equal(tone.hz, 440, seg.path);
        assert.ok(tone.rms > 1000, `${seg.path}: a tone, not silence (rms ${tone.rms.toFixed(0)})`);
      }
      const stats = tree.stats(camera)!;
      assert.ok(stats.audioPackets > 100, `${camera}: ${stats.audioPackets} packets recorded`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a camera whose sound is offline records its video alone, without a stop or a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using tree = await startRecording({
      dir,
      sound: true,
      segmentS: 2,
      cameras: [{ id: "mute", audio: "alsa:hw:7,0", recording: { mode: "continuous" } }],
    });
    const index = tree.recordings.index;
    await until("three closed segments", () => closed(index.oldest(), "mute").length >= 3, 60_000);
    await tree.stopCameras();
    // The first may be cut short by the encoder's start and the last by the stop; the others are whole.
    for (const seg of closed(index.oldest(), "mute").slice(1, -1)) {
      const file = join(dir, "rec", ...seg.path.split("/"));
      const streams = await probeStreams(file);
      assert.deepEqual(streams.map((s) => `${s.type}/${s.codec}`), ["video/h264"], seg.path);
      assert.ok(seg.frames > 30, `${seg.path}: ${seg.frames} frames`);
    }
    assert.equal(tree.stats("mute")!.audioPackets, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
