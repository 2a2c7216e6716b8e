// Reading H.264 Annex B access units in tests: which NAL unit types they hold.

/** NAL unit types (ITU-T H.264 Table 7-1) that the tests look for. */
export const NAL = { NON_IDR: 1, IDR: 5, SEI: 6, SPS: 7, PPS: 8, AUD: 9 } as const;

/** The nal_unit_type of every NAL unit in an Annex B byte stream. */
export function nalTypes(au: Uint8Array): number[] {
  const types: number[] = [];
  for (let i = 0; i + 3 < au.length; i++) {
    if (au[i] === 0 && au[i + 1] === 0 && au[i + 2] === 1) {
      types.push(au[i + 3] & 0x1f);
      i += 2;
    }
  }
  return types;
}

/** True when the access unit holds an IDR slice. */
export function isIdr(au: Uint8Array): boolean {
  return nalTypes(au).includes(NAL.IDR);
}
