/**
 * Who writes a camera's AU ring: the encoder (its own access units) or the
 * camera (the source's, passed through). A ring has one writer, so the hand
 * over is a two-word handshake in a small SharedArrayBuffer that belongs to
 * the camera node (it outlives both actors):
 *
 * ```
 * word 0  WISH  camera: 1 = I want to pass the source through, 0 = encode
 * word 1  HELD  encoder: 1 = I write nothing to the AU ring now
 * word 2  VIEW  camera: 1 = the source has B-frames: while HELD, encode for
 *               WebRTC viewers into the viewer AU ring (browsers do not play B-frames)
 * word 3  SEEN  main thread: 1 = a WebRTC viewer watches or connects; the
 *               encode for viewers runs only then
 * ```
 *
 * The camera writes an access unit only while WISH = 1 and HELD = 1; the
 * encoder reads WISH before each access unit it would write and answers in
 * HELD first. A switch back to encoding is the camera clearing WISH (it
 * stops writing at once); the encoder resumes with a keyframe.
 *
 * @module
 */
import { waitWord } from "../ring/mod.ts";

const WISH = 0;
const HELD = 1;
const VIEW = 2;
const SEEN = 3;

/** A new mode word: encoding, nobody passing through. */
export function createStreamMode(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT);
}

/** The camera's side. */
export class PassthroughWish {
  readonly #w: Int32Array;

  constructor(sab: SharedArrayBuffer) {
    this.#w = new Int32Array(sab);
  }

  /**
   * Asks to write the AU ring (true) or hands it back to the encoder
   * (false). A new wish clears HELD first, so only an answer the encoder
   * gives after reading this wish grants it.
   */
  set(on: boolean): void {
    if (on && Atomics.load(this.#w, WISH) === 1) return;
    if (on) Atomics.store(this.#w, HELD, 0);
    else Atomics.store(this.#w, VIEW, 0);
    Atomics.store(this.#w, WISH, on ? 1 : 0);
  }

  /** Asks the encoder to encode for WebRTC viewers while it holds off the AU ring. */
  set viewers(on: boolean) {
    Atomics.store(this.#w, VIEW, on ? 1 : 0);
  }

  /** Whether eyrie encodes for WebRTC viewers (asked above) and one watches or connects now. */
  get viewers(): boolean {
    return Atomics.load(this.#w, VIEW) === 1 && Atomics.load(this.#w, SEEN) === 1;
  }

  /** True when the camera may write the AU ring now: it asked, and the encoder let go. */
  get granted(): boolean {
    return Atomics.load(this.#w, WISH) === 1 && Atomics.load(this.#w, HELD) === 1;
  }
}

/** The encoder's side. */
export class EncoderHold {
  readonly #w: Int32Array;

  constructor(sab: SharedArrayBuffer) {
    this.#w = new Int32Array(sab);
  }

  /**
   * Whether the encoder must leave the AU ring alone now; answers the
   * camera as it reads. Call before every write.
   */
  held(): boolean {
    const hold = Atomics.load(this.#w, WISH) === 1;
    Atomics.store(this.#w, HELD, hold ? 1 : 0);
    return hold;
  }

  /** While held: whether to encode for WebRTC viewers (the source has B-frames, and someone watches). */
  get viewers(): boolean {
    return Atomics.load(this.#w, VIEW) === 1 && Atomics.load(this.#w, SEEN) === 1;
  }
}

/** The main thread's word: whether any WebRTC viewer watches or connects now. */
export function setWatched(sab: SharedArrayBuffer, on: boolean): void {
  const w = new Int32Array(sab);
  // Wakes a viewer packetizer that sleeps while nobody watches (waitWatched).
  if (Atomics.exchange(w, SEEN, on ? 1 : 0) !== (on ? 1 : 0)) Atomics.notify(w, SEEN);
}

/** Resolves once a WebRTC viewer watches or connects, or after `timeoutMs`. */
export async function waitWatched(sab: SharedArrayBuffer, timeoutMs: number): Promise<void> {
  // On the coarse clock: a sleeping viewer packetizer wakes only for its timeouts (ring/_tick.ts).
  await waitWord(new Int32Array(sab), SEEN, 0, timeoutMs);
}

/** Whether any WebRTC viewer watches or connects now (the main thread's word). */
export function isWatched(sab: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(sab), SEEN) === 1;
}

/** Whether WebRTC viewers get eyrie's encode (the viewer AU ring) instead of the main stream. */
export function viewersEncoded(sab: SharedArrayBuffer): boolean {
  const w = new Int32Array(sab);
  return Atomics.load(w, WISH) === 1 && Atomics.load(w, VIEW) === 1;
}
