// Exports and stitched downloads with sound: segments written through the
// real SegmentWriter from real encoders (x264enc, opusenc; AAC by the
// recorder's own branch), stitched by runExport into every export format,
// judged by ffprobe (both streams) and by a beep on a flash (captured at
// the same ring-clock time, they land within 20 ms of each other in the
// export, by presentation time), also when the first segment has no sound.
import assert from "node:assert/strict";
import type { AudioCodec } from "../../../actors/defs.ts";
import { segmentPath, SegmentWriter } from "../../../actors/recorder/mod.ts";
import type { ExportFormat } from "../../../actors/recorder/container.ts";
import { type ExportFile, runExport } from "../../../actors/recorder/stitch_run.ts";
import { soundOf } from "../../../actors/recorder/export_sound.ts";
import { FPS } from "./_media.ts";
import {
  decodeAudioTrack,
  encodeFlash,
  encodeOpus,
  flashS,
  onsetS,
  pcm,
  probeStreams,
} from "./_sound.ts";

const FRAME_NS = 1e9 / FPS;
const BASE_NS = 1_765_000_000_000_000_000;
const START_MS = Date.UTC(2026, 11, 7, 22, 0, 0);
/** Each segment is 2 s; the flash and the beep are at 2.5 s, in the second. */
const SEGMENT_FRAMES = 2 * FPS;
const FLASH_AT = 75;

/** Two 2 s mp4 segments; the first without sound when `silentFirst`. */
async function record(dir: string, codec: AudioCodec, silentFirst = false): Promise<ExportFile[]> {
  const video = encodeFlash(2 * SEGMENT_FRAMES, FLASH_AT, FPS);
  const packets = encodeOpus(pcm(4, { beepAtS: FLASH_AT / FPS }));
  const files: ExportFile[] = [];
  let a = 0;
  for (let seg = 0; seg < 2; seg++) {
    const first = seg * SEGMENT_FRAMES;
    const startMs = START_MS + seg * 2000;
    const path = segmentPath("front", startMs, "mp4");
    const sound = !(silentFirst && seg === 0);
    const w = SegmentWriter.open(dir, path, {
      ns: BASE_NS + first * FRAME_NS,
      ms: startMs,
      frameNs: FRAME_NS,
      format: { container: "mp4", codec: "h264", fps: FPS, ...(sound ? { audio: codec } : {}) },
    });
    for (let i = first; i < first + SEGMENT_FRAMES; i++) {
      const t = BASE_NS + i * FRAME_NS;
      // A new segment starts at a keyframe (x264's key-int-max is 1 s).
      w.push(video[i].au, { ptsNs: t, keyframe: video[i].key });
      while (a < packets.length && BASE_NS + packets[a].ptsNs <= t) {
        const p = packets[a++];
        if (sound) {
          w.pushAudio(p.bytes, { ptsNs: BASE_NS + p.ptsNs, durationNs: p.durationNs });
        }
      }
    }
    assert.ok((await w.close(5000)).stats.complete);
    files.push({ file: `${dir}/${path}`, startMs, container: "mp4" });
  }
  return files;
}

async function exportTo(
  files: ExportFile[],
  format: ExportFormat,
  out: string,
): Promise<number> {
  const f = await Deno.open(out, { write: true, create: true, truncate: true });
  try {
    const { frames } = await runExport({
      files,
      // From 3.2 s back to the keyframe at 1 s (the first of the range's GOP), to 3.8 s.
      fromMs: START_MS + 1200,
      toMs: START_MS + 3800,
      endMs: START_MS + 4000,
      format,
      codec: "h264",
      fps: FPS,
      kbps: 1000,
      threads: 1,
    }, {
      write: async (bytes) => void await f.write(bytes),
      progress: () => {},
      cancelled: () => false,
    });
    return frames;
  } finally {
    f.close();
  }
}

const CASES: [AudioCodec, ExportFormat, boolean][] = [
  ["opus", "mp4", false],
  ["opus", "mov", false],
  ["opus", "mkv", false],
  ["opus", "webm", false],
  ["aac", "mp4", false],
  ["aac", "mov", false],
  ["aac", "mkv", false],
  ["aac", "webm", false],
  ["opus", "mp4", true],
];

for (const [codec, format, silentFirst] of CASES) {
  Deno.test(
    `an ${format} export of mp4 segments with ${codec} sound${
      silentFirst ? ", the first without," : ""
    } has both streams, the beep on the flash within 20 ms`,
    async () => {
      const dir = await Deno.makeTempDir({ prefix: "back-export-" });
      try {
        const files = await record(dir, codec, silentFirst);
        assert.deepEqual(
          await Promise.all(files.map((f) => soundOf(f.file, f.container))),
          silentFirst ? [null, codec] : [codec, codec],
        );
        const out = `${dir}/export.${format}`;
        const frames = await exportTo(files, format, out);
        assert.equal(frames, 84, "from the keyframe at 1 s to 3.8 s");
        const streams = await probeStreams(out);
        const video = format === "webm" ? "vp8" : "h264";
        const audio = format === "webm" ? "opus" : codec;
        assert.deepEqual(streams.map((s) => `${s.type}/${s.codec}`), [
          `video/${video}`,
          `audio/${audio}`,
        ]);
        const flash = await flashS(out);
        assert.ok(Math.abs(flash - 1.5) < 0.02, `the flash at ${flash} s`);
        const onset = onsetS(await decodeAudioTrack(out));
        console.log(
          `${format} (${codec}): the beep ${
            ((onset - flash) * 1000).toFixed(1)
          } ms after the flash`,
        );
        assert.ok(
          Math.abs(onset - flash) <= 0.02,
          `the beep at ${onset.toFixed(4)} s, the flash at ${flash.toFixed(4)} s`,
        );
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
}
