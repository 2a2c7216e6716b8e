/**
 * The sound's way into segments: Opus packets from the audio ring wait in an
 * {@linkcode AudioQueue} until the video passes their time, then go into the
 * open segment's audio track, so that a cut puts each packet in the file its
 * time belongs to. It decides whether a new segment opens with sound (the
 * sound is alive) and when a segment's sound has stopped (the audio actor
 * offline or restarting): the segment then goes on with video alone.
 *
 * @module
 */
import { AudioQueue } from "./audio_queue.ts";
import type { SegmentWriter } from "./segment_writer.ts";

/**
 * How long the sound may lag the video before a segment goes on without it.
 * Reason: the muxer waits for both tracks, holding the video meanwhile; the
 * audio actor writes every 20 ms, so a second without a packet is a fault
 * (it stalls at 2 s by its own watchdog), not jitter.
 */
export const MAX_AUDIO_SILENCE_NS = 1e9;

/**
 * Sound kept beyond the pre-roll while no segment is open. Reason: the
 * keyframe that opens one is up to a GOP (≤ 2 s) old.
 */
const AUDIO_SLACK_S = 3;

/** One Opus packet as the audio ring gave it. */
export interface AudioPacketMeta {
  ptsNs: number;
  durationNs: number;
}

/** What one {@linkcode SoundFeed.feed} did. */
export interface FeedResult {
  /** Packets that went into the segment. */
  pushed: number;
  /** The segment's sound had stopped for this long (ns) and was ended; 0 when it goes on. */
  endedAfterNs: number;
}

/** The sound of one camera's recordings, between the audio ring and the segments. */
export class SoundFeed {
  readonly #queue: AudioQueue;
  readonly #keepNs: number;
  /** Pts of the newest packet taken (it may already be in a segment), or -Infinity. */
  #heardNs = -Infinity;

  /** Keeps sound for `preRollS` seconds (events mode) and a few more while no segment is open. */
  constructor(preRollS: number) {
    const keepS = preRollS + AUDIO_SLACK_S;
    this.#keepNs = keepS * 1e9;
    // 20 ms packets for the time kept, and a second more of headroom.
    this.#queue = new AudioQueue((keepS + 1) * 50);
  }

  /** Takes one packet (copied; `packet` is only valid during the call). */
  take(packet: Uint8Array, meta: AudioPacketMeta): void {
    const q = this.#queue;
    if (meta.ptsNs < this.#heardNs) q.clear(); // a clock that went back: start again
    q.push(packet, meta);
    this.#heardNs = meta.ptsNs;
  }

  /** Whether sound came recently enough (against the newest video) to open a segment with it. */
  alive(newestVideoNs: number): boolean {
    // The newest packet heard, not the queue's: at a cut the closing segment may have taken them all.
    return this.#heardNs >= newestVideoNs - MAX_AUDIO_SILENCE_NS;
  }

  /**
   * Moves the sound before `ns` into `writer` (or, with no segment taking
   * sound, lets go of what is older than the pre-roll), and ends the
   * segment's sound when it lags `ns` by more than
   * {@linkcode MAX_AUDIO_SILENCE_NS}. Throws GstError when the pipeline
   * refuses a packet.
   */
  feed(writer: SegmentWriter | null, ns: number): FeedResult {
    const q = this.#queue;
    const result: FeedResult = { pushed: 0, endedAfterNs: 0 };
    if (writer === null || !writer.audioOpen || writer.pushed === 0) {
      q.dropBefore(ns - this.#keepNs);
      return result;
    }
    for (let p = q.peek(); p !== null && p.ptsNs < ns; p = q.peek()) {
      if (writer.pushAudio(p.bytes, p)) result.pushed++;
      q.shift();
    }
    const heard = Math.max(this.#heardNs, writer.audioEndNs);
    if (ns - heard > MAX_AUDIO_SILENCE_NS) {
      result.endedAfterNs = ns - heard;
      writer.endAudio();
    }
    return result;
  }
}
