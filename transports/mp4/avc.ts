/**
 * H.264 access units from Annex B (start codes, as the encoders write them)
 * to what ISO BMFF carries: length-prefixed NAL units in samples, the SPS and
 * PPS in an `avcC` box (ISO/IEC 14496-15 §5.3.3), and the RFC 6381 codec
 * string (`avc1.PPCCLL`) that HLS's CODECS attribute names. Pure.
 *
 * ```
 * Annex B:  00 00 00 01 | NAL | 00 00 01 | NAL …
 * AVCC:     len u32     | NAL | len u32  | NAL …
 * ```
 *
 * @module
 */

const NAL_AUD = 9;
const NAL_SPS = 7;
const NAL_PPS = 8;

/**
 * Longest SPS or PPS taken. Reason: an SPS with scaling lists and VUI is a
 * few hundred bytes; the avcC box stores each length in 16 bits.
 */
export const MAX_PARAMETER_SET_BYTES = 4096;

/** Yields [start, end) of each NAL unit's payload in an Annex B access unit. */
export function* nalUnits(au: Uint8Array): Generator<[number, number]> {
  let start = -1;
  for (let i = 0; i + 2 < au.length; i++) {
    if (au[i] !== 0 || au[i + 1] !== 0 || au[i + 2] !== 1) continue;
    if (start >= 0) yield [start, i > start && au[i - 1] === 0 ? i - 1 : i];
    start = i + 3;
    i += 2;
  }
  if (start >= 0 && start < au.length) yield [start, au.length];
}

/** The SPS and PPS of a stream, as raw NAL units (no start code). */
export interface ParameterSets {
  sps: Uint8Array;
  pps: Uint8Array;
}

/** The first SPS and PPS in `au` (copies), or null when it lacks either. */
export function parameterSetsOf(au: Uint8Array): ParameterSets | null {
  let sps: Uint8Array | null = null;
  let pps: Uint8Array | null = null;
  for (const [s, e] of nalUnits(au)) {
    const type = au[s] & 0x1f;
    if (e - s > MAX_PARAMETER_SET_BYTES) continue;
    if (type === NAL_SPS && sps === null) sps = au.slice(s, e);
    else if (type === NAL_PPS && pps === null) pps = au.slice(s, e);
  }
  return sps === null || pps === null || sps.length < 4 ? null : { sps, pps };
}

/** Whether two sets of parameter sets are byte for byte the same. */
export function sameParameterSets(a: ParameterSets, b: ParameterSets): boolean {
  const eq = (x: Uint8Array, y: Uint8Array) =>
    x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.sps, b.sps) && eq(a.pps, b.pps);
}

/** RFC 6381 codec string from the SPS: profile_idc, constraint flags, level_idc in hex. */
export function codecString(ps: ParameterSets): string {
  const hex = (v: number) => v.toString(16).padStart(2, "0");
  return `avc1.${hex(ps.sps[1])}${hex(ps.sps[2])}${hex(ps.sps[3])}`;
}

/**
 * The access unit as one AVCC sample (a new array, which the caller keeps):
 * each NAL unit behind its 4-byte length. Access unit delimiters, SPS and
 * PPS are left out (they live in avcC).
 */
export function toAvcc(au: Uint8Array): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const [s, e] of nalUnits(au)) if (kept(au[s])) size += 4 + e - s;
  const out = new Uint8Array(size);
  let at = 0;
  for (const [s, e] of nalUnits(au)) {
    if (!kept(au[s])) continue;
    const n = e - s;
    out[at] = n >>> 24;
    out[at + 1] = (n >>> 16) & 0xff;
    out[at + 2] = (n >>> 8) & 0xff;
    out[at + 3] = n & 0xff;
    out.set(au.subarray(s, e), at + 4);
    at += 4 + n;
  }
  return out;
}

function kept(header: number): boolean {
  const type = header & 0x1f;
  return type !== NAL_AUD && type !== NAL_SPS && type !== NAL_PPS;
}
