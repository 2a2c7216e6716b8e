// Memory layout of a ring in one SharedArrayBuffer. All offsets in bytes.
//
//   0        HEADER_BYTES   header words (Int32), see H_* below
//   256      READER_TABLE   MAX_READERS × 16 bytes: state, cursor, drops, gaps (Int32)
//   512      ENTRIES        entryCount × ENTRY_BYTES of metadata, one per sequence number mod entryCount
//   …        DATA           dataBytes of payload, 64-byte aligned
//
// Entry metadata (ENTRY_BYTES = 64):
//   +0  f64 pts (ns)       +8  f64 capture (monotonic ns)   +16 f64 duration (ns)
//   +24 i32 seq            +28 i32 size                      +32 i32 flags
//   +36 i32 format         +40 i32 width                     +44 i32 height
//   +48 i32 offset (into DATA)                               +52 i32 aux (RTP timestamp, …)
//
// Sequence numbers are 32-bit and wrap: compare them with `(a - b) | 0`, never `<`.
//
// Validity: the writer publishes OLDEST, the oldest sequence whose bytes are
// still intact, with a full-fence atomic *before* it writes over older bytes,
// and WRITE_SEQ (the next sequence) *after* it committed an entry. A reader
// that finds its sequence at or after OLDEST after copying (behind a fence)
// read bytes that were not touched during the copy: torn reads are detected,
// never returned.

export const MAGIC = 0x45595231; // "EYR1"
export const KIND_FIXED = 1;
export const KIND_BYTES = 2;

/** Readers per ring. Each consumer actor of a ring takes a fixed index, so a restart reuses it. */
export const MAX_READERS = 16;

export const HEADER_BYTES = 256;
export const READER_BYTES = 16;
export const READER_TABLE = HEADER_BYTES;
export const ENTRIES = READER_TABLE + MAX_READERS * READER_BYTES;
export const ENTRY_BYTES = 64;

// Header words (Int32 indices).
export const H_MAGIC = 0;
export const H_KIND = 1;
export const H_ENTRY_COUNT = 2;
export const H_DATA_BYTES = 3;
export const H_SLOT_BYTES = 4; // fixed rings: bytes per slot; byte rings: 0
export const H_WRITE_SEQ = 5; // next sequence to commit; the wake-up word
export const H_OLDEST = 6; // oldest sequence whose bytes are intact
export const H_WRITER_GEN = 7; // bumped each time a writer attaches
export const H_CLOSED = 8; // 1 while no writer is attached
export const H_HEAD = 9; // byte rings: offset where the next reservation starts
export const H_FENCE = 10; // scratch word for read-side fences

// Reader table words, relative to the reader's first Int32.
export const R_STATE = 0; // 0 free, 1 attached
export const R_CURSOR = 1; // next sequence the reader will take
export const R_DROPS = 2; // entries the reader lost to overruns and torn reads
export const R_GAPS = 3; // times the reader had to resync

// Entry fields: Float64 indices and Int32 indices relative to the entry start.
export const E_PTS = 0;
export const E_CAPTURE = 1;
export const E_DURATION = 2;
export const E_SEQ = 6;
export const E_SIZE = 7;
export const E_FLAGS = 8;
export const E_FORMAT = 9;
export const E_WIDTH = 10;
export const E_HEIGHT = 11;
export const E_OFFSET = 12;
export const E_AUX = 13;

/**
 * Entries are at most this many, and always a power of two: sequences wrap at
 * 2^32, and `seq & (count - 1)` stays continuous across that wrap only then.
 */
export const MAX_ENTRIES = 1 << 20;
/** A ring's data area is at most this large. Reason: offsets are Int32 and rings live in RAM on a Pi. */
export const MAX_DATA_BYTES = 1 << 30;

export function align64(n: number): number {
  return (n + 63) & ~63;
}

export function dataStart(entryCount: number): number {
  return align64(ENTRIES + entryCount * ENTRY_BYTES);
}

/** Typed views over one ring buffer, made once per attach. */
export interface RingViews {
  sab: SharedArrayBuffer;
  header: Int32Array;
  entriesI32: Int32Array;
  entriesF64: Float64Array;
  data: Uint8Array;
  kind: number;
  entryCount: number;
  dataBytes: number;
  slotBytes: number;
}

export function views(sab: SharedArrayBuffer): RingViews {
  if (!(sab instanceof SharedArrayBuffer)) {
    throw new TypeError("A ring must be a SharedArrayBuffer");
  }
  if (sab.byteLength < ENTRIES) {
    throw new RangeError(`A ring of ${sab.byteLength} bytes is too small to hold its header`);
  }
  const header = new Int32Array(sab, 0, HEADER_BYTES / 4);
  if (Atomics.load(header, H_MAGIC) !== MAGIC) {
    throw new TypeError("The SharedArrayBuffer is not an eyrie ring (bad magic)");
  }
  const entryCount = header[H_ENTRY_COUNT];
  const dataBytes = header[H_DATA_BYTES];
  const start = dataStart(entryCount);
  return {
    sab,
    header,
    entriesI32: new Int32Array(sab, ENTRIES, (entryCount * ENTRY_BYTES) / 4),
    entriesF64: new Float64Array(sab, ENTRIES, (entryCount * ENTRY_BYTES) / 8),
    data: new Uint8Array(sab, start, dataBytes),
    kind: header[H_KIND],
    entryCount,
    dataBytes,
    slotBytes: header[H_SLOT_BYTES],
  };
}

/** Index of an entry's first Int32 for a sequence number. `entryCount` is a power of two. */
export function entryBase(seq: number, entryCount: number): number {
  return (seq & (entryCount - 1)) * (ENTRY_BYTES / 4);
}
