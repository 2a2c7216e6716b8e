/** Smallest buffer the pool makes: a typical AU of a small stream fits, few sizes exist. */
const MIN_BUFFER_BYTES = 64 * 1024;

/**
 * Reusable frame buffers for a sender: a frame is encoded into a buffer
 * taken here, queued, written, and given back when the socket is done with
 * it. A steady stream then allocates no new buffers. Buffers are powers of
 * two from 64 KiB, and at most `maxFree` are kept.
 */
export class FramePool {
  readonly #free: ArrayBuffer[] = [];
  readonly #maxFree: number;

  constructor(maxFree: number) {
    this.#maxFree = maxFree;
  }

  /** A view of exactly `bytes` bytes over a pooled or new buffer. */
  take(bytes: number): Uint8Array {
    for (let i = this.#free.length - 1; i >= 0; i--) {
      const buffer = this.#free[i];
      if (buffer.byteLength >= bytes) {
        this.#free[i] = this.#free[this.#free.length - 1];
        this.#free.pop();
        return new Uint8Array(buffer, 0, bytes);
      }
    }
    let size = MIN_BUFFER_BYTES;
    while (size < bytes) size *= 2;
    return new Uint8Array(new ArrayBuffer(size), 0, bytes);
  }

  /** Returns the buffer behind a view from {@linkcode take}. */
  give(view: Uint8Array): void {
    if (this.#free.length < this.#maxFree) this.#free.push(view.buffer as ArrayBuffer);
  }
}
