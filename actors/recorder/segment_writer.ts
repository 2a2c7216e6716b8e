/**
 * One segment file being written: the thin adapter between the recorder
 * Worker and {@linkcode segmentPipeline}. It pushes access units with pts
 * relative to the segment's first one (the muxers rebase to 0 anyway, and
 * ring times are wall-clock ns, past 2^53), closes with end-of-stream so the
 * muxer finalises the file, and measures what it wrote with
 * {@linkcode repairSegment}. Use it from a Worker: pushing and the error
 * check call into GStreamer.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { type AppSrc, type GstError, Pipeline } from "../../ffi/gst/mod.ts";
import {
  AUDIO_APPSRC_NAME,
  MP4_H264,
  OPUS_PRE_SKIP,
  opusCaps,
  type SegmentFormat,
  segmentPipeline,
} from "./mux.ts";
import { repairSegment } from "./segment_scan.ts";
import { opusPacketSamples } from "../../transports/rtp/opus/toc.ts";
import { OPUS_CLOCK_RATE } from "../../transports/rtp/opus/packetize.ts";
import type { SegmentStats } from "./recording_index.ts";

/**
 * How far an Opus packet may start before the end of the one before it and
 * still go in. Reason: packets are stamped from the pipeline's own 20 ms
 * steps, so consecutive ones touch exactly; a rounding ns is not an overlap.
 */
const AUDIO_OVERLAP_NS = 1_000;

/**
 * Most empty packets put in one gap. Reason: the recorder ends a segment's
 * sound after a second without any (MAX_AUDIO_SILENCE_NS), so a longer gap
 * is a clock jump, not missing packets.
 */
const MAX_FILL_PACKETS = 100;

/** An Opus packet with its TOC byte only (code 0, a frame of 0 bytes): a lost frame, silence. */
const EMPTY_OPUS = new Uint8Array(1);

/** The lead-in's step: CELT's shortest frame (config 16, narrowband 2.5 ms). */
const LEAD_STEP_NS = 2_500_000;
/** Most lead-in steps: 2 s, as MAX_FILL_PACKETS of 20 ms. */
const MAX_LEAD_STEPS = 800;
/** A code-3 packet of CELT 2.5 ms frames of 0 bytes each (CBR); byte 1 is the count. */
const LEAD_FILL = new Uint8Array([(16 << 3) | 3, 0]);

/**
 * How late the sound of the AAC branch comes out against the packets' times:
 * opusenc's lookahead (312 samples, which opusdec does not drop) and
 * voaacenc's priming, with no edit list in fMP4 to hide them. The branch
 * takes each packet this much earlier, so the sound keeps its place against
 * the video; the first 33 ms of a segment's sound are silence instead.
 * Measured with a beep on a flash (tests/actors/recorder/sound_segment_test.ts).
 */
export const AAC_LEAD_NS = 33_400_000;

/** A closed segment: what the index records, from a scan of the file. */
export interface ClosedSegment {
  path: string;
  stats: SegmentStats;
  /** Access units pushed and their bytes (the scan counts what reached the file). */
  pushed: number;
  pushedBytes: number;
  /** Opus packets pushed into the audio track (0 for a segment without sound). */
  audioPushed: number;
}

/** A segment file open for writing. */
export class SegmentWriter {
  /** Relative to the recordings dir. */
  readonly path: string;
  /** Pts (ring clock, ns) of the first access unit. */
  readonly startNs: number;
  /** Start in UTC ms, as in the file name. */
  readonly startMs: number;
  readonly #file: string;
  readonly #pipeline: Pipeline;
  readonly #src: AppSrc;
  /** The audio appsrc, null for a segment without sound or once its sound ended. */
  #audio: AppSrc | null = null;
  readonly #hasAudio: boolean;
  /** The sound is decoded and encoded to AAC in the pipeline. */
  readonly #reencode: boolean;
  /** Where the track's time 0 is on the segment's timeline (ns, ≤ 0): the first packet's start. */
  #audioOriginNs = 0;
  #audioPushed = 0;
  /** Where the audio track has reached (relative ns): the end of the last packet pushed. */
  #audioEndNs = 0;
  readonly #frameNs: number;
  #pushed = 0;
  #pushedBytes = 0;
  #lastPts = 0;
  /** The first access unit's presentation delay on the grid (B-frames): decode times start at 0. */
  #shiftNs = 0;
  readonly #minStepNs: number;
  #closing = false;

  private constructor(
    dir: string,
    path: string,
    start: { ns: number; ms: number; frameNs: number; format: SegmentFormat },
  ) {
    this.path = path;
    this.startNs = start.ns;
    this.#frameNs = start.frameNs;
    this.#minStepNs = Math.round(start.frameNs / 2);
    this.startMs = start.ms;
    this.#file = join(dir, ...path.split("/"));
    this.#hasAudio = start.format.audio !== undefined;
    this.#reencode = start.format.audio === "aac";
    Deno.mkdirSync(dirname(this.#file), { recursive: true });
    this.#pipeline = Pipeline.parse(segmentPipeline(this.#file, start.format));
    try {
      this.#src = this.#pipeline.appSrc("src");
      if (start.format.audio !== undefined) {
        // Caps (with the pre-skip that puts the sound in its place) come with the first packet.
        this.#audio = this.#pipeline.appSrc(AUDIO_APPSRC_NAME);
      }
      // "async" until the first buffer arrives (no live source to preroll it).
      this.#pipeline.setState("playing", { timeoutMs: 0 });
    } catch (e) {
      this.#pipeline[Symbol.dispose]();
      throw e;
    }
  }

  /**
   * Opens `path` (relative to `dir`) for a segment whose first access unit
   * has pts `start.ns`, for a stream of one frame every `start.frameNs`, in
   * `start.format` (default: H.264 in fragmented MP4).
   */
  static open(
    dir: string,
    path: string,
    start: { ns: number; ms: number; frameNs: number; format?: SegmentFormat },
  ): SegmentWriter {
    return new SegmentWriter(dir, path, { ...start, format: start.format ?? MP4_H264 });
  }

  /** Access units pushed so far. */
  get pushed(): number {
    return this.#pushed;
  }

  /** Bytes of the access units pushed so far. */
  get pushedBytes(): number {
    return this.#pushedBytes;
  }

  /** Buffers the muxer has not taken yet (the disk or the muxer is behind). */
  get queued(): number {
    return this.#src.queuedBuffers;
  }

  /** The segment was opened with sound, and its audio track is still open. */
  get audioOpen(): boolean {
    return this.#audio !== null;
  }

  /** The segment was opened with sound (whether or not it ended early). */
  get hasAudio(): boolean {
    return this.#hasAudio;
  }

  /** Where the sound pushed so far ends, on the ring clock (ns). */
  get audioEndNs(): number {
    return this.startNs - this.#shiftNs + this.#audioEndNs;
  }

  /** Opus packets pushed so far. */
  get audioPushed(): number {
    return this.#audioPushed;
  }

  /**
   * Pushes one Opus packet (copied) whose first sample was captured at
   * `ptsNs` on the ring clock: the same clock as the video's, so the two
   * tracks keep the sync they were captured with.
   *
   * mp4mux starts every track of a fragmented file at its own time 0 (no
   * edit list), so the audio track must begin where the video does. Its
   * first packet is the one that holds the segment's first instant (its
   * start up to 20 ms early); a sound that starts later is preceded by
   * silence in 2.5 ms steps back to that instant ({@linkcode #leadIn}). Matroska
   * keeps each block's time, so the same packets serve it. A pre-skip in `dOps` for the part before
   * the instant was tried and measured worse with ffmpeg (mp4mux already
   * stretches the first sample), so `dOps` keeps opusenc's own 312. A gap
   * later in the segment (the audio actor restarted) is filled with empty
   * Opus packets (a TOC byte and no frame: RFC 6716 §3.2.1, decoded as
   * silence) of the sound's frame length; a packet that starts before the end of the last one is
   * left out.
   * Returns whether it went in.
   */
  pushAudio(packet: Uint8Array, meta: { ptsNs: number; durationNs: number }): boolean {
    const audio = this.#audio;
    if (audio === null || packet.length === 0) return false;
    const duration = Math.round(meta.durationNs);
    // B-frames shift the video's presentation (push()); the sound moves with it.
    const at = meta.ptsNs - this.startNs + this.#shiftNs;
    if (this.#reencode) return this.#pushAac(audio, packet, at, duration);
    // An empty packet is one frame of this packet's frame size: what a decoder makes of it.
    // (Not the packet's duration: opusenc's first packet is 13.5 ms, its lookahead taken off.)
    EMPTY_OPUS[0] = packet[0] & 0xfc;
    const fillNs = Math.round(opusPacketSamples(EMPTY_OPUS) * 1e9 / OPUS_CLOCK_RATE);
    if (this.#audioPushed === 0) {
      if (at + duration <= 0) return false;
      audio.setCaps(opusCaps(OPUS_PRE_SKIP));
      this.#leadIn(audio, at);
    }
    if (at < this.#audioEndNs - AUDIO_OVERLAP_NS) return false;
    const missing = Math.min(
      Math.floor((at - this.#audioEndNs + AUDIO_OVERLAP_NS) / fillNs),
      MAX_FILL_PACKETS,
    );
    for (let i = 0; i < missing; i++) {
      audio.push(EMPTY_OPUS, { pts: this.#audioEndNs - this.#audioOriginNs, duration: fillNs });
      this.#audioEndNs += fillNs;
    }
    const pts = Math.max(this.#audioEndNs, Math.round(at)) - this.#audioOriginNs;
    audio.push(packet, { pts, duration });
    this.#audioPushed++;
    this.#audioEndNs = pts + this.#audioOriginNs + duration;
    return true;
  }

  /**
   * Starts the track: with sound that starts `at` ns after the video, silence
   * before it in 2.5 ms steps (CELT frames of 0 bytes, up to 48 in a code-3
   * packet: RFC 6716 §3.2.5), so the track's time 0 is the video's within
   * 1.25 ms; sound that starts before the video starts the track itself.
   */
  #leadIn(audio: AppSrc, at: number): void {
    // Bounded as the gaps are (MAX_FILL_PACKETS): past it the clock jumped, and the track starts late.
    let steps = at > 0 ? Math.min(Math.round(at / LEAD_STEP_NS), MAX_LEAD_STEPS) : 0;
    this.#audioOriginNs = at - steps * LEAD_STEP_NS;
    this.#audioEndNs = this.#audioOriginNs;
    while (steps > 0) {
      const n = Math.min(steps, 48);
      LEAD_FILL[1] = n;
      const duration = n * LEAD_STEP_NS;
      audio.push(LEAD_FILL, { pts: this.#audioEndNs - this.#audioOriginNs, duration });
      this.#audioEndNs += duration;
      steps -= n;
    }
  }

  /**
   * The AAC branch: the packets at their own times, less what opusdec and
   * voaacenc put before the sound ({@linkcode AAC_LEAD_NS}); audiorate in the
   * branch fills the start and any gap with silence from those times.
   */
  #pushAac(audio: AppSrc, packet: Uint8Array, at: number, duration: number): boolean {
    const pts = Math.round(at - AAC_LEAD_NS);
    if (pts < 0 || (this.#audioPushed > 0 && at < this.#audioEndNs - AUDIO_OVERLAP_NS)) {
      return false;
    }
    if (this.#audioPushed === 0) audio.setCaps(opusCaps(OPUS_PRE_SKIP));
    audio.push(packet, { pts, duration });
    this.#audioPushed++;
    this.#audioEndNs = at + duration;
    return true;
  }

  /**
   * Ends the audio track for the rest of the segment (the sound stalled):
   * the muxer stops waiting for it and the video goes on alone. Throws
   * GstError when the pipeline already failed.
   */
  endAudio(): void {
    const audio = this.#audio;
    if (audio === null) return;
    this.#audio = null;
    audio.endOfStream();
  }

  /**
   * Pushes one access unit (copied). Its time goes on the frame grid: the
   * camera's videorate makes one frame every frame interval, but ring times
   * are taken when JS pulls a frame, a few ms late (measured under load:
   * p99 ±5 ms, worst +43 ms at 30 fps), and two frames pulled in one burst
   * would get nearly equal times. A frame takes the nearest grid slot, and
   * always comes at least half an interval after the one before: a frame
   * more than half an interval late costs one half step, never a lasting
   * shift. Throws GstError when the pipeline refuses it.
   */
  push(au: Uint8Array, meta: { ptsNs: number; keyframe: boolean; reorderNs?: number }): void {
    const reorder = meta.reorderNs ?? 0;
    if (this.#pushed === 0) this.#shiftNs = this.#onGrid(reorder);
    if (this.#shiftNs === 0 && reorder === 0) {
      const raw = Math.max(0, meta.ptsNs - this.startNs);
      const pts = this.#pushed === 0
        ? 0
        : Math.max(this.#onGrid(raw), this.#lastPts + this.#minStepNs);
      this.#src.push(au, { pts, duration: Math.round(this.#frameNs), keyframe: meta.keyframe });
      this.#lastPts = pts;
    } else {
      // B-frames: presentation and decode times each on the grid, shifted so that the first
      // keyframe is decoded at 0; decode times only go forward and never pass presentation.
      const pts = this.#onGrid(Math.max(0, meta.ptsNs - this.startNs + this.#shiftNs));
      const rawDts = this.#onGrid(Math.max(0, meta.ptsNs - reorder - this.startNs + this.#shiftNs));
      const dts = this.#pushed === 0 ? 0 : Math.max(rawDts, this.#lastPts + this.#minStepNs);
      this.#src.push(au, {
        pts: Math.max(pts, dts),
        dts,
        duration: Math.round(this.#frameNs),
        keyframe: meta.keyframe,
      });
      this.#lastPts = dts;
    }
    this.#pushed++;
    this.#pushedBytes += au.length;
  }

  /** The nearest frame-grid time, in whole ns. */
  #onGrid(ns: number): number {
    return Math.round(Math.round(ns / this.#frameNs) * this.#frameNs);
  }

  /** The pipeline's error, if it reported one (a full disk, a file it cannot write). */
  error(): GstError | null {
    const m = this.#pipeline.bus.pop({ timeoutMs: 0, types: ["error"] });
    return m?.type === "error" ? m.error : null;
  }

  /**
   * Ends the segment: end-of-stream, wait (≤ `timeoutMs`, off the event
   * loop) for mp4mux to finalise, release the pipeline, and measure the
   * file. A segment that did not finalise in time is measured as it is.
   */
  async close(timeoutMs: number): Promise<ClosedSegment> {
    if (this.#closing) throw new TypeError(`Segment ${this.path} is already closing`);
    this.#closing = true;
    let finished = this.#pushed === 0;
    try {
      if (this.#pushed > 0) {
        this.#audio?.endOfStream();
        this.#audio = null;
        this.#src.endOfStream();
        const m = await this.#pipeline.bus.popAsync({ timeoutMs, types: ["eos", "error"] });
        finished = m?.type === "eos";
      }
    } catch {
      // A pipeline that already failed refuses end-of-stream: measure what it left.
    } finally {
      this.#pipeline[Symbol.dispose]();
    }
    // A failed or unfinished segment may end inside a fragment, block or
    // chunk: cut it back to the last whole one (and give it what a clean close writes).
    const scan = await repairSegment(this.#file).then((r) => r.scan, () => null);
    const stats: SegmentStats = scan === null ? emptyStats(this.startMs) : {
      endMs: this.startMs + scan.durationMs,
      bytes: scan.fileBytes,
      frames: scan.frames,
      keyframes: scan.keyframes,
      complete: finished && scan.finalised && scan.damage === null,
      codec: scan.codec,
    };
    return {
      path: this.path,
      stats,
      pushed: this.#pushed,
      pushedBytes: this.#pushedBytes,
      audioPushed: this.#audioPushed,
    };
  }

  /** Releases the pipeline at once, leaving the file as a crash would. */
  abort(): void {
    this.#closing = true;
    this.#pipeline[Symbol.dispose]();
  }
}

function emptyStats(startMs: number): SegmentStats {
  return { endMs: startMs, bytes: 0, frames: 0, keyframes: 0, complete: false };
}
