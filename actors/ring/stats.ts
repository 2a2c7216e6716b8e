import {
  H_CLOSED,
  H_OLDEST,
  H_WRITE_SEQ,
  H_WRITER_GEN,
  KIND_FIXED,
  MAX_READERS,
  R_CURSOR,
  R_DROPS,
  R_GAPS,
  R_STATE,
  READER_BYTES,
  READER_TABLE,
  views,
} from "./_layout.ts";

/** One attached reader as the ring's table shows it. */
export interface ReaderStats {
  index: number;
  /** Entries committed that this reader has not taken yet. */
  lag: number;
  drops: number;
  gaps: number;
}

/** A ring's state, read without disturbing writer or readers (for metrics and health). */
export interface RingStats {
  kind: "frame" | "bytes";
  entries: number;
  dataBytes: number;
  /** Entries committed since the ring was made. Wraps at 2^32. */
  written: number;
  /** Entries still intact. */
  available: number;
  writerGeneration: number;
  closed: boolean;
  readers: ReaderStats[];
}

/** Reads a ring's header and reader table. */
export function ringStats(sab: SharedArrayBuffer): RingStats {
  const v = views(sab);
  const written = Atomics.load(v.header, H_WRITE_SEQ);
  const oldest = Atomics.load(v.header, H_OLDEST);
  const table = new Int32Array(sab, READER_TABLE, (MAX_READERS * READER_BYTES) / 4);
  const readers: ReaderStats[] = [];
  const stride = READER_BYTES / 4;
  for (let i = 0; i < MAX_READERS; i++) {
    if (Atomics.load(table, i * stride + R_STATE) !== 1) continue;
    readers.push({
      index: i,
      lag: Math.max(0, (written - Atomics.load(table, i * stride + R_CURSOR)) | 0),
      drops: Atomics.load(table, i * stride + R_DROPS) >>> 0,
      gaps: Atomics.load(table, i * stride + R_GAPS) >>> 0,
    });
  }
  return {
    kind: v.kind === KIND_FIXED ? "frame" : "bytes",
    entries: v.entryCount,
    dataBytes: v.dataBytes,
    written: written >>> 0,
    available: Math.max(0, (written - oldest) | 0),
    writerGeneration: Atomics.load(v.header, H_WRITER_GEN),
    closed: Atomics.load(v.header, H_CLOSED) === 1,
    readers,
  };
}
