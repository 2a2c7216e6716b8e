/**
 * Writing fragmented MP4 (ISO/IEC 14496-12) for one H.264 video track: the
 * initialization segment (`ftyp` + `moov` with an empty sample table and
 * `mvex`) and media fragments (`moof` + `mdat`), which is what HLS (RFC 8216
 * §3.3) and MSE take. Pure: values in, bytes out. No B-frames (every encoder
 * eyrie drives is set up without them), so decode time is presentation time
 * and `trun` carries no composition offsets.
 *
 * ```
 * box:      size u32 | type 4cc | payload
 * full box: size u32 | type 4cc | version u8 | flags u24 | payload
 * ```
 *
 * @module
 */
import type { ParameterSets } from "./avc.ts";

/** Timescale of the video track: the 90 kHz clock of RTP and MPEG. */
export const VIDEO_TIMESCALE = 90_000;
const TRACK_ID = 1;

/** One sample of a fragment. */
export interface Sample {
  /** AVCC bytes (see toAvcc). */
  data: Uint8Array;
  /** In {@linkcode VIDEO_TIMESCALE} units. */
  duration: number;
  keyframe: boolean;
}

const ascii = new TextEncoder();

function box(type: string, ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 8;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(ascii.encode(type), 4);
  let at = 8;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function fullBox(type: string, version: number, flags: number, ...parts: Uint8Array[]) {
  return box(type, u8(version, flags >>> 16, (flags >>> 8) & 0xff, flags & 0xff), ...parts);
}

function u8(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

function u16(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setUint16(i * 2, x));
  return out;
}

function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setUint32(i * 4, x >>> 0));
  return out;
}

function u64(value: number): Uint8Array {
  return u32(Math.floor(value / 2 ** 32), value % 2 ** 32);
}

function zeros(n: number): Uint8Array {
  return new Uint8Array(n);
}

// The identity matrix of mvhd and tkhd (16.16 and 2.30 fixed point).
const MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

function avcC(ps: ParameterSets): Uint8Array {
  return box(
    "avcC",
    // version 1, profile, compatibility, level; 0xff: 4-byte lengths; 0xe1: one SPS.
    u8(1, ps.sps[1], ps.sps[2], ps.sps[3], 0xff, 0xe1),
    u16(ps.sps.length),
    ps.sps,
    u8(1),
    u16(ps.pps.length),
    ps.pps,
  );
}

function avc1(ps: ParameterSets, width: number, height: number): Uint8Array {
  return box(
    "avc1",
    zeros(6),
    u16(1), // data_reference_index
    zeros(16), // pre_defined, reserved, pre_defined[3]
    u16(width, height),
    u32(0x480000, 0x480000, 0), // 72 dpi both ways, reserved
    u16(1), // frame_count
    zeros(32), // compressorname
    u16(0x18, 0xffff), // depth, pre_defined = -1
    avcC(ps),
  );
}

/** The initialization segment of a track of `width` × `height` H.264 video. */
export function initSegment(
  ps: ParameterSets,
  options: { width: number; height: number },
): Uint8Array<ArrayBuffer> {
  const { width, height } = options;
  const ftyp = box("ftyp", ascii.encode("iso5"), u32(512), ascii.encode("iso5iso6mp41"));
  const mvhd = fullBox(
    "mvhd",
    0,
    0,
    u32(0, 0, 1000, 0), // created, modified, timescale, duration
    u32(0x10000), // rate 1.0
    u16(0x100, 0), // volume 1.0, reserved
    zeros(8),
    MATRIX,
    zeros(24),
    u32(TRACK_ID + 1), // next_track_ID
  );
  const tkhd = fullBox(
    "tkhd",
    0,
    3, // enabled, in movie
    u32(0, 0, TRACK_ID, 0, 0), // created, modified, track, reserved, duration
    zeros(8),
    u16(0, 0, 0, 0), // layer, alternate group, volume, reserved
    MATRIX,
    u32(width * 0x10000, height * 0x10000),
  );
  const mdhd = fullBox("mdhd", 0, 0, u32(0, 0, VIDEO_TIMESCALE, 0), u16(0x55c4, 0)); // "und"
  const hdlr = fullBox(
    "hdlr",
    0,
    0,
    u32(0),
    ascii.encode("vide"),
    zeros(12),
    ascii.encode("eyrie\0"),
  );
  const vmhd = fullBox("vmhd", 0, 1, zeros(8));
  const dinf = box("dinf", fullBox("dref", 0, 0, u32(1), fullBox("url ", 0, 1)));
  const stbl = box(
    "stbl",
    fullBox("stsd", 0, 0, u32(1), avc1(ps, width, height)),
    fullBox("stts", 0, 0, u32(0)),
    fullBox("stsc", 0, 0, u32(0)),
    fullBox("stsz", 0, 0, u32(0, 0)),
    fullBox("stco", 0, 0, u32(0)),
  );
  const trak = box("trak", tkhd, box("mdia", mdhd, hdlr, box("minf", vmhd, dinf, stbl)));
  const mvex = box("mvex", fullBox("trex", 0, 0, u32(TRACK_ID, 1, 0, 0, 0)));
  const moov = box("moov", mvhd, trak, mvex);
  const out = new Uint8Array(ftyp.length + moov.length);
  out.set(ftyp);
  out.set(moov, ftyp.length);
  return out;
}

// trun flags: data offset, then per sample duration, size and flags.
const TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400;
// Sample flags: a sync sample depends on no other; any other depends on one and is not sync.
const SYNC_SAMPLE = 0x02000000;
const NON_SYNC_SAMPLE = 0x01010000;
// tfhd: default-base-is-moof, so data offsets count from the moof.
const TFHD_BASE_IS_MOOF = 0x020000;

/**
 * One media fragment: `moof` (fragment `sequence`, decode time of its first
 * sample `baseDecodeTime` in {@linkcode VIDEO_TIMESCALE} units) and the
 * `mdat` with `samples`.
 */
export function mediaFragment(
  samples: readonly Sample[],
  options: { sequence: number; baseDecodeTime: number },
): Uint8Array<ArrayBuffer> {
  if (samples.length === 0) throw new RangeError("A fragment needs at least one sample");
  const entries = new Uint8Array(samples.length * 12);
  const ev = new DataView(entries.buffer);
  let mdatSize = 8;
  samples.forEach((s, i) => {
    ev.setUint32(i * 12, s.duration);
    ev.setUint32(i * 12 + 4, s.data.length);
    ev.setUint32(i * 12 + 8, s.keyframe ? SYNC_SAMPLE : NON_SYNC_SAMPLE);
    mdatSize += s.data.length;
  });
  const build = (dataOffset: number) =>
    box(
      "moof",
      fullBox("mfhd", 0, 0, u32(options.sequence)),
      box(
        "traf",
        fullBox("tfhd", 0, TFHD_BASE_IS_MOOF, u32(TRACK_ID)),
        fullBox("tfdt", 1, 0, u64(options.baseDecodeTime)),
        fullBox("trun", 0, TRUN_FLAGS, u32(samples.length, dataOffset), entries),
      ),
    );
  // The data offset is the moof's own size plus the mdat header; the size does not depend on it.
  const moof = build(build(0).length + 8);
  const out = new Uint8Array(moof.length + mdatSize);
  out.set(moof);
  const v = new DataView(out.buffer);
  v.setUint32(moof.length, mdatSize);
  out.set(ascii.encode("mdat"), moof.length + 4);
  let at = moof.length + 8;
  for (const s of samples) {
    out.set(s.data, at);
    at += s.data.length;
  }
  return out;
}
