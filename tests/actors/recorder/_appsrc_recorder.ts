// Records a segment the way the recorder Worker will: H.264 access units
// pulled from an encoder through the ffi appsink are pushed, with their pts
// and keyframe flag, into an appsrc at the head of segmentPipeline(). Each
// pushed AU is also appended, unbuffered, to a raw .h264 reference file
// (what was handed to the muxer).
//
// As a program: deno run -A _appsrc_recorder.ts SEGMENT REFERENCE [CONTAINER CODEC]
// (records live until killed; H.264 in MP4 unless a container and codec are given).
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { MP4_H264, type SegmentFormat, segmentPipeline } from "../../../actors/recorder/mod.ts";
import type { Codec } from "../../../actors/defs.ts";
import type { RecordingContainer } from "../../../actors/recorder/mod.ts";
import { FPS, jpegSourceArgs, sourceArgs } from "./_media.ts";
import assert from "node:assert/strict";

/** Largest AU copied. Reason: a 320x240 x264 keyframe is ~20 KB; 1 MiB is far past any. */
const MAX_AU_BYTES = 2 ** 20;
const STATE_TIMEOUT_MS = 5000;
const PULL_TIMEOUT_MS = 5000;

export interface AppsrcRecording {
  pushed: number;
  keyframes: number;
}

export function recordThroughAppsrc(
  segment: string,
  options: {
    frames?: number;
    skip?: number;
    reference?: string;
    stripParameterSets?: boolean;
    format?: SegmentFormat;
  },
): AppsrcRecording {
  const live = options.frames === undefined;
  const total = (options.frames ?? 0) + (options.skip ?? 0);
  const format = options.format ?? MP4_H264;
  const source = format.codec === "h264" ? sourceArgs : jpegSourceArgs;
  using encoder = Pipeline.parse(
    [
      ...source(live ? { live: true } : { frames: total }),
      "!",
      "appsink",
      "name=out",
      "sync=false",
      "max-buffers=8",
    ].join(" "),
  );
  using muxer = Pipeline.parse(segmentPipeline(segment, format));
  using ref = options.reference === undefined
    ? null
    : Deno.openSync(options.reference, { write: true, create: true, truncate: true });
  const sink = encoder.appSink("out");
  const src = muxer.appSrc("src");
  // The muxer prerolls only when its first buffer arrives: its change to
  // PLAYING stays "async" until then, so do not wait for it.
  assert(muxer.setState("playing", { timeoutMs: 0 }) === "async");
  encoder.setState("playing", { timeoutMs: STATE_TIMEOUT_MS });
  const buf = new Uint8Array(MAX_AU_BYTES);
  const out: AppsrcRecording = { pushed: 0, keyframes: 0 };
  for (let i = 0; live || i < total; i++) {
    const sample = sink.pull({ timeoutMs: PULL_TIMEOUT_MS });
    if (sample === null) throw new Error(`Encoder gave no access unit ${i}`);
    if (i < (options.skip ?? 0)) continue;
    const n = sample.copyTo(buf);
    const au = options.stripParameterSets ? keepSlices(buf.subarray(0, n)) : buf.subarray(0, n);
    src.push(au, { pts: sample.pts, keyframe: sample.keyframe });
    ref?.writeSync(au);
    out.pushed++;
    if (sample.keyframe) out.keyframes++;
  }
  src.endOfStream();
  const end = muxer.bus.pop({ timeoutMs: STATE_TIMEOUT_MS, types: ["eos", "error"] });
  if (end?.type === "error") throw end.error;
  if (end?.type !== "eos") throw new Error("The muxer did not reach end-of-stream");
  return out;
}

/** The AU without its SPS, PPS and SEI NAL units: what an encoder that sends them once emits. */
function keepSlices(au: Uint8Array): Uint8Array {
  const out: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i + 3 <= au.length; i++) {
    if (au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1) starts.push(i + 3);
  }
  starts.forEach((s, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] - 3 : au.length;
    const type = au[s] & 0x1f;
    if (type !== 6 && type !== 7 && type !== 8) out.push(0, 0, 0, 1, ...au.subarray(s, end));
  });
  return new Uint8Array(out);
}

if (import.meta.main) {
  const [segment, reference, container, codec] = Deno.args;
  const format = container === undefined
    ? MP4_H264
    : { container: container as RecordingContainer, codec: codec as Codec, fps: FPS };
  recordThroughAppsrc(segment, { reference, format });
}
