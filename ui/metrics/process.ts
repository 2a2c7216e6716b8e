/**
 * The process as a whole: CPU time of every thread (Workers included) and
 * the main thread's event-loop lag.
 *
 * @module
 */
import { processCpuTime } from "../../ffi/libc/mod.ts";

/** User + system CPU seconds of the whole process (every thread); undefined if unknown. */
export function processCpuSeconds(): number | undefined {
  try {
    const t = processCpuTime();
    return t.userSeconds + t.systemSeconds;
  } catch {
    return undefined;
  }
}

/** How often the lag sampler wakes. */
const SAMPLE_MS = 100;
/** The reported lag is the worst of the last one to two windows of this length. */
const WINDOW_MS = 10_000;

/**
 * Event-loop lag of the thread that made it: a timer due every 100 ms notes
 * how late it fires. {@linkcode maxSeconds} is the worst lateness of the last
 * 10–20 s, so a scrape every 15 s misses no stall.
 */
export class EventLoopLag {
  #timer: ReturnType<typeof setInterval>;
  #expected = performance.now() + SAMPLE_MS;
  #current = 0;
  #previous = 0;
  #windowStart = performance.now();

  constructor() {
    this.#timer = setInterval(() => this.#sample(), SAMPLE_MS);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  /** The worst lag of the recent window, in seconds. */
  get maxSeconds(): number {
    return Math.max(this.#current, this.#previous) / 1000;
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #sample(): void {
    const now = performance.now();
    const lag = Math.max(0, now - this.#expected);
    this.#expected = now + SAMPLE_MS;
    if (now - this.#windowStart >= WINDOW_MS) {
      this.#previous = this.#current;
      this.#current = 0;
      this.#windowStart = now;
    }
    if (lag > this.#current) this.#current = lag;
  }
}
