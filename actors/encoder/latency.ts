/**
 * A fixed window of latency samples with percentiles, allocation-free when
 * recording.
 *
 * @module
 */

export class LatencyWindow {
  readonly #samples: Float64Array;
  readonly #sorted: Float64Array;
  #count = 0;
  #at = 0;

  constructor(size = 256) {
    this.#samples = new Float64Array(size);
    this.#sorted = new Float64Array(size);
  }

  record(ms: number): void {
    this.#samples[this.#at] = ms;
    this.#at = (this.#at + 1) % this.#samples.length;
    if (this.#count < this.#samples.length) this.#count++;
  }

  /** The p-th percentile (0..100) of the samples held, nearest-rank; 0 when empty. */
  percentile(p: number): number {
    if (this.#count === 0) return 0;
    const view = this.#sorted.subarray(0, this.#count);
    view.set(this.#samples.subarray(0, this.#count));
    view.sort();
    const rank = Math.min(this.#count - 1, Math.max(0, Math.ceil((p / 100) * this.#count) - 1));
    return view[rank];
  }
}
