import type net from "node:net";
import { FramePool } from "./_frame_pool.ts";
import { encodeFrame } from "./encode.ts";
import {
  type AccessUnit,
  FRAME_HEADER_BYTES,
  type NumberedAccessUnit,
  WireFlags,
} from "./frame.ts";
import { DEFAULT_QUEUE_ACCESS_UNITS, SendQueue, type SendQueueStats } from "./send_queue.ts";

/** How long {@linkcode AuSender.close} waits for queued frames by default. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;
/** Frames being written (past the queue) that the pool also keeps buffers for. */
const IN_FLIGHT_BUFFERS = 4;
const TWO_32 = 2 ** 32;
const EMPTY: Uint8Array = new Uint8Array(0);

/** Options of {@linkcode AuSender}. */
export interface AuSenderOptions {
  /** Bound on queued access units (default DEFAULT_QUEUE_ACCESS_UNITS). */
  maxQueuedAccessUnits?: number;
  /** Bound on queued bytes, headers included (default DEFAULT_QUEUE_BYTES). */
  maxQueuedBytes?: number;
  /** Sequence number of the first access unit; default 0. */
  firstSeq?: number;
}

/** Counters of an {@linkcode AuSender}. */
export interface AuSenderStats extends SendQueueStats {
  /** Access units written to the socket. */
  sent: number;
  /** Bytes written, headers included. */
  sentBytes: number;
  /** Waiting in the queue now. */
  queued: number;
  queuedBytes: number;
}

/**
 * Sends access units as frames (frame.ts) over a connected socket: TLS from
 * {@linkcode connectAuSender}, or any stream the caller already trusts.
 * `send()` copies the access unit and returns at once; a slow connection
 * fills the bounded {@linkcode SendQueue}, which drops to the next keyframe.
 * The socket itself buffers at most one write past its high-water mark.
 */
export class AuSender {
  readonly #socket: net.Socket;
  readonly #queue: SendQueue<Uint8Array>;
  readonly #pool: FramePool;
  /** The unit being encoded, with its sequence number: one object, reused. */
  readonly #numbered: NumberedAccessUnit = {
    seq: 0,
    flags: 0,
    format: 16,
    ptsNs: 0,
    captureNs: 0,
    data: EMPTY,
  };
  #seq: number;
  #inFlight = 0;
  #sent = 0;
  #sentBytes = 0;
  #waitingDrain = false;
  #closing = false;
  #error: Error | null = null;
  #idle: (() => void) | null = null;
  readonly #closed: Promise<void>;

  constructor(socket: net.Socket, options: AuSenderOptions = {}) {
    this.#socket = socket;
    const maxItems = options.maxQueuedAccessUnits ?? DEFAULT_QUEUE_ACCESS_UNITS;
    this.#pool = new FramePool(maxItems + IN_FLIGHT_BUFFERS);
    this.#queue = new SendQueue<Uint8Array>({
      maxItems,
      maxBytes: options.maxQueuedBytes,
      onDrop: (frame) => this.#pool.give(frame),
    });
    this.#seq = options.firstSeq ?? 0;
    socket.setNoDelay(true);
    // Nothing more comes back, but reading is how the receiver's hang-up is seen.
    socket.resume();
    socket.on("drain", () => {
      this.#waitingDrain = false;
      this.#pump();
    });
    socket.on("error", (error: Error) => {
      this.#error ??= error;
    });
    this.#closed = new Promise((resolve) => socket.once("close", () => resolve()));
    this.#closed.then(() => {
      this.#closing = true;
      this.#queue.clear();
      this.#idle?.();
    });
  }

  /** A snapshot of the counters. */
  get stats(): AuSenderStats {
    return {
      ...this.#queue.stats,
      sent: this.#sent,
      sentBytes: this.#sentBytes,
      queued: this.#queue.length,
      queuedBytes: this.#queue.bytes,
    };
  }

  /** The socket error that ended the connection, if one did. */
  get error(): Error | null {
    return this.#error;
  }

  /** Resolves when the connection is closed, for whatever reason. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /**
   * Queues `unit` (copied: the caller may reuse its buffer at once) or drops
   * it; true if queued. Never waits. Throws like encodeHeader() for a unit
   * the format cannot carry. After close(), or once the connection is gone,
   * returns false and counts nothing.
   */
  send(unit: AccessUnit): boolean {
    if (this.#closing) return false;
    const frame = this.#pool.take(FRAME_HEADER_BYTES + unit.data.length);
    const numbered = this.#numbered;
    numbered.seq = this.#seq;
    numbered.flags = unit.flags;
    numbered.format = unit.format;
    numbered.ptsNs = unit.ptsNs;
    numbered.captureNs = unit.captureNs;
    numbered.data = unit.data;
    try {
      encodeFrame(numbered, frame);
    } catch (error) {
      this.#pool.give(frame);
      throw error;
    } finally {
      numbered.data = EMPTY;
    }
    this.#seq = (this.#seq + 1) % TWO_32;
    const keyframe = (unit.flags & WireFlags.KEYFRAME) !== 0;
    const queued = this.#queue.offer(frame, frame.length, keyframe);
    if (queued) this.#pump();
    return queued;
  }

  /**
   * Stops taking access units, waits up to `timeoutMs` for the queued ones to
   * be written, then ends the connection (destroys it if the peer does not
   * close in that time). Resolves when the socket is closed.
   */
  async close(timeoutMs = DEFAULT_FLUSH_TIMEOUT_MS): Promise<void> {
    this.#closing = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    try {
      if (this.#queue.length > 0 || this.#inFlight > 0) {
        await Promise.race([new Promise<void>((resolve) => (this.#idle = resolve)), deadline]);
      }
      this.#socket.end();
      await Promise.race([this.#closed, deadline]);
    } finally {
      clearTimeout(timer);
      this.#socket.destroy();
      await this.#closed;
    }
  }

  #pump(): void {
    while (!this.#waitingDrain && !this.#socket.destroyed) {
      const frame = this.#queue.shift();
      if (frame === undefined) break;
      this.#inFlight++;
      const more = this.#socket.write(frame, (error) => this.#written(frame, error));
      if (!more) this.#waitingDrain = true;
    }
  }

  #written(frame: Uint8Array, error: Error | null | undefined): void {
    this.#inFlight--;
    if (!error) {
      this.#sent++;
      this.#sentBytes += frame.length;
    }
    this.#pool.give(frame);
    if (this.#inFlight === 0 && this.#queue.length === 0) this.#idle?.();
  }
}
