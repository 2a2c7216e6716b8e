// SIGKILL in the middle of a segment with sound: eyrie's recorder (real
// Workers: camera, encoder, audio, recorder) in a process of its own is
// killed while its segment grows. The file then plays with both tracks up to
// the last fragment: ffprobe shows both, every frame decodes, the sound
// decodes to 440 Hz, and the two tracks end within a second of each other.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { repairSegment } from "../../../actors/recorder/mod.ts";
import { dominantHz } from "../audio/_audio.ts";
import { GROWTH_TIMEOUT_MS } from "./_crash.ts";
import { countFrames, decodeErrors } from "./_media.ts";
import { segmentFiles } from "./_recording_tree.ts";
import { decodeAudioTrack, probeStreams, RATE } from "./_sound.ts";

/**
 * Polls that saw the segment grow before the kill: about 3 s of both tracks. mp4 grows by
 * fragments (one of either track, 500 ms); mkv and avi by each block or chunk, at every poll.
 */
const GROWTHS_BEFORE_KILL = { mp4: 10, mkv: 150, avi: 150 };

/** Container, the video's codec and the sound's in it (AVI: an MJPEG camera's, AAC). */
const CASES = [["mp4", "h264", "opus"], ["mkv", "h264", "opus"], ["avi", "mjpeg", "aac"]] as const;

for (const [container, vcodec, acodec] of CASES) {
  Deno.test(`a ${container} segment with sound SIGKILLed mid-recording plays both tracks up to its last fragment, block or chunk`, async () => {
    const dir = await Deno.makeTempDir();
    const main = fileURLToPath(new URL("./_sound_recording_main.ts", import.meta.url));
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", main, dir, container],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      const rec = join(dir, "rec");
      const deadline = Date.now() + GROWTH_TIMEOUT_MS * 2;
      let seg: string | null = null;
      let last = 0;
      let growths = 0;
      while (growths < GROWTHS_BEFORE_KILL[container]) {
        if (Date.now() > deadline) {
          throw new Error(`No segment grew under ${rec} (${seg}, ${last} bytes)`);
        }
        await new Promise((r) => setTimeout(r, 20));
        // The first segment may be cut short when the encoder starts: watch the newest one.
        const files = await segmentFiles(rec).catch(() => []);
        const newest = files.at(-1);
        if (newest === undefined) continue;
        if (newest !== seg) {
          seg = newest;
          last = 0;
          growths = 0;
        }
        const size = (await Deno.stat(join(rec, seg)).catch(() => ({ size: 0 }))).size;
        if (size !== last) growths++;
        last = size;
      }
      // Mid-fragment: between two writes.
      await new Promise((r) => setTimeout(r, 170));
      child.kill("SIGKILL");
      await child.output();
      const file = join(rec, seg!);
      // As the crash left it: both tracks are there.
      const crashed = await probeStreams(file);
      assert.deepEqual(crashed.map((s) => `${s.type}/${s.codec}`), [
        `video/${vcodec}`,
        `audio/${acodec}`,
      ]);
      // What eyrie does at its next start (reconcile seals the open segment): cut a torn tail.
      const { scan } = await repairSegment(file);
      assert.equal(scan.damage, null);
      // Every frame and packet decodes. ffmpeg's null muxer also complains of two frames in one
      // 1/30 s slot: the writer's frame grid takes half steps after a late frame (segment_writer.ts),
      // with or without sound; that is not a decoding error.
      const errors = (await decodeErrors(file)).split("\n")
        .filter((l) => l !== "" && !/non monotonically increasing dts to muxer/.test(l));
      assert.deepEqual(errors, []);
      assert.equal(await countFrames(file), scan.frames);
      // Matroska keeps no duration per track: the scan's for the video, the decode's for the sound.
      const videoS = scan.durationMs / 1000;
      assert.ok(videoS >= 1.5, `${videoS} s of video kept`);
      const pcm = await decodeAudioTrack(file);
      const soundS = pcm.length / RATE;
      assert.ok(Math.abs(soundS - videoS) <= 1, `sound ${soundS} s, video ${videoS} s`);
      const tone = dominantHz(pcm.subarray(Math.round(0.1 * RATE)));
      assert.equal(tone.hz, 440);
    } finally {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
      await Deno.remove(dir, { recursive: true });
    }
  });
}
