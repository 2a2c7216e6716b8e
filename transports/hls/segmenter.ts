/**
 * Low-latency HLS (RFC 8216bis §4.4.4.9, §6.2.5) from a live H.264 stream:
 * access units in, fMP4 parts and segments out, kept in memory up to a fixed
 * window. Pure: no timers, no I/O; the caller pushes access units and asks
 * what is ready (actors/hls/ is the live adapter, transports/hls/playlist.ts
 * writes the playlist).
 *
 * - A part is one `moof`+`mdat` of whole frames, at most `partTarget` long,
 *   closed as soon as another frame would not fit; a part that starts with
 *   a keyframe is independent.
 * - A segment is its parts back to back. A new segment starts at a keyframe
 *   once the open one is 0.45 s long, or wherever the open one
 *   would pass the target duration (then its first part is not independent;
 *   with keyframes at least every target duration minus a second, as
 *   targetDurationFor() sets it, that happens only when the encoder skips).
 * - Parts have one id counter across segments, so the preload hint always
 *   names the part that will really come next, whichever segment it opens.
 * - Time is the stream's own: each sample lasts until the next capture time
 *   (a duration out of [1 ms, 1 s] — a gap, a restarted encoder — counts as
 *   the nominal frame time), so the timeline never jumps or goes back. A
 *   frame that comes late (a stalled camera, a loaded machine) keeps its
 *   real duration, even where that makes its part longer than the target:
 *   a timeline shorter than the clock makes players run dry and fall
 *   behind (measured: p50 3.7 s instead of 1.9 s under load).
 *
 * @module
 */
import {
  codecString,
  type ParameterSets,
  parameterSetsOf,
  sameParameterSets,
  toAvcc,
} from "../mp4/avc.ts";
import { NalUnits } from "../rtp/h264/annexb.ts";
import { initSegment, mediaFragment, type Sample, VIDEO_TIMESCALE } from "../mp4/fmp4.ts";

/** One access unit as the encoder wrote it. */
export interface AccessUnit {
  /** Annex B bytes; read during the call only. */
  au: Uint8Array;
  /** Capture time, ns. */
  ptsNs: number;
  keyframe: boolean;
  width: number;
  height: number;
}

export interface Part {
  id: number;
  /** Seconds. */
  duration: number;
  independent: boolean;
  bytes: Uint8Array<ArrayBuffer>;
}

export interface Segment {
  msn: number;
  initId: number;
  /** The init segment changed here (new SPS/PPS, a new size). */
  discontinuity: boolean;
  parts: Part[];
  /** Seconds. */
  duration: number;
  complete: boolean;
}

export interface Init {
  id: number;
  codec: string;
  width: number;
  height: number;
  bytes: Uint8Array<ArrayBuffer>;
}

export interface SegmenterOptions {
  /** Seconds, e.g. 0.2. */
  partTarget: number;
  /** Whole seconds; no segment is longer. At least the keyframe interval. */
  targetDuration: number;
  /** Complete segments kept (and listed). */
  window: number;
  /** Nominal frame rate, for durations the capture times cannot give. */
  fps: number;
}

/**
 * A new segment opens at the next keyframe once the open one has this many
 * seconds. A keyframe asked for out of turn (a new WebRTC viewer) restarts
 * the encoder's interval; one just under this makes a segment of this plus
 * one interval, which {@linkcode targetDurationFor} allows for. Lower would
 * make short segments of every early keyframe; higher, longer targets.
 */
export const SEGMENT_AT_KEYFRAME_S = 0.45;

/**
 * How far past the target duration a segment may run before it is cut
 * without a keyframe. Reason: §4.4.3.1 compares EXTINF rounded to the
 * nearest second, so a segment a few jittered milliseconds longer than its
 * keyframe interval is still within the target.
 */
const SEGMENT_OVERRUN_S = 0.49;
const MIN_SAMPLE_NS = 1e6;
const MAX_SAMPLE_NS = 1e9;

/** The whole-second target duration for keyframes every `keyframeS` seconds (see above). */
export function targetDurationFor(keyframeS: number): number {
  return Math.max(1, Math.ceil(SEGMENT_AT_KEYFRAME_S + keyframeS - SEGMENT_OVERRUN_S));
}

interface Pending {
  data: Uint8Array;
  ptsNs: number;
  keyframe: boolean;
  newInit: boolean;
}

export class Segmenter {
  readonly options: Readonly<SegmenterOptions>;
  readonly segments: Segment[] = [];
  /** Init segments still referenced by a kept segment, the newest last. */
  readonly inits: Init[] = [];
  /** Discontinuities that left the window (EXT-X-DISCONTINUITY-SEQUENCE). */
  discontinuitySequence = 0;
  #ps: ParameterSets | null = null;
  #pending: Pending | null = null;
  #open: Sample[] = [];
  #openTicks = 0;
  #openStart = 0;
  #dts = 0;
  #nextPartId = 0;
  #nextMsn = 0;
  #fragment = 1;
  readonly #nals = new NalUnits();
  readonly #partTicks: number;
  readonly #nominalTicks: number;

  constructor(options: SegmenterOptions) {
    if (!(options.partTarget > 0) || options.partTarget > options.targetDuration) {
      throw new RangeError(`A part target of ${options.partTarget} s does not fit the segments`);
    }
    if (!Number.isInteger(options.targetDuration) || options.targetDuration < 1) {
      throw new RangeError(
        `A target duration must be whole seconds, got ${options.targetDuration}`,
      );
    }
    if (!Number.isInteger(options.window) || options.window < 2) {
      throw new RangeError(`An HLS window must keep at least 2 segments, got ${options.window}`);
    }
    this.options = options;
    this.#partTicks = Math.round(options.partTarget * VIDEO_TIMESCALE);
    this.#nominalTicks = Math.round(VIDEO_TIMESCALE / options.fps);
  }

  /** The id the next part will have (the preload hint). */
  get nextPartId(): number {
    return this.#nextPartId;
  }

  /** The segment being filled, if any. */
  get open(): Segment | undefined {
    const last = this.segments.at(-1);
    return last?.complete === false ? last : undefined;
  }

  /**
   * Takes one access unit. Returns true when a part (and maybe a segment)
   * was completed by it.
   */
  push(unit: AccessUnit): boolean {
    let newInit = false;
    if (unit.keyframe) {
      const ps = parameterSetsOf(unit.au);
      if (ps !== null && (this.#ps === null || !sameParameterSets(ps, this.#ps))) {
        this.#ps = ps;
        const id = (this.inits.at(-1)?.id ?? -1) + 1;
        const bytes = initSegment(ps, { width: unit.width, height: unit.height });
        this.inits.push({
          id,
          codec: codecString(ps),
          width: unit.width,
          height: unit.height,
          bytes,
        });
        newInit = true;
      }
    }
    // Nothing can be played before the first keyframe with its parameter sets.
    if (this.#ps === null || (this.#pending === null && this.segments.length === 0 && !newInit)) {
      return false;
    }
    const p = this.#pending;
    this.#pending = {
      data: toAvcc(unit.au, this.#nals),
      ptsNs: unit.ptsNs,
      keyframe: unit.keyframe,
      newInit,
    };
    if (p === null) return false;
    const ns = unit.ptsNs - p.ptsNs;
    const ticks = ns >= MIN_SAMPLE_NS && ns <= MAX_SAMPLE_NS
      ? Math.round(ns * VIDEO_TIMESCALE / 1e9)
      : this.#nominalTicks;
    return this.#place({ data: p.data, duration: ticks, keyframe: p.keyframe }, p.newInit);
  }

  // Puts a sample whose duration is known into the open part, cutting parts and segments first.
  #place(sample: Sample, newInit: boolean): boolean {
    let changed = false;
    const seg = this.open;
    const segTicks = seg === undefined ? 0 : seg.duration * VIDEO_TIMESCALE + this.#openTicks;
    const cutSegment = seg === undefined || newInit ||
      (sample.keyframe && segTicks >= SEGMENT_AT_KEYFRAME_S * VIDEO_TIMESCALE) ||
      segTicks + sample.duration >
        (this.options.targetDuration + SEGMENT_OVERRUN_S) * VIDEO_TIMESCALE;
    if (cutSegment || this.#openTicks + sample.duration > this.#partTicks) {
      changed = this.#closePart();
    }
    if (cutSegment) {
      if (seg !== undefined) seg.complete = true;
      this.#openSegment(newInit);
    }
    if (this.#open.length === 0) this.#openStart = this.#dts;
    this.#open.push(sample);
    this.#openTicks += sample.duration;
    this.#dts += sample.duration;
    // Close the part now when another sample of the same length would not fit.
    if (this.#openTicks + sample.duration > this.#partTicks) changed = this.#closePart() || changed;
    return changed;
  }

  #closePart(): boolean {
    const seg = this.open;
    if (this.#open.length === 0 || seg === undefined) return false;
    const bytes = mediaFragment(this.#open, {
      sequence: this.#fragment++,
      baseDecodeTime: this.#openStart,
    });
    const duration = this.#openTicks / VIDEO_TIMESCALE;
    seg.parts.push({
      id: this.#nextPartId++,
      duration,
      independent: this.#open[0].keyframe,
      bytes,
    });
    seg.duration += duration;
    this.#open = [];
    this.#openTicks = 0;
    return true;
  }

  #openSegment(newInit: boolean): void {
    const initId = this.inits.at(-1)!.id;
    this.segments.push({
      msn: this.#nextMsn++,
      initId,
      discontinuity: newInit && this.segments.length > 0,
      parts: [],
      duration: 0,
      complete: false,
    });
    // Keep `window` complete segments and the open one.
    while (this.segments.length > this.options.window + 1) {
      if (this.segments.shift()!.discontinuity) this.discontinuitySequence++;
    }
    const oldest = this.segments[0].initId;
    while (this.inits.length > 1 && this.inits[0].id < oldest) this.inits.shift();
  }

  /** The part with `id`, if still kept and complete. */
  part(id: number): Part | undefined {
    for (const s of this.segments) {
      if (s.parts.length === 0 || s.parts[0].id > id) continue;
      const p = s.parts[id - s.parts[0].id];
      if (p !== undefined) return p;
    }
    return undefined;
  }

  /** The complete segment `msn`, if still kept. */
  segment(msn: number): Segment | undefined {
    const s = this.segments.find((x) => x.msn === msn);
    return s?.complete ? s : undefined;
  }

  /**
   * Whether the playlist holds part `part` of segment `msn` (or the whole
   * segment when `part` is null): what a blocking reload waits for.
   */
  has(msn: number, part: number | null): boolean {
    const last = this.segments.at(-1);
    if (last === undefined) return false;
    if (last.msn > msn) {
      // Segment msn is complete (or gone); part-wise, complete means every part is there.
      return true;
    }
    if (last.msn < msn) return false;
    return part === null ? last.complete : last.parts.length > part;
  }
}
