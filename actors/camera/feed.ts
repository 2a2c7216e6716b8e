/**
 * Copies each frame a source delivers into the camera's rings: the raw ring
 * at the camera's size, and every 1/motion_fps a shrunk copy into the
 * detector's small ring. Stamps capture time (and the timecode when asked)
 * and keeps the frame counters the camera reports.
 *
 * @module
 */
import { type CameraConfig, FrameFlags, FrameFormat, nowNs } from "../defs.ts";
import type { Sample } from "../../ffi/gst/mod.ts";
import { RingWriter } from "../ring/mod.ts";
import { Downscaler } from "./downscale.ts";
import { stampTimecode } from "./timecode.ts";
import { wantsSmall } from "./source.ts";

export interface FeedCounters {
  frames: number;
  smallFrames: number;
}

export class FrameFeed {
  readonly counters: FeedCounters = { frames: 0, smallFrames: 0 };
  readonly #cam: CameraConfig;
  readonly #raw: RingWriter;
  readonly #small: RingWriter;
  readonly #format: FrameFormat;
  readonly #shrink: Downscaler | null;
  readonly #smallEveryNs: number;
  #smallDue = 0;

  constructor(cam: CameraConfig, raw: SharedArrayBuffer, small: SharedArrayBuffer) {
    this.#cam = cam;
    this.#raw = new RingWriter(raw);
    this.#small = new RingWriter(small);
    this.#format = cam.format === "NV12" ? FrameFormat.NV12 : FrameFormat.I420;
    const det = cam.detection;
    this.#shrink = wantsSmall(cam)
      ? new Downscaler({
        srcWidth: cam.width,
        srcHeight: cam.height,
        dstWidth: det.width,
        dstHeight: det.height,
        nv12: cam.format === "NV12",
      })
      : null;
    this.#smallEveryNs = 1e9 / Math.min(det.motion_fps, cam.fps);
  }

  /** Writes one frame. `discont` marks the first frame after a gap (a new session, a loop). */
  push(sample: Sample, discont: boolean): void {
    const cam = this.#cam;
    const size = sample.size;
    const slot = this.#raw.reserve(size);
    sample.copyTo(slot);
    // Both clocks read together, so the stamp (wall clock, what a browser compares
    // against) and the ring's capture time name the same instant.
    const captureNs = nowNs();
    if (cam.timecode) {
      stampTimecode(slot, Date.now(), { format: cam.format, width: cam.width, height: cam.height });
    }
    const pts = sample.pts ?? 0;
    this.#raw.commit(size, {
      pts,
      captureNs,
      durationNs: sample.duration ?? Math.round(1e9 / cam.fps),
      flags: FrameFlags.KEYFRAME | (discont ? FrameFlags.DISCONT : 0),
      format: this.#format,
      width: cam.width,
      height: cam.height,
      aux: 0,
    });
    this.counters.frames++;
    const shrink = this.#shrink;
    if (shrink === null || captureNs < this.#smallDue) return;
    // Every 1/motion_fps: the detector's copy, shrunk from the slot just written.
    const every = this.#smallEveryNs;
    this.#smallDue = captureNs - this.#smallDue > 2 * every
      ? captureNs + every
      : this.#smallDue + every;
    shrink.scale(slot.subarray(0, size), this.#small.reserve(shrink.outputBytes));
    const det = cam.detection;
    this.#small.commit(shrink.outputBytes, {
      pts,
      captureNs,
      durationNs: every,
      flags: FrameFlags.KEYFRAME,
      format: FrameFormat.I420,
      width: det.width,
      height: det.height,
      aux: 0,
    });
    this.counters.smallFrames++;
  }

  /** The camera has no writer any more: readers stop waiting. */
  close(): void {
    this.#raw.close();
    this.#small.close();
  }
}
