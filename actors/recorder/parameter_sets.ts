/**
 * The last SPS and PPS seen in the stream, so a segment can start at a
 * keyframe that does not repeat them (some hardware encoders send them once,
 * with the first IDR). h264parse cannot build the codec data without them
 * and the segment would fail ("No valid frames found before end of stream").
 *
 * @module
 */

/**
 * Most bytes of SPS plus PPS kept. Reason: an SPS with scaling lists and VUI
 * is a few hundred bytes, a PPS less; 4 KiB is far past any real pair.
 */
export const MAX_PARAMETER_SET_BYTES = 4096;

const NAL_SPS = 7;
const NAL_PPS = 8;
const START_CODE = [0, 0, 0, 1];

// Yields [start, end) of each NAL unit's payload in an Annex B access unit.
function* nalUnits(au: Uint8Array): Generator<[number, number]> {
  let start = -1;
  for (let i = 0; i + 2 < au.length; i++) {
    if (au[i] !== 0 || au[i + 1] !== 0 || au[i + 2] !== 1) continue;
    if (start >= 0) {
      // A 4-byte start code's leading zero belongs to it, not to the NAL before.
      yield [start, i > start && au[i - 1] === 0 ? i - 1 : i];
    }
    start = i + 3;
    i += 2;
  }
  if (start >= 0 && start < au.length) yield [start, au.length];
}

/** Remembers the newest SPS and PPS of a stream; allocates only when they change size. */
export class ParameterSetCache {
  #bytes = new Uint8Array(MAX_PARAMETER_SET_BYTES);
  #size = 0;

  /** The SPS and PPS as Annex B (with start codes), or null before any were seen. */
  get current(): Uint8Array | null {
    return this.#size === 0 ? null : this.#bytes.subarray(0, this.#size);
  }

  /**
   * Takes the SPS and PPS out of `au` when it carries both. Returns true
   * when it did; pairs larger than {@linkcode MAX_PARAMETER_SET_BYTES} are
   * ignored.
   */
  remember(au: Uint8Array): boolean {
    let sps: [number, number] | null = null;
    let pps: [number, number] | null = null;
    for (const [s, e] of nalUnits(au)) {
      const type = au[s] & 0x1f;
      if (type === NAL_SPS && sps === null) sps = [s, e];
      else if (type === NAL_PPS && pps === null) pps = [s, e];
      if (sps !== null && pps !== null) break;
    }
    if (sps === null || pps === null) return false;
    const size = 8 + (sps[1] - sps[0]) + (pps[1] - pps[0]);
    if (size > MAX_PARAMETER_SET_BYTES) return false;
    let at = 0;
    for (const [s, e] of [sps, pps]) {
      this.#bytes.set(START_CODE, at);
      this.#bytes.set(au.subarray(s, e), at + 4);
      at += 4 + e - s;
    }
    this.#size = at;
    return true;
  }

  /** `au` with the remembered SPS and PPS in front (a new array), or `au` itself when none are known. */
  prefix(au: Uint8Array): Uint8Array {
    const ps = this.current;
    if (ps === null) return au;
    const out = new Uint8Array(ps.length + au.length);
    out.set(ps);
    out.set(au, ps.length);
    return out;
  }
}
