/**
 * The CPU this thread (a Worker's own OS thread) has used, for the viewer
 * actor's capacity (admission.ts): its work and nothing else, where the
 * tick's lateness also counts every other process on the machine. Linux
 * only (/proc/thread-self); elsewhere there is no reading and no limit.
 *
 * @module
 */

/** sysconf(_SC_CLK_TCK) on Linux. */
const CLOCK_TICKS = 100;
/** Shorter windows are mostly rounding: the counters move in 10 ms steps. */
const WINDOW_MS = 500;

/** User + system CPU seconds of the calling thread, or null where /proc cannot say. */
export function threadCpuSeconds(): number | null {
  try {
    const stat = Deno.readTextFileSync("/proc/thread-self/stat");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** This thread's CPU as a share of one core, over the last window of at least WINDOW_MS. */
export class ThreadCpu {
  #startMs: number;
  #startCpu: number | null;
  /** The last window's share (0 until a window has passed, and where it cannot be read). */
  share = 0;

  constructor(nowMs: number) {
    this.#startMs = nowMs;
    this.#startCpu = threadCpuSeconds();
  }

  /** Call from the tick. */
  sample(nowMs: number): void {
    if (this.#startCpu === null || nowMs - this.#startMs < WINDOW_MS) return;
    const cpu = threadCpuSeconds();
    if (cpu === null) return;
    this.share = (cpu - this.#startCpu) / ((nowMs - this.#startMs) / 1000);
    this.#startMs = nowMs;
    this.#startCpu = cpu;
  }
}
