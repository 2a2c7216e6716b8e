import { NalType } from "./annexb.ts";

/**
 * Largest SPS read. Reason: a real SPS is 10–40 bytes, with VUI and
 * scaling matrices a few hundred; more is garbage, and the unescaped copy
 * lives in a fixed buffer.
 */
export const MAX_SPS_BYTES = 1024;

/** What eyrie needs from a sequence parameter set. */
export interface SpsInfo {
  profileIdc: number;
  /** constraint_set0..5 flags and reserved bits, as the SPS's second byte. */
  constraintFlags: number;
  levelIdc: number;
  /** profile-level-id for SDP: 6 hex digits from the SPS's bytes 1–3. */
  profileLevelId: string;
  /** Picture size after cropping. */
  width: number;
  height: number;
  /**
   * Frames the decoder may have to hold back before showing one (B-frames
   * reorder): the VUI's max_num_reorder_frames; 0 for Baseline profiles
   * (which have no B-frames); null when the SPS does not say.
   */
  reorderFrames: number | null;
}

class BitReader {
  #data: Uint8Array;
  #len: number;
  #bit = 0;

  constructor(data: Uint8Array, len: number) {
    this.#data = data;
    this.#len = len * 8;
  }

  u(n: number): number {
    if (this.#bit + n > this.#len) throw new SyntaxError("SPS is truncated");
    let v = 0;
    for (let i = 0; i < n; i++) {
      const b = this.#bit++;
      v = v * 2 + ((this.#data[b >> 3] >> (7 - (b & 7))) & 1);
    }
    return v;
  }

  // Exp-Golomb (H.264 9.1). 31 leading zeros already exceed any field.
  ue(): number {
    let zeros = 0;
    while (this.u(1) === 0) {
      if (++zeros > 31) throw new SyntaxError("SPS has an Exp-Golomb code longer than 32 bits");
    }
    return 2 ** zeros - 1 + this.u(zeros);
  }

  se(): number {
    const k = this.ue();
    return k & 1 ? (k + 1) / 2 : -(k / 2);
  }
}

// Removes emulation prevention bytes (00 00 03 → 00 00).
function unescape(nal: Uint8Array): { bytes: Uint8Array; len: number } {
  const n = Math.min(nal.length, MAX_SPS_BYTES);
  const out = new Uint8Array(n);
  let len = 0, zeros = 0;
  for (let i = 0; i < n; i++) {
    const b = nal[i];
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    zeros = b === 0 ? zeros + 1 : 0;
    out[len++] = b;
  }
  return { bytes: out, len };
}

const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function skipScalingList(r: BitReader, size: number): void {
  let last = 8, next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

// hrd_parameters() (H.264 E.1.2), skipped.
function skipHrd(r: BitReader): void {
  const cpbCount = r.ue() + 1;
  if (cpbCount > 32) throw new SyntaxError(`SPS HRD has ${cpbCount} CPB specifications`);
  r.u(8); // bit_rate_scale, cpb_size_scale
  for (let i = 0; i < cpbCount; i++) {
    r.ue(); // bit_rate_value_minus1
    r.ue(); // cpb_size_value_minus1
    r.u(1); // cbr_flag
  }
  r.u(20); // four 5-bit lengths and delays
}

// A VUI cut short or out of range says nothing about reordering; the rest of the SPS still stands.
function vuiReorder(r: BitReader): number | null {
  try {
    return readVuiReorder(r);
  } catch (e) {
    if (e instanceof SyntaxError) return null;
    throw e;
  }
}

// vui_parameters() (H.264 E.1.1) up to max_num_reorder_frames; null without bitstream_restriction.
function readVuiReorder(r: BitReader): number | null {
  if (r.u(1) && r.u(8) === 255) r.u(32); // aspect_ratio_idc, Extended_SAR: sar_width, sar_height
  if (r.u(1)) r.u(1); // overscan_info_present_flag, overscan_appropriate_flag
  if (r.u(1)) { // video_signal_type_present_flag
    r.u(4); // video_format, video_full_range_flag
    if (r.u(1)) r.u(24); // colour_description_present_flag: primaries, transfer, matrix
  }
  if (r.u(1)) { // chroma_loc_info_present_flag
    r.ue();
    r.ue();
  }
  if (r.u(1)) { // timing_info_present_flag
    r.u(32); // num_units_in_tick
    r.u(32); // time_scale
    r.u(1); // fixed_frame_rate_flag
  }
  const nalHrd = r.u(1);
  if (nalHrd) skipHrd(r);
  const vclHrd = r.u(1);
  if (vclHrd) skipHrd(r);
  if (nalHrd || vclHrd) r.u(1); // low_delay_hrd_flag
  r.u(1); // pic_struct_present_flag
  if (!r.u(1)) return null; // bitstream_restriction_flag
  r.u(1); // motion_vectors_over_pic_boundaries_flag
  r.ue(); // max_bytes_per_pic_denom
  r.ue(); // max_bits_per_mb_denom
  r.ue(); // log2_max_mv_length_horizontal
  r.ue(); // log2_max_mv_length_vertical
  const reorder = r.ue();
  if (reorder > 16) throw new SyntaxError(`SPS max_num_reorder_frames ${reorder} is over 16`);
  return reorder;
}

/**
 * Reads profile, level and picture size from an SPS NAL unit (header byte
 * first), per H.264 7.3.2.1.1. Throws SyntaxError when it is not an SPS or
 * is cut short, RangeError for sizes no encoder makes.
 */
export function parseSps(nal: Uint8Array): SpsInfo {
  if (nal.length < 4 || (nal[0] & 0x1f) !== NalType.SPS) {
    throw new SyntaxError(`Not an SPS: NAL type ${nal.length ? nal[0] & 0x1f : "none"}`);
  }
  const { bytes, len } = unescape(nal);
  const r = new BitReader(bytes, len);
  r.u(8);
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  r.ue(); // seq_parameter_set_id
  let chromaFormatIdc = 1;
  let separateColourPlane = 0;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ue();
    if (chromaFormatIdc > 3) {
      throw new SyntaxError(`SPS chroma_format_idc ${chromaFormatIdc} is invalid`);
    }
    if (chromaFormatIdc === 3) separateColourPlane = r.u(1);
    r.ue(); // bit_depth_luma_minus8
    r.ue(); // bit_depth_chroma_minus8
    r.u(1); // qpprime_y_zero_transform_bypass_flag
    if (r.u(1)) { // seq_scaling_matrix_present_flag
      const lists = chromaFormatIdc === 3 ? 12 : 8;
      for (let i = 0; i < lists; i++) if (r.u(1)) skipScalingList(r, i < 6 ? 16 : 64);
    }
  }
  r.ue(); // log2_max_frame_num_minus4
  const pocType = r.ue();
  if (pocType === 0) {
    r.ue(); // log2_max_pic_order_cnt_lsb_minus4
  } else if (pocType === 1) {
    r.u(1); // delta_pic_order_always_zero_flag
    r.se(); // offset_for_non_ref_pic
    r.se(); // offset_for_top_to_bottom_field
    const cycle = r.ue();
    if (cycle > 255) throw new SyntaxError(`SPS has ${cycle} reference frames in a POC cycle`);
    for (let i = 0; i < cycle; i++) r.se();
  } else if (pocType !== 2) {
    throw new SyntaxError(`SPS pic_order_cnt_type ${pocType} is invalid`);
  }
  r.ue(); // max_num_ref_frames
  r.u(1); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ue() + 1;
  const heightMapUnits = r.ue() + 1;
  const frameMbsOnly = r.u(1);
  if (!frameMbsOnly) r.u(1); // mb_adaptive_frame_field_flag
  r.u(1); // direct_8x8_inference_flag
  let cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
  if (r.u(1)) {
    cropLeft = r.ue();
    cropRight = r.ue();
    cropTop = r.ue();
    cropBottom = r.ue();
  }
  // Crop units, H.264 table 6-1 and equations 7-19 to 7-22.
  const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
  const subWidth = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
  const subHeight = chromaArrayType === 1 ? 2 : 1;
  const cropX = chromaArrayType === 0 ? 1 : subWidth;
  const cropY = (chromaArrayType === 0 ? 1 : subHeight) * (2 - frameMbsOnly);
  const width = widthMbs * 16 - cropX * (cropLeft + cropRight);
  const height = (2 - frameMbsOnly) * heightMapUnits * 16 - cropY * (cropTop + cropBottom);
  if (widthMbs > 1024 || heightMapUnits > 1024 || width <= 0 || height <= 0) {
    throw new RangeError(`SPS picture size ${width}x${height} is out of range`);
  }
  const hex = (b: number) => b.toString(16).padStart(2, "0");
  const vui = r.u(1) ? vuiReorder(r) : null;
  return {
    reorderFrames: vui ?? (profileIdc === 66 ? 0 : null),
    profileIdc,
    constraintFlags,
    levelIdc,
    profileLevelId: hex(profileIdc) + hex(constraintFlags) + hex(levelIdc),
    width,
    height,
  };
}
