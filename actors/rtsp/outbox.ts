/**
 * What goes out on one RTSP connection: responses, and for a TCP session
 * the interleaved RTP and RTCP. Sending never waits: bytes are appended to
 * a back buffer while the front one is being written, then the two swap,
 * so a packet costs one copy and no allocation. A client that reads more
 * slowly than the stream fills the back buffer; the packet that does not
 * fit is refused (the caller then skips to the next keyframe), responses
 * never are.
 *
 * ```
 *  append ──▶ [ back  ........  ]      swap when the write of front is done
 *  write  ◀── [ front ████████  ]  ──▶ conn.write(front[0, n))
 * ```
 *
 * @module
 */
import { INTERLEAVED_HEADER_BYTES, writeInterleavedHeader } from "../../transports/rtsp/mod.ts";

/** What the outbox writes to (a Deno.Conn). */
export interface Writable {
  write(bytes: Uint8Array): Promise<number>;
}

/** A connection that only carries requests and responses. Reason: an SDP answer is ~600 bytes. */
export const CONTROL_BUFFER_BYTES = 16 * 1024;
/**
 * A connection that carries a stream (TCP interleaved), per buffer: about a
 * quarter of a second at 8 Mbit/s, so a client on a busy Wi-Fi rides out a
 * hiccup, and a stalled one costs at most two of these.
 */
export const STREAM_BUFFER_BYTES = 256 * 1024;

export class Outbox {
  readonly #conn: Writable;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  #front: Uint8Array;
  #back: Uint8Array;
  #length = 0;
  #writingSince = -1;
  #closed = false;
  #idle: (() => void)[] = [];
  /** Bytes written to the connection. */
  written = 0;
  /** Queued packets thrown away so that a response could go out. */
  discarded = 0;

  constructor(conn: Writable, options: { onError: (error: unknown) => void; now?: () => number }) {
    this.#conn = conn;
    this.#onError = options.onError;
    this.#now = options.now ?? performance.now.bind(performance);
    this.#front = new Uint8Array(CONTROL_BUFFER_BYTES);
    this.#back = new Uint8Array(CONTROL_BUFFER_BYTES);
  }

  /** Makes room for a stream (call when a TCP session starts playing). */
  carryStream(): void {
    if (this.#back.length >= STREAM_BUFFER_BYTES) return;
    const back = new Uint8Array(STREAM_BUFFER_BYTES);
    back.set(this.#back.subarray(0, this.#length));
    this.#back = back;
    // The front may be mid-write: it is replaced at the next swap.
  }

  /** How long the write in flight has been waiting for the client to read, in ms (0: none). */
  stalledMs(): number {
    return this.#writingSince < 0 ? 0 : this.#now() - this.#writingSince;
  }

  /** Queues a response. Never refused: queued packets give way (the stream skips to a keyframe). */
  control(bytes: Uint8Array): void {
    if (this.#closed) return;
    if (this.#length + bytes.length > this.#back.length) {
      this.discarded += this.#length;
      this.#length = 0;
      if (bytes.length > this.#back.length) this.#back = new Uint8Array(bytes.length);
    }
    this.#back.set(bytes, this.#length);
    this.#length += bytes.length;
    this.#pump();
  }

  /** Queues `packet[0, n)` on `channel`; false (nothing queued) when there is no room. */
  packet(channel: number, packet: Uint8Array, n: number): boolean {
    if (this.#closed) return false;
    if (this.#length + INTERLEAVED_HEADER_BYTES + n > this.#back.length) return false;
    writeInterleavedHeader(this.#back, this.#length, { channel, length: n });
    this.#back.set(packet.subarray(0, n), this.#length + INTERLEAVED_HEADER_BYTES);
    this.#length += INTERLEAVED_HEADER_BYTES + n;
    this.#pump();
    return true;
  }

  /** Resolves once everything queued so far is written (or the outbox closed). */
  drained(): Promise<void> {
    if (this.#closed || (this.#writingSince < 0 && this.#length === 0)) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  close(): void {
    this.#closed = true;
    this.#length = 0;
    for (const r of this.#idle.splice(0)) r();
  }

  #pump(): void {
    if (this.#writingSince >= 0 || this.#length === 0 || this.#closed) return;
    const out = this.#back;
    const n = this.#length;
    this.#back = this.#front.length >= out.length ? this.#front : new Uint8Array(out.length);
    this.#front = out;
    this.#length = 0;
    this.#writingSince = this.#now();
    (async () => {
      for (let at = 0; at < n && !this.#closed;) at += await this.#conn.write(out.subarray(at, n));
    })().then(
      () => {
        this.written += n;
        this.#writingSince = -1;
        if (this.#length > 0) this.#pump();
        else for (const r of this.#idle.splice(0)) r();
      },
      (error) => {
        this.#writingSince = -1;
        this.close();
        this.#onError(error);
      },
    );
  }
}
