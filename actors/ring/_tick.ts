/**
 * One coarse clock per thread for waits that can time out. Reason: a
 * timeout handed to `Atomics.waitAsync` becomes a delayed task of V8's that
 * wakes the thread when it falls due even though the wait ended long before
 * (measured in Deno 2.9: a reader woken by each of 30 writes a second woke
 * 30 more times a second for nothing, one per timed wait), and a
 * `setTimeout` cleared early still wakes the thread for most waits. So a
 * wait asks `waitAsync` without a timeout and races it against this tick,
 * which fires every {@linkcode TICK_MS} while anyone waits: a thread wakes
 * at most ten times a second for timeouts, however many waits it makes.
 *
 * ```
 * write  write  write                      (writer, 30 a second)
 *   │      │      │
 * ──┴──────┴──────┴───  reader wakes only here ...
 * ─────────┼─────────┼  ... and here, every TICK_MS, while a wait is pending
 * ```
 *
 * @module
 */

/** How often the shared clock fires while a wait is pending. */
export const TICK_MS = 100;

let pending = 0;
let timer: ReturnType<typeof setInterval> | undefined;
let resolveTick: () => void = () => {};
let tick: Promise<void> = Promise.resolve();

function renew(): void {
  tick = new Promise<void>((resolve) => (resolveTick = resolve));
}

/**
 * Resolves at the next tick (between 0 and TICK_MS from now). Each call
 * must be paired with {@linkcode release} once its waiter stops listening.
 */
export function nextTick(): Promise<void> {
  if (pending++ === 0) {
    renew();
    // A timer, unlike a pending waitAsync, keeps the event loop alive: waits that may last
    // (a ring without a writer) still end.
    timer = setInterval(() => {
      const fire = resolveTick;
      renew();
      fire();
    }, TICK_MS);
  }
  return tick;
}

/** The waiter that called {@linkcode nextTick} no longer listens; the last one stops the clock. */
export function release(): void {
  if (--pending === 0) {
    clearInterval(timer);
    timer = undefined;
  }
}

/** Pending untimed waits per word, reused while they wait for the same value. */
const words = new WeakMap<
  SharedArrayBuffer,
  Map<number, { value: number; woken: Promise<void> }>
>();

/**
 * Resolves once `view[index]` is no longer `value` (a notify) or after
 * `timeoutMs`, on the coarse clock (up to {@linkcode TICK_MS} late). One
 * untimed `waitAsync` per word and value serves every call, so a word
 * waited on for hours leaves no pile of pending waits behind.
 */
export async function waitWord(
  view: Int32Array<SharedArrayBuffer>,
  index: number,
  value: number,
  timeoutMs: number,
): Promise<void> {
  const sab = view.buffer;
  let byIndex = words.get(sab);
  if (byIndex === undefined) words.set(sab, byIndex = new Map());
  let entry = byIndex.get(index);
  if (entry === undefined || entry.value !== value) {
    const r = Atomics.waitAsync(view, index, value);
    if (!r.async) return;
    const made: { value: number; woken: Promise<void> } = {
      value,
      woken: r.value.then(() => {
        if (byIndex.get(index) === made) byIndex.delete(index);
      }),
    };
    byIndex.set(index, made);
    entry = made;
  }
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const woke = await Promise.race([entry.woken.then(() => true), nextTick().then(() => false)]);
    release();
    if (woke || Atomics.load(view, index) !== value || performance.now() >= deadline) return;
  }
}
