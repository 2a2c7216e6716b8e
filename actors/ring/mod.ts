/**
 * Frame rings over SharedArrayBuffer: one writer, any number of readers with
 * their own cursors. The writer never waits; a slow reader is overrun, counts
 * the drop and resyncs. Torn reads are detected, never returned.
 *
 * Two flavours share one implementation: {@linkcode createFrameRing} (fixed
 * slots for raw frames) and {@linkcode createByteRing} (variable entries for
 * access units and RTP packets).
 *
 * @module
 */
export {
  type CommitOptions,
  createByteRing,
  createFrameRing,
  type EntryMeta,
  NO_NOTIFY,
  RingWriter,
} from "./ring.ts";
export { type ReaderStart, RingReader, type WaitResult } from "./reader.ts";
export { type ReaderStats, type RingStats, ringStats } from "./stats.ts";
export { MAX_READERS } from "./_layout.ts";
export { waitWord } from "./_tick.ts";
