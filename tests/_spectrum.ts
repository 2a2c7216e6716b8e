/**
 * The strongest frequency in a stretch of PCM, by FFT (radix 2, Hann
 * window), and how much of the signal's power lies around it: enough to
 * tell that a tone came through a chain intact (its pitch kept, little
 * else added). Test helper; not the code under test.
 */

/** In-place radix-2 FFT of re/im (length a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const a = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(a * k), wi = Math.sin(a * k);
        const xr = re[i + k + len / 2] * wr - im[i + k + len / 2] * wi;
        const xi = re[i + k + len / 2] * wi + im[i + k + len / 2] * wr;
        re[i + k + len / 2] = re[i + k] - xr;
        im[i + k + len / 2] = im[i + k] - xi;
        re[i + k] += xr;
        im[i + k] += xi;
      }
    }
  }
}

export interface Peak {
  /** The strongest frequency, Hz (to the bin's resolution). */
  hz: number;
  /** The power within ±`spreadHz` of it over the whole spectrum's (0–1). */
  share: number;
  /** RMS of the samples, full scale 1. */
  rms: number;
}

/** The peak of `n` (a power of two) samples of 16-bit PCM at `rate` starting at `start`. */
export function peakOf(
  pcm: Int16Array,
  rate: number,
  start: number,
  n = 16384,
  spreadHz = 30,
): Peak {
  if (start + n > pcm.length) {
    throw new RangeError(`Need ${n} samples from ${start}, have ${pcm.length - start}`);
  }
  const re = new Float64Array(n), im = new Float64Array(n);
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const x = pcm[start + i] / 32768;
    sq += x * x;
    re[i] = x * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  }
  fft(re, im);
  const power = new Float64Array(n / 2);
  let best = 1, total = 0;
  for (let k = 1; k < n / 2; k++) {
    power[k] = re[k] * re[k] + im[k] * im[k];
    total += power[k];
    if (power[k] > power[best]) best = k;
  }
  const binHz = rate / n;
  const spread = Math.ceil(spreadHz / binHz);
  let near = 0;
  for (let k = Math.max(1, best - spread); k <= Math.min(n / 2 - 1, best + spread); k++) {
    near += power[k];
  }
  return { hz: best * binHz, share: total === 0 ? 0 : near / total, rms: Math.sqrt(sq / n) };
}
