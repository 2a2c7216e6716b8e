import type net from "node:net";
import type { PeerIdentity } from "../../certs/mod.ts";
import { type AccessUnitResult, FrameDecoder } from "./decode.ts";
import { FRAME_HEADER_BYTES, type NumberedAccessUnit, WireFlags } from "./frame.ts";

/**
 * Default bound on decoded access units waiting for the consumer: four
 * seconds at 30 fps. Past it the receiver drops, to the next keyframe of
 * that connection.
 *
 * Why drop here rather than pause the socket and let TCP push back: in Deno
 * 2.9.6 a paused node:tls server socket goes on reading and buffers the
 * decrypted stream out of sight (measured: 32 MB held, readableLength 0),
 * and after resume() its 'end' never came. Reading on and dropping keeps the
 * memory bounded. (The sender side is sound: a Deno TLS client's write()
 * returns false and 'drain' comes when the peer reads.)
 */
export const DEFAULT_RECEIVE_QUEUE = 120;
const TWO_32 = 2 ** 32;

/** A decoded access unit that the receiver owns (its `data` is a copy), with its sender. */
export interface ReceivedAccessUnit extends NumberedAccessUnit {
  /** Who sent it; null on a stream the caller accepted without TLS. */
  peer: PeerIdentity | null;
}

/** Options of {@linkcode AuReceiver}. */
export interface AuReceiverOptions {
  /** Default {@linkcode DEFAULT_RECEIVE_QUEUE}. */
  maxQueued?: number;
  /** Refuse access units larger than this (see FrameDecoder). */
  maxPayloadBytes?: number;
  /**
   * Gets each access unit as it is decoded, without a copy: `unit.data` is
   * valid only during the call. When given, nothing is queued for iteration.
   */
  onAccessUnit?: (unit: AccessUnitResult, peer: PeerIdentity | null) => void;
  /** A connection was accepted. */
  onConnection?: (peer: PeerIdentity | null) => void;
  /** A connection ended; `error` says why if it was not a clean end. */
  onDisconnect?: (peer: PeerIdentity | null, error: Error | null) => void;
}

/** Counters of an {@linkcode AuReceiver}. */
export interface AuReceiverStats {
  /** Connections accepted in all. */
  connections: number;
  /** Connections open now. */
  active: number;
  accessUnits: number;
  /** Bytes received, headers included. */
  bytes: number;
  /** Connections that ended on a framing error, mid-frame or on a socket error. */
  errors: number;
  /** Access units the sender numbered but never sent (its drops). */
  gaps: number;
  /** Access units dropped here because the consumer fell behind (and up to the next keyframe). */
  dropped: number;
  /** Access units waiting for the consumer now. */
  queued: number;
  /** TLS handshakes refused (no, bad, revoked or foreign certificate; old TLS). */
  refused: number;
}

/**
 * Decodes access-unit streams from accepted sockets (a TLS server from
 * {@linkcode listenAuReceiver}, or any stream the caller already trusts)
 * and hands them out by callback or async iteration, counting as it goes.
 */
export class AuReceiver implements AsyncIterable<ReceivedAccessUnit> {
  readonly #maxQueued: number;
  readonly #maxPayloadBytes: number | undefined;
  readonly #options: AuReceiverOptions;
  readonly #sockets = new Set<net.Socket>();
  readonly #queue: ReceivedAccessUnit[] = [];
  #waiter: ((result: IteratorResult<ReceivedAccessUnit>) => void) | null = null;
  #closed = false;
  readonly #stats: AuReceiverStats = {
    connections: 0,
    active: 0,
    accessUnits: 0,
    bytes: 0,
    errors: 0,
    gaps: 0,
    dropped: 0,
    queued: 0,
    refused: 0,
  };

  constructor(options: AuReceiverOptions = {}) {
    const max = options.maxQueued ?? DEFAULT_RECEIVE_QUEUE;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Invalid maxQueued "${max}": expected a whole number above 0`);
    }
    this.#maxQueued = max;
    this.#maxPayloadBytes = options.maxPayloadBytes;
    this.#options = options;
  }

  /** A snapshot of the counters. */
  get stats(): AuReceiverStats {
    return { ...this.#stats, queued: this.#queue.length };
  }

  /** Counts a refused handshake (called by the TLS server). */
  countRefusal(): void {
    this.#stats.refused++;
  }

  /** Reads access units from `socket`, which `peer` authenticated (null: not TLS). */
  accept(socket: net.Socket, peer: PeerIdentity | null): void {
    if (this.#closed) {
      socket.destroy();
      return;
    }
    const decoder = new FrameDecoder({ maxPayloadBytes: this.#maxPayloadBytes });
    const stream = { peer, awaitingKeyframe: false };
    let expected = -1;
    let failure: Error | null = null;
    this.#sockets.add(socket);
    this.#stats.connections++;
    this.#stats.active++;
    socket.on("data", (chunk: Uint8Array) => {
      decoder.push(chunk);
      try {
        for (;;) {
          const result = decoder.next();
          if (result.kind === "more") return;
          if (result.kind === "error") throw new Error(result.message);
          if (expected >= 0) this.#stats.gaps += (result.seq - expected + TWO_32) % TWO_32;
          expected = (result.seq + 1) % TWO_32;
          this.#deliver(result, stream);
        }
      } catch (error) {
        // A framing error, or onAccessUnit threw: this connection cannot go on.
        failure ??= error instanceof Error ? error : new Error(String(error));
        socket.destroy();
      }
    });
    socket.on("error", (error: Error) => {
      failure ??= error;
    });
    socket.once("close", () => {
      this.#sockets.delete(socket);
      this.#stats.active--;
      if (failure === null && decoder.pending > 0) {
        failure = new Error(`The stream ended inside a frame (${decoder.pending} bytes held)`);
      }
      if (failure !== null) this.#stats.errors++;
      this.#options.onDisconnect?.(peer, failure);
    });
    this.#options.onConnection?.(peer);
  }

  /** Closes every connection and ends iteration (queued access units are still handed out). */
  close(): Promise<void> {
    this.#closed = true;
    const closing = [...this.#sockets].map((socket) =>
      new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.destroy();
      })
    );
    this.#waiter?.({ value: undefined, done: true });
    this.#waiter = null;
    return Promise.all(closing).then(() => {});
  }

  /** The access units in arrival order, until {@linkcode close}. One consumer at a time. */
  [Symbol.asyncIterator](): AsyncIterator<ReceivedAccessUnit> {
    return {
      next: () => {
        const unit = this.#queue.shift();
        if (unit !== undefined) return Promise.resolve({ value: unit, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.#waiter = resolve));
      },
    };
  }

  #deliver(
    unit: AccessUnitResult,
    stream: { peer: PeerIdentity | null; awaitingKeyframe: boolean },
  ): void {
    this.#stats.accessUnits++;
    this.#stats.bytes += FRAME_HEADER_BYTES + unit.data.length;
    if (this.#options.onAccessUnit) {
      this.#options.onAccessUnit(unit, stream.peer);
      return;
    }
    const keyframe = (unit.flags & WireFlags.KEYFRAME) !== 0;
    if (this.#queue.length >= this.#maxQueued || (stream.awaitingKeyframe && !keyframe)) {
      // A predicted frame needs the one before it: drop until a keyframe.
      stream.awaitingKeyframe = true;
      this.#stats.dropped++;
      return;
    }
    stream.awaitingKeyframe = false;
    const owned: ReceivedAccessUnit = {
      seq: unit.seq,
      flags: unit.flags,
      format: unit.format,
      ptsNs: unit.ptsNs,
      captureNs: unit.captureNs,
      data: unit.data.slice(),
      peer: stream.peer,
    };
    if (this.#waiter !== null) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter({ value: owned, done: false });
      return;
    }
    this.#queue.push(owned);
  }
}
