/**
 * Whether anything uses a camera's sub stream now, as one word in a small
 * SharedArrayBuffer that belongs to the camera node (it outlives the
 * actors that read it, so a restarted sub encoder finds the current word):
 *
 * ```
 * word 0  USERS  main thread: how many use the sub stream now (WebRTC
 *                sessions on it, connecting ones included)
 * ```
 *
 * The sub encoder encodes only while USERS > 0, and for
 * {@linkcode LINGER_MS} after it fell to 0; a passed-through camera decodes
 * every picture for it only then. The main thread notifies the word when it
 * changes, so an idle encoder waiting on it wakes at once.
 *
 * @module
 */

const USERS = 0;

/**
 * How long the sub stream goes on after its last user left. Reason: a
 * viewer that moved up to the main stream and finds it cannot carry it
 * moves down again within seconds (stream_choice.ts), and a grid that is
 * reloaded comes back; both should find the stream running.
 */
export const LINGER_MS = 10_000;

/** A new word: nobody uses the sub stream. */
export function createDemand(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** Sets how many use the sub stream now, and wakes whoever waits for a change. */
export function setDemand(sab: SharedArrayBuffer, users: number): void {
  const w = new Int32Array(sab);
  if (Atomics.exchange(w, USERS, Math.max(0, users | 0)) !== users) Atomics.notify(w, USERS);
}

/** How many use the sub stream now. */
export function demandOf(sab: SharedArrayBuffer): number {
  return Atomics.load(new Int32Array(sab), USERS);
}

/** Resolves when the word is no longer 0, or after `timeoutMs`. */
export async function waitForDemand(sab: SharedArrayBuffer, timeoutMs: number): Promise<void> {
  const r = Atomics.waitAsync(new Int32Array(sab), USERS, 0, timeoutMs);
  if (r.async) await r.value;
}

/**
 * The encoder's view of the word: in use while someone uses the stream and
 * for {@linkcode LINGER_MS} after. Time is the caller's (ms).
 */
export class Demand {
  readonly #sab: SharedArrayBuffer;
  #lastUsedMs = Number.NEGATIVE_INFINITY;

  constructor(sab: SharedArrayBuffer) {
    this.#sab = sab;
  }

  /** Whether the stream must be made now. */
  wanted(nowMs: number): boolean {
    if (demandOf(this.#sab) > 0) {
      this.#lastUsedMs = nowMs;
      return true;
    }
    return nowMs - this.#lastUsedMs < LINGER_MS;
  }
}
