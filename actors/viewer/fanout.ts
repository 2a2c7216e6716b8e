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

const EMPTY = new Uint8Array(0);

/** Bytes of one pool slot: an Ethernet MTU (the packetizer's packets are at most 1200 bytes). */
export const SLOT_BYTES = 1500;

/** Where a packet comes from (the ring's reader is one): copied in, checked for tearing. */
export interface PacketSource {
  readonly size: number;
  readonly flags: number;
  readonly captureNs: number;
  /** Copies the packet into `dst` at `at`; its size, or -1 if it was overwritten meanwhile. */
  copyTo(dst: Uint8Array, at: number): number;
}

/**
 * The camera's packets, each copied into a slot of one slab made when the
 * first packet comes (POOL_PACKETS × SLOT_BYTES, 6 MiB) and kept for the
 * pool's life: no allocation per packet. A packet bigger than a slot (none
 * from eyrie's packetizer) gets its own buffer.
 *
 * The slab outlives {@linkcode PacketPool.clear}. Reason: a dropped slab is
 * freed only when V8 next collects the Worker's garbage, which external
 * memory triggers only after tens of MB, so a camera whose sessions came and
 * went (half-open offers from a client that never starts ICE, viewers
 * joining and leaving) made a new 6 MiB slab each time its last session
 * ended and kept several dead ones resident (bench/README.md, memgrowth).
 * The viewer actor itself ends after `viewer_idle_s` without sessions, and
 * the slab with it.
 */
export class PacketPool {
  readonly #mask = POOL_PACKETS - 1;
  #slab: Uint8Array | null = null;
  readonly #big: (Uint8Array | undefined)[] = [];
  readonly #sizes = new Int32Array(POOL_PACKETS);
  readonly #flags = new Int32Array(POOL_PACKETS);
  readonly #captureNs = new Float64Array(POOL_PACKETS);
  /** Sequence of the next packet; sequences count from 0 and never wrap (2^53). */
  head = 0;
  /** Sequence of the newest keyframe's first packet, or -1. */
  lastKeyframe = -1;

  /** Copies the source's packet in; false (nothing kept) if it was torn. */
  pushFrom(source: PacketSource): boolean {
    const i = this.head & this.#mask;
    const size = source.size;
    let n: number;
    if (size <= SLOT_BYTES) {
      this.#slab ??= new Uint8Array(POOL_PACKETS * SLOT_BYTES);
      this.#big[i] = undefined;
      n = source.copyTo(this.#slab, i * SLOT_BYTES);
    } else {
      const own = new Uint8Array(size);
      n = source.copyTo(own, 0);
      this.#big[i] = own;
    }
    if (n < 0) return false;
    this.#sizes[i] = n;
    this.#flags[i] = source.flags;
    this.#captureNs[i] = source.captureNs;
    if ((source.flags & FrameFlags.KEYFRAME) !== 0) this.lastKeyframe = this.head;
    this.head++;
    return true;
  }

  /** Copies `packet` in. */
  push(packet: Uint8Array, flags: number, captureNs: number): void {
    this.pushFrom({
      size: packet.length,
      flags,
      captureNs,
      copyTo: (dst, at) => (dst.set(packet, at), packet.length),
    });
  }

  /** The oldest sequence still held. */
  get oldest(): number {
    return Math.max(0, this.head - POOL_PACKETS);
  }

  /** The buffer that holds packet `seq`, from offset(seq), size(seq) bytes (0 once cleared). */
  data(seq: number): Uint8Array {
    return this.#big[seq & this.#mask] ?? this.#slab ?? EMPTY;
  }

  offset(seq: number): number {
    const i = seq & this.#mask;
    return this.#big[i] === undefined ? i * SLOT_BYTES : 0;
  }

  size(seq: number): number {
    return this.#sizes[seq & this.#mask];
  }

  /** A view of packet `seq` (it changes when the slot is reused: copy what must last). */
  packet(seq: number): Uint8Array {
    const at = this.offset(seq);
    return this.data(seq).subarray(at, at + this.size(seq));
  }

  flags(seq: number): number {
    return this.#flags[seq & this.#mask];
  }

  captureNs(seq: number): number {
    return this.#captureNs[seq & this.#mask];
  }

  /**
   * Drops every packet (nobody watches, or the stream restarted) but keeps
   * the slab for the next ones; cursors resync at the next keyframe.
   */
  clear(): void {
    this.#big.length = 0;
    this.#sizes.fill(0);
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
