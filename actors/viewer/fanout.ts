/**
 * One camera's RTP packets, copied once out of the shared ring, and a cursor
 * per viewer into them. Each viewer's queue is the span between its cursor
 * and the newest packet: a viewer whose sends do not complete stops taking
 * packets, falls behind on its own, and past {@linkcode MAX_PEER_LAG} skips to
 * the next keyframe, counting what it skipped. Nobody else waits for it, and
 * the ring's writer never does.
 *
 * ```
 *  pool (POOL_PACKETS, oldest overwritten)
 *  ─────────────────────────────────────────────▶ head
 *        ▲ slow viewer        ▲ fast viewer ▲ fast viewer
 *        └── lag > MAX_PEER_LAG: skip to the next keyframe
 * ```
 *
 * @module
 */
import { FrameFlags } from "../defs.ts";

/** Packets kept: ~5 s at 8 Mbps in 1200-byte packets. A power of two. */
export const POOL_PACKETS = 4096;
/** A viewer this far behind skips ahead: ~1.2 s at 8 Mbps, ~5 s at 2 Mbps. */
export const MAX_PEER_LAG = 1024;
/** Sends a viewer may have unfinished; beyond them its queue grows instead. */
export const MAX_IN_FLIGHT = 128;

/** Where a viewer's packets go. */
export interface PacketSink {
  /**
   * Sends pool packet `seq`; `discont` marks the first one after packets
   * were skipped. True when it went out: `done` is called once it is sent.
   */
  send(pool: PacketPool, seq: number, discont: boolean, done: () => void): boolean;
}

export class PacketPool {
  readonly #mask = POOL_PACKETS - 1;
  readonly #packets: (Uint8Array | undefined)[] = new Array(POOL_PACKETS);
  readonly #flags = new Int32Array(POOL_PACKETS);
  readonly #captureNs = new Float64Array(POOL_PACKETS);
  /** Sequence of the next packet; sequences count from 0 and never wrap (2^53). */
  head = 0;
  /** Sequence of the newest keyframe's first packet, or -1. */
  lastKeyframe = -1;

  /** Takes `packet` (not copied: it must not change afterwards). */
  push(packet: Uint8Array, flags: number, captureNs: number): void {
    const i = this.head & this.#mask;
    this.#packets[i] = packet;
    this.#flags[i] = flags;
    this.#captureNs[i] = captureNs;
    if ((flags & FrameFlags.KEYFRAME) !== 0) this.lastKeyframe = this.head;
    this.head++;
  }

  /** The oldest sequence still held. */
  get oldest(): number {
    return Math.max(0, this.head - POOL_PACKETS);
  }

  packet(seq: number): Uint8Array {
    return this.#packets[seq & this.#mask]!;
  }

  flags(seq: number): number {
    return this.#flags[seq & this.#mask];
  }

  captureNs(seq: number): number {
    return this.#captureNs[seq & this.#mask];
  }

  /** Drops every packet (the stream restarted); cursors resync at the next keyframe. */
  clear(): void {
    this.#packets.fill(undefined);
    this.lastKeyframe = -1;
  }
}

/** One viewer's place in the pool. */
export class PeerCursor {
  /** Next sequence to send; -1 until started. */
  next = -1;
  inFlight = 0;
  /** Packets this viewer skipped because it fell behind. */
  dropped = 0;
  sent = 0;
  /** Frames sent whole (packets with the marker bit). */
  frames = 0;
  #waiting = true;
  #discont = false;
  /** Bound once, so counting a finished send allocates nothing. */
  readonly done = (): void => {
    this.inFlight--;
  };

  /** Whether the cursor waits for a keyframe before sending. */
  get waitingForKeyframe(): boolean {
    return this.#waiting;
  }

  /**
   * Starts at the newest keyframe when it is newer than `maxAgeNs` (at
   * `nowNs`), else at the next keyframe. True when it must wait (ask for one).
   */
  start(pool: PacketPool, options: { nowNs: number; maxAgeNs: number }): boolean {
    const k = pool.lastKeyframe;
    const usable = k >= pool.oldest && pool.head - k <= MAX_PEER_LAG &&
      options.nowNs - pool.captureNs(k) <= options.maxAgeNs;
    this.next = usable ? k : pool.head;
    this.#waiting = !usable;
    return !usable;
  }

  /**
   * Sends what this viewer may take now. Returns true when it skipped ahead
   * and waits for a keyframe (the caller asks the encoder for one).
   */
  pump(pool: PacketPool, sink: PacketSink): boolean {
    if (this.next < 0) return false;
    let wantKeyframe = false;
    if (pool.head - this.next > MAX_PEER_LAG || this.next < pool.oldest) {
      const k = pool.lastKeyframe;
      const target = k > this.next && pool.head - k <= MAX_PEER_LAG ? k : pool.head;
      this.dropped += target - this.next;
      this.next = target;
      this.#waiting = target === pool.head;
      this.#discont = true;
      wantKeyframe = this.#waiting;
    }
    while (this.next < pool.head && this.inFlight < MAX_IN_FLIGHT) {
      const seq = this.next++;
      const flags = pool.flags(seq);
      if (this.#waiting) {
        if ((flags & FrameFlags.KEYFRAME) === 0) {
          if (this.sent > 0) this.dropped++; // before the first keyframe nothing is lost
          this.#discont = true;
          continue;
        }
        this.#waiting = false;
      }
      if (sink.send(pool, seq, this.#discont, this.done)) this.inFlight++;
      this.#discont = false;
      this.sent++;
      if ((flags & FrameFlags.MARKER) !== 0) this.frames++;
    }
    return wantKeyframe;
  }

  /** The stream restarted: wait for its next keyframe, with a discontinuity. */
  resync(pool: PacketPool): void {
    if (this.next < 0) return;
    this.next = pool.head;
    this.#waiting = true;
    this.#discont = true;
  }
}
