import { MAX_ACCESS_UNIT_BYTES, NalType, NalUnits, splitAnnexB } from "./annexb.ts";

function isVcl(type: number): boolean {
  return type >= 1 && type <= 5;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Puts the parameter sets of an access unit before its first slice, each
 * distinct SPS and PPS once (H.264 7.4.1.2.3 allows none between the slices
 * of a picture). GStreamer's `rtph264pay config-interval=-1` repeats SPS and
 * PPS before every slice of a multi-slice IDR; FFmpeg's parser then takes
 * each slice for a picture of its own (a 60-frame file probes as 62).
 * Access units already in order come back as they are. Reuses one buffer.
 */
export class ParameterSetOrder {
  readonly #nals = new NalUnits();
  #out = new Uint8Array(1 << 16);

  /** The access unit in order: `au` itself, or a view valid until the next call. */
  apply(au: Uint8Array): Uint8Array {
    const nals = splitAnnexB(au, this.#nals);
    let sawVcl = false, late = false;
    for (let i = 0; i < nals.count && !late; i++) {
      const t = nals.type(i);
      if (isVcl(t)) sawVcl = true;
      else if (sawVcl && (t === NalType.SPS || t === NalType.PPS)) late = true;
    }
    if (!late) return au;
    // Every NAL gets a 4-byte start code: at most one byte more each than in `au`.
    const need = au.length + nals.count;
    if (this.#out.length < need) {
      this.#out = new Uint8Array(Math.min(2 * need, MAX_ACCESS_UNIT_BYTES + 4096));
    }
    const out = this.#out;
    let len = 0;
    const put = (i: number) => {
      out[len] = 0, out[len + 1] = 0, out[len + 2] = 0, out[len + 3] = 1;
      out.set(nals.nal(i), len + 4);
      len += 4 + nals.end(i) - nals.start(i);
    };
    // Delimiter first, then the distinct parameter sets, then everything else in order.
    const kept: Uint8Array[] = [];
    if (nals.count > 0 && nals.type(0) === NalType.AUD) put(0);
    for (let i = 0; i < nals.count; i++) {
      const t = nals.type(i);
      if (t !== NalType.SPS && t !== NalType.PPS) continue;
      const nal = nals.nal(i);
      if (kept.some((k) => equal(k, nal))) continue;
      kept.push(nal);
      put(i);
    }
    for (let i = 0; i < nals.count; i++) {
      const t = nals.type(i);
      if (t === NalType.SPS || t === NalType.PPS || (i === 0 && t === NalType.AUD)) continue;
      put(i);
    }
    return out.subarray(0, len);
  }
}
