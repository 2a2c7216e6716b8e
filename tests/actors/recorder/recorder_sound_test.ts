// The Recorder (the recorder actor's work, driven here without its Worker)
// with sound: real x264 and Opus packets fed as the ring gives them. A sound
// that stops mid-segment ends the segment's audio track and the video goes
// on; an event recording's pre-roll carries its sound, in sync (a beep on a
// flash, judged by ffmpeg).
import assert from "node:assert/strict";
import { join } from "node:path";
import type { AudioCodec, LogRecord } from "../../../actors/defs.ts";
import { createLogger } from "../../../actors/log/logger.ts";
import { Recorder } from "../../../actors/recorder/recorder.ts";
import type { RecorderEvent } from "../../../actors/recorder/protocol.ts";
import { AUDIO_READER } from "../../../actors/system/rings.ts";
import { cameraConfig } from "../_camera_tree.ts";
import { FPS } from "./_media.ts";
import {
  decodeAudioTrack,
  encodeFlash,
  encodeOpus,
  flashS,
  onsetS,
  pcm,
  probeStreams,
  type TestPacket,
} from "./_sound.ts";

const FRAME_NS = 1e9 / FPS;

function recorder(
  dir: string,
  recording: Record<string, unknown>,
  codec: AudioCodec = "opus",
) {
  const events: RecorderEvent[] = [];
  const logs: LogRecord[] = [];
  const camera = cameraConfig({ source: "test", width: 320, height: 240, fps: FPS, recording });
  const rec = new Recorder({
    camera,
    dir,
    segmentS: 10,
    au: new SharedArrayBuffer(8),
    reader: 1,
    audio: { ring: new SharedArrayBuffer(8), reader: AUDIO_READER.recorder, codec },
    paused: false,
    diskFull: null,
    minFreeBytes: 0,
  }, { emit: (e) => events.push(e), log: createLogger("rec", (r) => logs.push(r), "debug") });
  return { rec, events, logs };
}

/**
 * Feeds `video` frames from `baseNs` and the sound's packets (from
 * `baseNs + soundAtNs`) as the Worker does: each drain hands over the sound
 * that came so far (up to 40 ms past the frame), then the frame.
 */
function feed(
  rec: Recorder,
  video: { au: Uint8Array; key: boolean }[],
  sound: TestPacket[],
  options: { baseNs: number; soundAtNs: number; beforeFrame?: (i: number, t: number) => void },
): void {
  let a = 0;
  video.forEach((v, i) => {
    const t = options.baseNs + i * FRAME_NS;
    options.beforeFrame?.(i, t);
    while (a < sound.length && options.baseNs + options.soundAtNs + sound[a].ptsNs <= t + 40e6) {
      const p = sound[a++];
      rec.audioPacket(p.bytes, {
        ptsNs: options.baseNs + options.soundAtNs + p.ptsNs,
        durationNs: p.durationNs,
      });
    }
    rec.accessUnit(v.au, { ptsNs: t, keyframe: v.key, config: v.key, gap: false });
  });
}

function closedPaths(events: RecorderEvent[]): string[] {
  return events.flatMap((e) => e.type === "closed" && !e.discarded ? [e.path] : []);
}

Deno.test("a sound that stops mid-segment ends the segment's audio track; the video records on to the end", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { rec, events, logs } = recorder(dir, { mode: "continuous" });
    const video = encodeFlash(120, 120, FPS); // 4 s, no flash
    const sound = encodeOpus(pcm(1)); // the first second only
    const baseNs = Date.now() * 1e6;
    feed(rec, video, sound, { baseNs, soundAtNs: 0 });
    await rec.stop();
    const [path] = closedPaths(events);
    const streams = await probeStreams(join(dir, path));
    assert.deepEqual(streams.map((s) => `${s.type}/${s.codec}`), ["video/h264", "audio/opus"]);
    const [v, a] = streams;
    assert.ok(Math.abs(v.duration - 4) <= 0.05, `video ${v.duration} s`);
    assert.ok(Math.abs(a.duration - 1) <= 0.05, `sound ${a.duration} s`);
    const stats = rec.stats();
    assert.equal(stats.audioCut, 1);
    assert.equal(stats.accessUnits, 120);
    assert.ok(logs.some((l) => l.msg === "the sound stopped: the segment goes on without it"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const codec of ["opus", "aac"] as const) {
  Deno.test(`a gap in the sound (the audio actor restarting) is silence in the ${codec} track, and what follows keeps its place`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const { rec, events } = recorder(dir, { mode: "continuous" }, codec);
      const video = encodeFlash(90, 75, FPS); // flash at 2.5 s
      const all = encodeOpus(pcm(3, { beepAtS: 2.5 }));
      // 400 ms of packets lost from 1.0 s: the audio actor went away and came back.
      const sound = all.filter((p) => p.ptsNs < 1e9 || p.ptsNs >= 1.4e9);
      const baseNs = Date.now() * 1e6;
      feed(rec, video, sound, { baseNs, soundAtNs: 0 });
      await rec.stop();
      const file = join(dir, closedPaths(events)[0]);
      const [v, a] = await probeStreams(file);
      // AAC's sound ends up to 80 ms short: voaacenc keeps its last frame and the lead.
      assert.ok(
        Math.abs(a.duration - v.duration) <= (codec === "aac" ? 0.1 : 0.05),
        `sound ${a.duration} s, video ${v.duration}`,
      );
      const beep = onsetS(await decodeAudioTrack(file));
      const flash = await flashS(file);
      assert.ok(Math.abs(beep - flash) <= 0.02, `beep ${beep} s, flash ${flash} s`);
      assert.equal(rec.stats().audioCut, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("an event recording's pre-roll carries its sound: the beep lands on the flash within 20 ms", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { rec, events } = recorder(dir, { mode: "events", pre_roll_s: 1, post_roll_s: 1 });
    const video = encodeFlash(120, 75, FPS); // keyframes each second; flash at 2.5 s
    // The sound starts 70 ms after the video, its beep at the flash's time.
    const sound = encodeOpus(pcm(4, { beepAtS: 2.5 - 0.07 }));
    const baseNs = Date.now() * 1e6;
    feed(rec, video, sound, {
      baseNs,
      soundAtNs: 70e6,
      // The event comes at 2.2 s: the pre-roll reaches back to the keyframe at 1 s.
      beforeFrame: (i, t) => i === 66 ? rec.trigger(t, "motion") : undefined,
    });
    await rec.stop();
    const [path] = closedPaths(events);
    const file = join(dir, path);
    const streams = await probeStreams(file);
    assert.deepEqual(streams.map((s) => `${s.type}/${s.codec}`), ["video/h264", "audio/opus"]);
    const flash = await flashS(file);
    assert.ok(
      Math.abs(flash - 1.5) <= 0.02,
      `the segment starts at the keyframe 1 s in: flash at ${flash}`,
    );
    const beep = onsetS(await decodeAudioTrack(file));
    assert.ok(Math.abs(beep - flash) <= 0.02, `beep ${beep} s, flash ${flash} s`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
