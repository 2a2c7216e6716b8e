/**
 * Reading EBML element headers and the few Matroska fields the recorder
 * needs (RFC 8794 EBML, RFC 9559 Matroska). Pure: bytes in, values out.
 * Nothing here writes Matroska; GStreamer's matroskamux does, and the
 * repair only overwrites the value of a `Duration` the muxer reserved.
 *
 * ```
 * element: ID (1–4 bytes, marker bit kept) | size (1–8 bytes, marker bit
 *          cleared; all value bits set = unknown size) | payload
 * vint:    the count of leading zero bits + 1 is its length in bytes
 *          1xxx xxxx                       1 byte,  7 value bits
 *          01xx xxxx xxxx xxxx             2 bytes, 14 value bits …
 * SimpleBlock payload: track (vint) | timecode i16 (cluster-relative) |
 *                      flags u8 (0x80 keyframe) | frame data
 * ```
 *
 * @module
 */

/** Element IDs used here (marker bits included, as written). */
export const ID = {
  EBML: 0x1a45dfa3,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackType: 0x83,
  CodecID: 0x86,
  CodecPrivate: 0x63a2,
  DefaultDuration: 0x23e383,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  BlockGroup: 0xa0,
  Block: 0xa1,
  ReferenceBlock: 0xfb,
  Cues: 0x1c53bb6b,
  Tags: 0x1254c367,
  Chapters: 0x1043a770,
  Attachments: 0x1941a469,
  Void: 0xec,
  CRC32: 0xbf,
} as const;

/** Elements that sit directly in a Segment: where a Cluster of unknown size ends. */
export const SEGMENT_CHILDREN: ReadonlySet<number> = new Set([
  ID.SeekHead,
  ID.Info,
  ID.Tracks,
  ID.Cluster,
  ID.Cues,
  ID.Tags,
  ID.Chapters,
  ID.Attachments,
]);

/** Bytes to read to be sure of holding any element header (4-byte ID, 8-byte size). */
export const ELEMENT_HEADER_MAX = 12;

/** An element header. */
export interface ElementHeader {
  id: number;
  /** Offset of the element from the start of its buffer or file. */
  offset: number;
  headerSize: number;
  /** Payload bytes, or null for an unknown size (the element runs until its parent's next child). */
  size: number | null;
}

function vintLength(first: number): number {
  for (let n = 1; n <= 8; n++) if (first & (0x100 >> n)) return n;
  return 0;
}

/**
 * Reads the element header at `at` in `bytes` (which start at file offset
 * `offset`).
 *
 * @returns the header, or `"need-more"` when `bytes` ends inside it.
 * @throws {SyntaxError} when the bytes cannot start an element.
 */
export function parseElementHeader(
  bytes: Uint8Array,
  at: number,
  offset: number,
): ElementHeader | "need-more" {
  if (at >= bytes.length) return "need-more";
  const idLength = vintLength(bytes[at]);
  if (idLength === 0 || idLength > 4) {
    throw new SyntaxError(`No EBML element starts at offset ${offset + at}`);
  }
  if (at + idLength >= bytes.length) return "need-more";
  let id = 0;
  for (let i = 0; i < idLength; i++) id = id * 256 + bytes[at + i];
  const sizeAt = at + idLength;
  const sizeLength = vintLength(bytes[sizeAt]);
  if (sizeLength === 0) {
    throw new SyntaxError(`EBML element at offset ${offset + at} has no valid size`);
  }
  if (sizeAt + sizeLength > bytes.length) return "need-more";
  let size = bytes[sizeAt] & (0xff >> sizeLength);
  let allOnes = size === 0xff >> sizeLength;
  for (let i = 1; i < sizeLength; i++) {
    const b = bytes[sizeAt + i];
    if (b !== 0xff) allOnes = false;
    size = size * 256 + b;
  }
  if (!allOnes && size > Number.MAX_SAFE_INTEGER) {
    throw new SyntaxError(`EBML element at offset ${offset + at} claims ${size} bytes`);
  }
  return {
    id,
    offset: offset + at,
    headerSize: idLength + sizeLength,
    size: allOnes ? null : size,
  };
}

/** An unsigned integer element's value (0–8 bytes, big-endian). */
export function readUint(bytes: Uint8Array): number {
  if (bytes.length > 8) throw new SyntaxError(`Integer element of ${bytes.length} bytes`);
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

/** A float element's value (0, 4 or 8 bytes). */
export function readFloat(bytes: Uint8Array): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length === 0) return 0;
  if (bytes.length === 4) return dv.getFloat32(0);
  if (bytes.length === 8) return dv.getFloat64(0);
  throw new SyntaxError(`Float element of ${bytes.length} bytes`);
}

/** The bytes of `value` as a float element payload of `length` (4 or 8) bytes. */
export function floatBytes(value: number, length: 4 | 8): Uint8Array {
  const out = new Uint8Array(length);
  const dv = new DataView(out.buffer);
  if (length === 4) dv.setFloat32(0, value);
  else dv.setFloat64(0, value);
  return out;
}

/** What a block header says: its track, time relative to the cluster, keyframe flag. */
export interface BlockHeader {
  track: number;
  /** Cluster-relative timecode (signed, in TimecodeScale units). */
  timecode: number;
  /** SimpleBlock keyframe flag; always false for a Block (a BlockGroup says it otherwise). */
  keyframe: boolean;
}

/** Reads the start of a SimpleBlock or Block payload (at most 11 bytes are needed). */
export function parseBlockHeader(bytes: Uint8Array): BlockHeader | "need-more" {
  if (bytes.length === 0) return "need-more";
  const n = vintLength(bytes[0]);
  if (n === 0) throw new SyntaxError("Block has no valid track number");
  if (bytes.length < n + 3) return "need-more";
  let track = bytes[0] & (0xff >> n);
  for (let i = 1; i < n; i++) track = track * 256 + bytes[i];
  const raw = (bytes[n] << 8) | bytes[n + 1];
  return {
    track,
    timecode: raw >= 0x8000 ? raw - 0x10000 : raw,
    keyframe: (bytes[n + 2] & 0x80) !== 0,
  };
}
