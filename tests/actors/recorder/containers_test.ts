// Every container eyrie records in, written through the real SegmentWriter
// (ffi appsrc, the chosen muxer, an unbuffered filesink) from a real encoder,
// judged by ffprobe (container, codec, duration, frames), ffmpeg (every frame
// decodes) and eyrie's own scanners.
import assert from "node:assert/strict";
import { join } from "node:path";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import type { Codec } from "../../../actors/defs.ts";
import {
  containerProblem,
  CONTAINERS,
  type RecordingContainer,
  repairSegment,
  segmentPath,
  SegmentWriter,
} from "../../../actors/recorder/mod.ts";
import { decodeErrors, FPS, jpegSourceArgs, probeInfo, sourceArgs } from "./_media.ts";

const FRAMES = 75;
const FRAME_NS = 1e9 / FPS;
/** Largest AU copied. Reason: a 320x240 keyframe or JPEG is ~20 KB; 1 MiB is past any. */
const MAX_AU_BYTES = 2 ** 20;

/** ffprobe's format_name for each container. */
const FORMAT_NAME: Record<RecordingContainer, string> = {
  mp4: "mov,mp4,m4a,3gp,3g2,mj2",
  mov: "mov,mp4,m4a,3gp,3g2,mj2",
  mkv: "matroska,webm",
  avi: "avi",
};

/** The access units of `frames` frames of `codec`, as the encoder actor puts them in the ring. */
export function encode(codec: Codec, frames: number): { au: Uint8Array; key: boolean }[] {
  const src = codec === "h264" ? sourceArgs({ frames }) : jpegSourceArgs({ frames });
  using p = Pipeline.parse([...src, "!", "appsink", "name=out", "sync=false"].join(" "));
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  const out: { au: Uint8Array; key: boolean }[] = [];
  const buf = new Uint8Array(MAX_AU_BYTES);
  for (let i = 0; i < frames; i++) {
    const s = sink.pull({ timeoutMs: 10_000 });
    if (s === null) throw new Error(`The encoder gave no frame ${i}`);
    out.push({ au: buf.slice(0, s.copyTo(buf)), key: s.keyframe });
  }
  return out;
}

const CASES: [RecordingContainer, Codec][] = CONTAINERS.flatMap((c) =>
  (["h264", "mjpeg"] as const).filter((k) => containerProblem(c, k) === null).map((k) =>
    [c, k] as [RecordingContainer, Codec]
  )
);

Deno.test("each container holds the codecs it should: H.264 in mp4, mkv, mov; MJPEG in mkv, mov, avi", () => {
  assert.deepEqual(CASES.map(([c, k]) => `${c}/${k}`), [
    "mp4/h264",
    "mkv/h264",
    "mkv/mjpeg",
    "mov/h264",
    "mov/mjpeg",
    "avi/mjpeg",
  ]);
});

for (const [container, codec] of CASES) {
  Deno.test(`SegmentWriter writes ${codec} in ${container} that ffprobe reads with its codec, duration and every frame`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const aus = encode(codec, FRAMES);
      const startMs = Date.UTC(2026, 10, 22, 14, 3, 5, 123);
      const path = segmentPath("front", startMs, container);
      const w = SegmentWriter.open(dir, path, {
        ns: 5e9,
        ms: startMs,
        frameNs: FRAME_NS,
        format: { container, codec, fps: FPS },
      });
      aus.forEach((a, i) => w.push(a.au, { ptsNs: 5e9 + i * FRAME_NS, keyframe: a.key }));
      const closed = await w.close(5000);
      const keyframes = aus.filter((a) => a.key).length;
      const file = join(dir, path);
      assert.deepEqual({ ...closed.stats, endMs: 0 }, {
        endMs: 0,
        bytes: (await Deno.stat(file)).size,
        frames: FRAMES,
        keyframes,
        complete: true,
        codec,
      });
      const p = await probeInfo(file);
      assert.equal(p.format, FORMAT_NAME[container]);
      assert.equal(p.codec, codec);
      assert.equal(p.frames, FRAMES);
      // qtmux gives MJPEG's last frame no duration (gst-launch-1.0 does the same): one frame short.
      assert.ok(Math.abs(p.duration! - FRAMES / FPS) <= 1.01 / FPS, `${p.duration} s`);
      // The index says what ffprobe says.
      assert.ok(Math.abs((closed.stats.endMs - startMs) / 1000 - p.duration!) <= 0.001);
      assert.equal(await decodeErrors(file), "");
      // A whole file is left as it is.
      const again = await repairSegment(file);
      assert.equal(again.truncatedBytes, 0);
      assert.equal(again.scan.finalised, true);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
