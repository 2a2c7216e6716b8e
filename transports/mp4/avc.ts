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

import { findParameterSets, NalType, NalUnits, splitAnnexB } from "../rtp/h264/annexb.ts";

/**
 * Longest SPS or PPS taken. Reason: an SPS with scaling lists and VUI is a
 * few hundred bytes; the avcC box stores each length in 16 bits.
 */
export const MAX_PARAMETER_SET_BYTES = 4096;

/** The SPS and PPS of a stream, as raw NAL units (no start code). */
export interface ParameterSets {
  sps: Uint8Array;
  pps: Uint8Array;
}

/**
 * The first SPS and PPS in `au` (copies), or null when it lacks either.
 *
 * @throws {SyntaxError} when `au` is not Annex B.
 */
export function parameterSetsOf(au: Uint8Array): ParameterSets | null {
  const found = findParameterSets(au);
  if (found === null || found.sps.length < 4) return null;
  if (found.sps.length > MAX_PARAMETER_SET_BYTES || found.pps.length > MAX_PARAMETER_SET_BYTES) {
    return null;
  }
  return { sps: found.sps.slice(), pps: found.pps.slice() };
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
 * PPS are left out (they live in avcC), and filler data. `nals` is scratch space the caller
 * reuses.
 *
 * @throws {SyntaxError} when `au` is not Annex B.
 */
export function toAvcc(au: Uint8Array, nals = new NalUnits()): Uint8Array<ArrayBuffer> {
  splitAnnexB(au, nals);
  let size = 0;
  for (let i = 0; i < nals.count; i++) if (kept(nals.type(i))) size += 4 + nals.nal(i).length;
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < nals.count; i++) {
    if (!kept(nals.type(i))) continue;
    const nal = nals.nal(i);
    const n = nal.length;
    out[at] = n >>> 24;
    out[at + 1] = (n >>> 16) & 0xff;
    out[at + 2] = (n >>> 8) & 0xff;
    out[at + 3] = n & 0xff;
    out.set(nal, at + 4);
    at += 4 + n;
  }
  return out;
}

function kept(type: number): boolean {
  return type !== NalType.AUD && type !== NalType.SPS && type !== NalType.PPS &&
    type !== NalType.FILLER;
}
