/**
 * The fields of `moov` and `moof` that tell how long a recording is, how many
 * frames and keyframes it holds, and where each fragment's samples lie.
 * Pure: the bytes of one box in, a summary out.
 *
 * @module
 */
import { type BoxHeader, childBoxes, parseBoxHeader, PayloadReader } from "./mp4_box.ts";

/** What the movie header says about the track the recorder counts (the first video track). */
export interface MovieInfo {
  trackId: number;
  /** Ticks per second of the track. */
  timescale: number;
  /** True when `moov` has `mvex`: the samples live in fragments. */
  fragmented: boolean;
  /** From `trex`: defaults for fragments that leave them out. */
  defaultSampleDuration: number;
  defaultSampleSize: number;
  defaultSampleFlags: number;
  /** Track duration in ticks from `mdhd` (0 in a fragmented file still being written). */
  durationTicks: number;
  /** Samples in `moov` itself (all of a plain MP4, or the first part of some fragmented ones). */
  samples: number;
  syncSamples: number;
  /** Sum of the `stts` durations of those samples, in ticks. */
  sampleTicks: number;
  /** Type of the track's first sample entry in `stsd` ("avc1", "jpeg"), or "" when absent. */
  sampleEntry?: string;
  /** The sample entry of the first sound track ("Opus", "mp4a"), or "" when there is none. */
  sound?: string;
}

/** One fragment's samples of the counted track. */
export interface FragmentInfo {
  samples: number;
  keyframes: number;
  durationTicks: number;
  /** `tfdt` base media decode time, or null when absent. */
  baseDecodeTime: number | null;
  /**
   * File offset just past the last sample byte of any track (0 when the
   * fragment has no samples): a fragment of the sound must be whole too.
   */
  dataEnd: number;
  /** The fragment has a run of the counted track (mp4mux writes one moof per track). */
  counted: boolean;
}

// Sample flags (§8.8.3.1): bit 16 is sample_is_non_sync_sample.
const NON_SYNC = 0x1_0000;
const TRACK_CONTAINERS = new Set(["trak", "mdia", "minf", "stbl"]);

function box(bytes: Uint8Array): BoxHeader {
  const h = parseBoxHeader(bytes, 0, { limit: bytes.length });
  if (h === "need-more" || h.size !== bytes.length) {
    throw new SyntaxError("Box bytes do not hold exactly one box");
  }
  return h;
}

interface TrackFields {
  trackId: number;
  handler: string;
  timescale: number;
  durationTicks: number;
  samples: number;
  syncSamples: number | null;
  sampleTicks: number;
  sampleEntry: string;
}

function readTrack(bytes: Uint8Array, trak: BoxHeader, t: TrackFields): void {
  for (const c of childBoxes(bytes, trak.offset + trak.headerSize, trak.offset + trak.size)) {
    const r = new PayloadReader(bytes, c);
    if (TRACK_CONTAINERS.has(c.type)) {
      readTrack(bytes, c, t);
    } else if (c.type === "tkhd") {
      const { version } = r.versionFlags();
      r.skip(version === 1 ? 16 : 8);
      t.trackId = r.u32();
    } else if (c.type === "mdhd") {
      const { version } = r.versionFlags();
      r.skip(version === 1 ? 16 : 8);
      t.timescale = r.u32();
      t.durationTicks = version === 1 ? r.u64() : r.u32();
    } else if (c.type === "hdlr") {
      r.versionFlags();
      r.skip(4);
      t.handler = r.fourcc();
    } else if (c.type === "stsz") {
      r.versionFlags();
      r.skip(4);
      t.samples = r.u32();
    } else if (c.type === "stts") {
      r.versionFlags();
      const entries = r.u32();
      if (entries * 8 > r.remaining) {
        throw new SyntaxError(`Time-to-sample box claims ${entries} entries`);
      }
      for (let i = 0; i < entries; i++) t.sampleTicks += r.u32() * r.u32();
    } else if (c.type === "stss") {
      r.versionFlags();
      t.syncSamples = r.u32();
    } else if (c.type === "stsd" && r.remaining >= 16) {
      // version/flags, entry_count, then the first entry's box header: size, type.
      r.versionFlags();
      r.skip(8);
      t.sampleEntry = r.fourcc();
    }
  }
}

/**
 * Reads a whole `moov` box.
 *
 * @throws {SyntaxError} when it is malformed or has no track.
 */
export function parseMovie(bytes: Uint8Array): MovieInfo {
  const moov = box(bytes);
  const tracks: TrackFields[] = [];
  const trex = new Map<number, [number, number, number]>();
  let fragmented = false;
  for (const c of childBoxes(bytes, moov.headerSize, moov.size)) {
    if (c.type === "trak") {
      const t: TrackFields = {
        trackId: 0,
        handler: "",
        timescale: 0,
        durationTicks: 0,
        samples: 0,
        syncSamples: null,
        sampleTicks: 0,
        sampleEntry: "",
      };
      readTrack(bytes, c, t);
      tracks.push(t);
    } else if (c.type === "mvex") {
      fragmented = true;
      for (const e of childBoxes(bytes, c.offset + c.headerSize, c.offset + c.size)) {
        if (e.type !== "trex") continue;
        const r = new PayloadReader(bytes, e);
        r.versionFlags();
        const id = r.u32();
        r.skip(4);
        trex.set(id, [r.u32(), r.u32(), r.u32()]);
      }
    }
  }
  const track = tracks.find((t) => t.handler === "vide") ?? tracks[0];
  if (track === undefined) throw new SyntaxError("Movie box has no track");
  if (track.timescale === 0) throw new SyntaxError(`Track ${track.trackId} has a timescale of 0`);
  const [duration, size, flags] = trex.get(track.trackId) ?? [0, 0, 0];
  return {
    trackId: track.trackId,
    timescale: track.timescale,
    fragmented,
    defaultSampleDuration: duration,
    defaultSampleSize: size,
    defaultSampleFlags: flags,
    durationTicks: track.durationTicks,
    samples: track.samples,
    syncSamples: track.syncSamples ?? track.samples,
    sampleTicks: track.sampleTicks,
    sampleEntry: track.sampleEntry,
    sound: tracks.find((t) => t.handler === "soun")?.sampleEntry ?? "",
  };
}

function isKey(flags: number): boolean {
  return (flags & NON_SYNC) === 0;
}

/**
 * Reads a whole `moof` box that starts at file offset `offset`, counting the
 * samples of the movie's track.
 *
 * @throws {SyntaxError} when it is malformed.
 */
export function parseFragment(
  bytes: Uint8Array,
  movie: MovieInfo,
  options: { offset: number },
): FragmentInfo {
  const moof = box(bytes);
  const out: FragmentInfo = {
    samples: 0,
    keyframes: 0,
    durationTicks: 0,
    baseDecodeTime: null,
    dataEnd: 0,
    counted: false,
  };
  // Without base-data-offset, the first traf's data is relative to the moof
  // and each later traf's follows the previous one's (§8.8.7.1).
  let nextData = options.offset;
  for (const traf of childBoxes(bytes, moof.headerSize, moof.size)) {
    if (traf.type !== "traf") continue;
    let base = nextData;
    let runData: number | null = null;
    let counted = false;
    let dur = movie.defaultSampleDuration;
    let size = movie.defaultSampleSize;
    let flags = movie.defaultSampleFlags;
    for (const c of childBoxes(bytes, traf.offset + traf.headerSize, traf.offset + traf.size)) {
      const r = new PayloadReader(bytes, c);
      if (c.type === "tfhd") {
        const f = r.versionFlags().flags;
        counted = r.u32() === movie.trackId;
        out.counted ||= counted;
        if (f & 0x01) base = r.u64();
        else if (f & 0x02_0000) base = options.offset;
        if (f & 0x02) r.skip(4);
        if (f & 0x08) dur = r.u32();
        if (f & 0x10) size = r.u32();
        if (f & 0x20) flags = r.u32();
      } else if (c.type === "tfdt" && counted) {
        out.baseDecodeTime = r.versionFlags().version === 1 ? r.u64() : r.u32();
      } else if (c.type === "trun") {
        const f = r.versionFlags().flags;
        const count = r.u32();
        let at: number = f & 0x01 ? base + r.i32() : runData ?? base;
        const first = f & 0x04 ? r.u32() : flags;
        const perSample = [0x100, 0x200, 0x400, 0x800].filter((b) => f & b).length * 4;
        if (count * perSample > r.remaining) {
          throw new SyntaxError(`Track run claims ${count} samples, more than its box holds`);
        }
        if (perSample === 0) {
          // All samples take the defaults: no loop over a count nobody bounded.
          at += count * size;
          if (counted) {
            out.samples += count;
            out.durationTicks += count * dur;
            out.keyframes += count === 0
              ? 0
              : (isKey(first) ? 1 : 0) + (count - 1) * (isKey(flags) ? 1 : 0);
          }
        } else {
          for (let i = 0; i < count; i++) {
            const d = f & 0x100 ? r.u32() : dur;
            const s = f & 0x200 ? r.u32() : size;
            const sf = f & 0x400 ? r.u32() : i === 0 ? first : flags;
            if (f & 0x800) r.skip(4);
            at += s;
            if (counted) {
              out.samples++;
              out.durationTicks += d;
              if (isKey(sf)) out.keyframes++;
            }
          }
        }
        runData = nextData = at;
        out.dataEnd = Math.max(out.dataEnd, at);
      }
    }
  }
  return out;
}
