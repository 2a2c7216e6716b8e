/**
 * Writes the source's own access units into the AU ring while the camera
 * passes its source through (passthrough.ts). Each access unit is stamped
 * on the ring clock, carries a decode time when the stream has B-frames
 * (the ring's aux word holds pts − dts in µs), and starts a run only at a
 * keyframe with its SPS and PPS. The stream's profile, level, size and
 * reordering are read from its SPS; a new size marks a discontinuity, so a
 * recording starts a new segment at it.
 *
 * @module
 */
import { type CameraConfig, FrameFlags, FrameFormat, nowNs } from "../defs.ts";
import type { Sample } from "../../ffi/gst/mod.ts";
import { findParameterSets, parseSps } from "../../transports/rtp/mod.ts";
import { RingWriter } from "../ring/mod.ts";
import { DecodeTimes } from "./passthrough.ts";
import { PassthroughWish } from "./stream_mode.ts";

/**
 * Frames of reordering assumed when a Main or High profile SPS does not say
 * (no VUI bitstream_restriction): x264 with B-pyramid needs 2, and a larger
 * delay only shifts presentation times in a recording.
 */
export const ASSUMED_REORDER = 2;

/** What the source's stream is, as its SPS and timestamps tell. */
export interface SourceStream {
  profileIdc: number;
  /** Profile name for people ("high", "main", "constrained-baseline", …). */
  profile: string;
  /** "4.1", from level_idc. */
  level: string;
  width: number;
  height: number;
  /** The SPS's max_num_reorder_frames, or ASSUMED_REORDER when it does not say. */
  reorderFrames: number;
  /** Whether the SPS itself said so (a VUI with bitstream_restriction, or Baseline). */
  reorderDeclared: boolean;
  /** Presentation times were seen out of decode order: the stream uses B-frames. */
  bFrames: boolean;
}

export interface AccessUnitCounters {
  accessUnits: number;
  /** Access units dropped: before the first keyframe with SPS/PPS, or while the encoder held the ring. */
  dropped: number;
  /** Decode times that had to be placed after a frame's presentation (reorder deeper than said). */
  lateDecode: number;
}

export function profileName(idc: number, constraintFlags: number): string {
  switch (idc) {
    case 66:
      return (constraintFlags & 0x40) !== 0 ? "constrained-baseline" : "baseline";
    case 77:
      return "main";
    case 88:
      return "extended";
    case 100:
      return "high";
    case 110:
      return "high-10";
    case 122:
      return "high-4:2:2";
    case 244:
      return "high-4:4:4";
    default:
      return `profile ${idc}`;
  }
}

export class AccessUnitFeed {
  readonly counters: AccessUnitCounters = { accessUnits: 0, dropped: 0, lateDecode: 0 };
  stream: SourceStream | null = null;
  readonly #au: SharedArrayBuffer;
  readonly #wish: PassthroughWish;
  readonly #frameNs: number;
  readonly #times: DecodeTimes;
  #ring: RingWriter | null = null;
  /** A run starts at a keyframe with SPS/PPS; until then access units are dropped. */
  #started = false;
  #discont = true;
  #ptsBase = 0;
  #clockBase = 0;
  #maxPts = Number.NEGATIVE_INFINITY;

  constructor(cam: CameraConfig, au: SharedArrayBuffer, mode: SharedArrayBuffer) {
    this.#au = au;
    this.#wish = new PassthroughWish(mode);
    this.#frameNs = 1e9 / cam.fps;
    this.#times = new DecodeTimes(this.#frameNs);
  }

  /** Takes the AU ring from the encoder (it lets go within one of its waits, ≤ 100 ms). */
  claim(): void {
    this.#wish.set(true);
  }

  /** Asks the encoder to encode for WebRTC viewers (the source has B-frames). */
  encodeForViewers(on: boolean): void {
    this.#wish.viewers = on;
  }

  /**
   * Whether the stream has or may have B-frames: they were seen, or its SPS
   * says frames are reordered. WebRTC viewers then need eyrie's encode.
   */
  get reorders(): boolean {
    const s = this.stream;
    return s !== null && (s.bFrames || (s.reorderDeclared && s.reorderFrames > 0));
  }

  /** Hands the AU ring back to the encoder. */
  release(): void {
    if (this.#ring !== null) this.#ring.close();
    this.#ring = null;
    this.#wish.set(false);
    this.restart();
  }

  /** The source starts again (a new session): the next run starts at a keyframe. */
  restart(): void {
    this.#started = false;
    this.#discont = true;
    this.#times.reset();
    this.#maxPts = Number.NEGATIVE_INFINITY;
  }

  /** Writes one access unit from the source; false when it was dropped. */
  push(sample: Sample): boolean {
    if (!this.#wish.granted) {
      // The encoder has not let go yet: nothing to build on until a keyframe after it has.
      this.#ring = null;
      this.#started = false;
      this.counters.dropped++;
      return false;
    }
    const ring = this.#ring ??= new RingWriter(this.#au);
    const size = sample.size;
    if (size > ring.maxReservation) {
      this.counters.dropped++;
      this.#started = false;
      return false;
    }
    // Straight into the ring: one copy per access unit. The reservation invalidates the
    // oldest entries in its way even when this one is dropped below, as a write would.
    const bytes = ring.reserve(size).subarray(0, size);
    sample.copyTo(bytes);
    const key = sample.keyframe;
    const sets = key || sample.header ? findParameterSets(bytes) : null;
    if (sets !== null) this.#learn(sets.sps);
    if (!this.#started) {
      if (!key || sets === null || this.stream === null) {
        this.counters.dropped++;
        return false;
      }
      this.#started = true;
      this.#discont = true;
      this.#ptsBase = sample.pts ?? 0;
      this.#clockBase = nowNs();
      this.#times.reset();
      this.#maxPts = Number.NEGATIVE_INFINITY;
    }
    const s = this.stream!;
    const pts = this.#clockBase + ((sample.pts ?? this.#ptsBase) - this.#ptsBase);
    if (pts < this.#maxPts) s.bFrames = true;
    this.#maxPts = Math.max(this.#maxPts, pts);
    let reorderUs = 0;
    if (s.reorderFrames > 0) {
      const late = this.#times.late;
      const dts = this.#times.next(pts, key, s.reorderFrames);
      this.counters.lateDecode += this.#times.late - late;
      reorderUs = Math.max(0, Math.round((pts - dts) / 1000));
    }
    ring.commit(size, {
      pts,
      captureNs: nowNs(),
      durationNs: sample.duration ?? Math.round(this.#frameNs),
      flags: (key ? FrameFlags.KEYFRAME : 0) | (sets !== null ? FrameFlags.CONFIG : 0) |
        (this.#discont ? FrameFlags.DISCONT : 0),
      format: FrameFormat.H264,
      width: s.width,
      height: s.height,
      aux: reorderUs,
    });
    this.#discont = false;
    this.counters.accessUnits++;
    return true;
  }

  /** Reads the stream's SPS; a new picture size is a discontinuity. */
  #learn(sps: Uint8Array): void {
    let info;
    try {
      info = parseSps(sps);
    } catch {
      return; // An SPS eyrie cannot read: the decoder and the muxer still can.
    }
    const old = this.stream;
    if (old !== null && (old.width !== info.width || old.height !== info.height)) {
      this.#discont = true;
    }
    this.stream = {
      profileIdc: info.profileIdc,
      profile: profileName(info.profileIdc, info.constraintFlags),
      level: (info.levelIdc / 10).toString(),
      width: info.width,
      height: info.height,
      reorderFrames: info.reorderFrames ?? ASSUMED_REORDER,
      reorderDeclared: info.reorderFrames !== null,
      bFrames: old?.bFrames ?? false,
    };
  }
}
