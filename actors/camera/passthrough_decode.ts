/**
 * The pictures of a passed-through source (passthrough.ts): a decoder of
 * its own that the camera hands access units to, one by one, so what it
 * decodes is decided per access unit and never by a race with a running
 * pipeline:
 *
 * ```
 * appsrc "dec" ! avdec_h264 ! videorate ! videoconvert ! videoscale ! appsink "main"
 * ```
 *
 * - Nothing needs every picture (no detector, nobody on the sub stream):
 *   keyframes only, for snapshots and the MJPEG feed; a P-frame needs the
 *   one before, a keyframe nothing.
 * - Something does (a detector, the sub stream while used, WebRTC viewers
 *   of a source with B-frames): every access unit, from a keyframe on. A
 *   change to "every picture" mid-GOP waits for the source's next keyframe,
 *   so the decoder never gets a P-frame whose reference it skipped (its
 *   pictures would be smeared until the next keyframe).
 * - A decoder that falls behind loses the rest of its GOP, not single
 *   access units, for the same reason.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import { type AppSink, type AppSrc, Pipeline, type Sample } from "../../ffi/gst/mod.ts";
import { MAIN_SINK } from "./source.ts";

/** Name of the decoder's appsrc. */
export const DEC_SRC = "dec";
/**
 * Access units queued in the decoder before it counts as behind. Reason:
 * decoding is a frame's work at most; more than half a second of them
 * queued means the machine cannot keep up, and the queue would only grow.
 */
export const DEC_MAX_QUEUED = 16;
/** Largest access unit handed to the decoder (mediacommon's MaxAccessUnitSize). */
const MAX_AU_BYTES = 8 * 2 ** 20;

/**
 * Which access units the decoder gets. Pure: `key` is the access unit's
 * keyframe flag, `every` whether something needs every picture now.
 */
export class DecodeGate {
  /** Decoding every access unit since a keyframe. */
  #run = false;

  take(key: boolean, every: boolean): boolean {
    if (!every) {
      this.#run = false;
      return key;
    }
    if (key) this.#run = true;
    return this.#run;
  }

  /** The decoder lost an access unit (it was behind): nothing more until a keyframe. */
  lost(): void {
    this.#run = false;
  }
}

/**
 * The decoder's pipeline; `threads`: libav's decoding threads (0: one per
 * core). One thread decodes a keyframe a second without the frame-thread
 * delay (each extra thread holds a picture back by a frame interval).
 */
export function decodePipeline(
  cam: CameraConfig,
  options: { fps: number; threads: number },
): string {
  const raw =
    `video/x-raw,format=${cam.format},width=${cam.width},height=${cam.height},framerate=${options.fps}/1`;
  return `appsrc name=${DEC_SRC} format=time is-live=true ` +
    `caps=video/x-h264,stream-format=byte-stream,alignment=au ! ` +
    `avdec_h264 max-threads=${options.threads} ! videorate drop-only=true ! videoconvert ! ` +
    `videoscale ! ${raw} ! appsink name=${MAIN_SINK} max-buffers=2 drop=true sync=false`;
}

/** What the decoder did, for the camera's stats. */
export interface DecodeCounters {
  /** Access units handed to the decoder. */
  decoded: number;
  /** GOPs lost because the decoder was behind. */
  behind: number;
  /** Whether something needs every picture now (else keyframes only). */
  every: boolean;
}

/** The running decoder of one session with the source. */
export class PassthroughDecoder {
  readonly text: string;
  readonly #p: Pipeline;
  readonly #src: AppSrc;
  readonly sink: AppSink;
  readonly #gate = new DecodeGate();
  #scratch = new Uint8Array(256 * 1024);
  /** Kept across sessions by the caller (the camera's stats). */
  readonly counters: DecodeCounters;

  constructor(
    cam: CameraConfig,
    options: { fps: number; threads: number; counters?: DecodeCounters },
  ) {
    this.counters = options.counters ?? { decoded: 0, behind: 0, every: false };
    this.text = decodePipeline(cam, options);
    this.#p = Pipeline.parse(this.text);
    this.#src = this.#p.appSrc(DEC_SRC);
    this.sink = this.#p.appSink(MAIN_SINK);
    this.#p.setState("playing", { timeoutMs: 0 }); // "async" until the first push
  }

  /** Hands `sample` (an access unit in decode order) to the decoder if the gate takes it. */
  offer(sample: Sample, every: boolean): void {
    const key = sample.keyframe;
    this.counters.every = every;
    if (!this.#gate.take(key, every)) return;
    if (this.#src.queuedBuffers >= DEC_MAX_QUEUED) {
      this.#gate.lost();
      this.counters.behind++;
      return;
    }
    const size = sample.size;
    if (size > MAX_AU_BYTES) {
      this.#gate.lost();
      return;
    }
    if (size > this.#scratch.length) this.#scratch = new Uint8Array(size * 2);
    const bytes = this.#scratch.subarray(0, size);
    sample.copyTo(bytes);
    this.#src.push(bytes, {
      pts: sample.pts,
      dts: sample.dts,
      duration: sample.duration,
      keyframe: key,
    });
    this.counters.decoded++;
  }

  /** The decoder's error, if it reported one. */
  error(): Error | null {
    const m = this.#p.bus.pop({ timeoutMs: 0, types: ["error"] });
    return m?.type === "error" ? m.error : null;
  }

  [Symbol.dispose](): void {
    this.#p[Symbol.dispose]();
  }
}
