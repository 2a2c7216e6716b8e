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
 *   of a source with B-frames): every access unit, from a keyframe on. The
 *   decoder never gets a P-frame whose reference it skipped (its pictures
 *   would be smeared until the next keyframe). So a change to "every
 *   picture" mid-GOP either catches up at once — with `catchUp` (a camera
 *   with a sub stream), the P-frames since the keyframe the decoder has are
 *   kept ({@linkcode GopTail}) and handed over in one go — or waits for the
 *   source's next keyframe.
 * - A decoder that falls behind loses the rest of its GOP, not single
 *   access units, for the same reason.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import { type AppSink, type AppSrc, Pipeline, type Sample } from "../../ffi/gst/mod.ts";
import { MAIN_SINK } from "./source.ts";
import { isReference } from "./passthrough.ts";

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
/** Bytes of P-frames kept to catch up. Reason: a 2 s GOP at 16 Mb/s; a longer one waits instead. */
export const GOP_TAIL_MAX_BYTES = 4 * 2 ** 20;
/** P-frames kept to catch up: 4 s at 60 fps. */
export const GOP_TAIL_MAX_UNITS = 240;

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

  /** The decoder caught up on the GOP it had the keyframe of: every access unit from here. */
  resume(): void {
    this.#run = true;
  }
}

/**
 * The P-frames since the last keyframe the decoder got, copied into one
 * buffer, for a decoder that is asked for every picture mid-GOP: handed
 * over in order, they bring it to the newest picture at once. Valid only
 * while it holds every one of them since that keyframe.
 */
export class GopTail {
  #bytes = new Uint8Array(256 * 1024);
  #used = 0;
  #count = 0;
  readonly #at = new Int32Array(GOP_TAIL_MAX_UNITS);
  readonly #size = new Int32Array(GOP_TAIL_MAX_UNITS);
  /** pts, dts, duration per unit; -1: none. */
  readonly #times = new Float64Array(GOP_TAIL_MAX_UNITS * 3);
  #valid = false;

  /** Whether it holds every P-frame since the decoder's last keyframe. */
  get valid(): boolean {
    return this.#valid;
  }

  get count(): number {
    return this.#count;
  }

  /** The decoder just got a keyframe: an empty, valid tail. */
  restart(): void {
    this.#used = 0;
    this.#count = 0;
    this.#valid = true;
  }

  /** Nothing to build on until the next keyframe. */
  invalidate(): void {
    this.#valid = false;
    this.#count = 0;
    this.#used = 0;
  }

  /** Keeps one P-frame; past the bounds the tail is no longer valid. */
  add(sample: Sample): void {
    if (!this.#valid) return;
    const size = sample.size;
    if (this.#count >= GOP_TAIL_MAX_UNITS || this.#used + size > GOP_TAIL_MAX_BYTES) {
      this.invalidate();
      return;
    }
    if (this.#used + size > this.#bytes.length) {
      const grown = new Uint8Array(Math.min(GOP_TAIL_MAX_BYTES, (this.#used + size) * 2));
      grown.set(this.#bytes.subarray(0, this.#used));
      this.#bytes = grown;
    }
    sample.copyTo(this.#bytes.subarray(this.#used, this.#used + size));
    const i = this.#count++;
    this.#at[i] = this.#used;
    this.#size[i] = size;
    this.#times[i * 3] = sample.pts ?? -1;
    this.#times[i * 3 + 1] = sample.dts ?? -1;
    this.#times[i * 3 + 2] = sample.duration ?? -1;
    this.#used += size;
  }

  /** Pushes every kept P-frame, in order, and empties the tail (no longer valid). */
  replay(src: AppSrc): number {
    const n = this.#count;
    const t = (v: number) => (v < 0 ? null : v);
    for (let i = 0; i < n; i++) {
      src.push(this.#bytes.subarray(this.#at[i], this.#at[i] + this.#size[i]), {
        pts: t(this.#times[i * 3]),
        dts: t(this.#times[i * 3 + 1]),
        duration: t(this.#times[i * 3 + 2]),
        keyframe: false,
      });
    }
    this.invalidate();
    return n;
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
  /** Access units handed over at once to catch up on a GOP (every picture asked for mid-GOP). */
  caughtUp: number;
  /** Access units no picture refers to, left out while decoding for detection only. */
  skipped: number;
}

/** The running decoder of one session with the source. */
export class PassthroughDecoder {
  readonly text: string;
  readonly #p: Pipeline;
  readonly #src: AppSrc;
  readonly sink: AppSink;
  readonly #gate = new DecodeGate();
  readonly #tail: GopTail | null;
  /**
   * Leave out access units no picture refers to (passthrough.ts
   * decodesReferencesOnly): they cost a decode each and detection, at its
   * low rate, does not need them.
   */
  referencesOnly = false;
  /** Access units just caught up on: the decoder may have that many more queued for a while. */
  #grace = 0;
  #scratch = new Uint8Array(256 * 1024);
  /** Kept across sessions by the caller (the camera's stats). */
  readonly counters: DecodeCounters;

  constructor(
    cam: CameraConfig,
    options: { fps: number; threads: number; counters?: DecodeCounters; catchUp?: boolean },
  ) {
    this.counters = options.counters ??
      { decoded: 0, behind: 0, every: false, caughtUp: 0, skipped: 0 };
    this.#tail = options.catchUp === true ? new GopTail() : null;
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
    const tail = this.#tail;
    if (!this.#gate.take(key, every)) {
      // A P-frame of a GOP whose keyframe alone the decoder has.
      if (tail === null) return;
      if (!every) {
        tail.add(sample);
        return;
      }
      if (!tail.valid) return;
      // Every picture asked for mid-GOP: catch up on the GOP now rather than at its end.
      const n = tail.replay(this.#src);
      this.counters.decoded += n;
      this.counters.caughtUp += n;
      this.#grace = n;
      this.#gate.resume();
    }
    this.#grace = Math.max(0, this.#grace - 1);
    if (this.#src.queuedBuffers >= DEC_MAX_QUEUED + this.#grace) {
      this.#gate.lost();
      tail?.invalidate();
      this.counters.behind++;
      return;
    }
    const size = sample.size;
    if (size > MAX_AU_BYTES) {
      this.#gate.lost();
      tail?.invalidate();
      return;
    }
    if (size > this.#scratch.length) this.#scratch = new Uint8Array(size * 2);
    const bytes = this.#scratch.subarray(0, size);
    sample.copyTo(bytes);
    if (this.referencesOnly && !key && !isReference(bytes)) {
      this.counters.skipped++;
      return;
    }
    this.#src.push(bytes, {
      pts: sample.pts,
      dts: sample.dts,
      duration: sample.duration,
      keyframe: key,
    });
    this.counters.decoded++;
    // Keyframes only: what follows this one is kept, to catch up on if every picture is asked for.
    if (tail !== null) {
      if (key && !every) tail.restart();
      else if (every) tail.invalidate();
    }
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
