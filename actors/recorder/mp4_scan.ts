/**
 * Scans a segment file box by box, reading headers and the small `moov` and
 * `moof` boxes only (never sample data), to learn its duration, frame and
 * keyframe counts, and where the playable part ends. Repairs a file that a
 * crash cut inside a fragment by truncating it after the last whole one.
 *
 * @module
 */
import { BOX_HEADER_MAX, parseBoxHeader } from "./mp4_box.ts";
import { type FragmentInfo, type MovieInfo, parseFragment, parseMovie } from "./mp4_movie.ts";

/**
 * Largest `moov` read. Reason: a fragmented file's is about 1 KB; a plain MP4
 * keeps 12–20 bytes per sample there, so 4 MiB covers two hours at 30 fps.
 */
export const MAX_MOOV_BYTES = 4 * 2 ** 20;

/**
 * Largest `moof` read. Reason: mp4mux writes ~450 bytes for 500 ms at 30 fps
 * (16 bytes per sample); 1 MiB would hold 65,000 samples in one fragment.
 */
export const MAX_MOOF_BYTES = 2 ** 20;

/**
 * Most top-level boxes walked in one file. Reason: two per fragment, so
 * 200,000 covers 27 hours of 500 ms fragments, while a corrupt file of tiny
 * boxes cannot keep the scan busy for long.
 */
export const MAX_TOP_LEVEL_BOXES = 200_000;

/**
 * Most bytes a repair cuts off. Reason: a crash cuts at most one fragment
 * (500 ms, ~125 KB at 2 Mbit/s, ~2.5 MB at 40 Mbit/s). A longer damaged tail
 * is not a crash cut; it is left for a person, so nothing is lost.
 */
export const MAX_REPAIR_DISCARD_BYTES = 16 * 2 ** 20;

/** What a scan learned about a file. */
export interface Mp4Scan {
  fileBytes: number;
  /** Bytes from the start that hold whole boxes and whole fragments. */
  validBytes: number;
  fragmented: boolean;
  /** The muxer closed the file: `mfra` written (fragmented) or `moov` present (plain MP4). */
  finalised: boolean;
  /** Duration of the whole fragments, in ms. */
  durationMs: number;
  frames: number;
  keyframes: number;
  fragments: number;
  /** Why the scan stopped before the end of the file, or null. */
  damage: string | null;
  /** The track's sample entry type ("avc1" for H.264, "jpeg" for MJPEG), "" when unknown. */
  sampleEntry: string;
}

async function readAt(file: Deno.FsFile, offset: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await file.seek(offset, Deno.SeekMode.Start);
  let got = 0;
  while (got < length) {
    const n = await file.read(buf.subarray(got));
    if (n === null) break;
    got += n;
  }
  return buf.subarray(0, got);
}

interface Pending {
  moofOffset: number;
  info: FragmentInfo;
}

/** Counts of a fragmented file: the samples in `moov` (if any), then each whole fragment. */
class Totals {
  frames = 0;
  keyframes = 0;
  fragments = 0;
  ticks = 0;
  firstBase: number | null = null;
  lastEnd: number | null = null;

  constructor(movie: MovieInfo | null) {
    if (movie === null || movie.samples === 0) return;
    this.frames = movie.samples;
    this.keyframes = movie.syncSamples;
    this.ticks = movie.sampleTicks;
    // Samples in moov start the timeline at decode time 0.
    this.firstBase = 0;
  }

  add(f: FragmentInfo): void {
    // Another track's fragment (the sound's) is whole, but says nothing of the video.
    if (!f.counted) return;
    this.fragments++;
    this.frames += f.samples;
    this.keyframes += f.keyframes;
    this.ticks += f.durationTicks;
    if (this.fragments === 1 && this.firstBase === null) this.firstBase = f.baseDecodeTime;
    this.lastEnd = f.baseDecodeTime === null ? null : f.baseDecodeTime + f.durationTicks;
  }

  /** Span from the first fragment's decode time to the last one's end, else the sum. */
  durationTicks(): number {
    if (this.firstBase !== null && this.lastEnd !== null && this.lastEnd >= this.firstBase) {
      return this.lastEnd - this.firstBase;
    }
    return this.ticks;
  }
}

/**
 * Scans the MP4 file at `path`. A file cut by a crash is not an error: the
 * scan says where its whole part ends (`validBytes`) and why (`damage`).
 *
 * @throws {SyntaxError} when the file does not start with `ftyp` (not MP4).
 * @throws {RangeError} when its `moov` is larger than {@linkcode MAX_MOOV_BYTES}.
 */
export async function scanMp4(path: string): Promise<Mp4Scan> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  let movie: MovieInfo | null = null;
  let finalised = false;
  let damage: string | null = null;
  const pending: Pending[] = [];
  let totals = new Totals(null);
  let off = 0;
  for (let boxes = 0; off < size; boxes++) {
    if (boxes >= MAX_TOP_LEVEL_BOXES) {
      damage = `File has more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`;
      break;
    }
    const head = await readAt(file, off, Math.min(BOX_HEADER_MAX, size - off));
    let h;
    try {
      h = parseBoxHeader(head, off, { limit: size });
    } catch (e) {
      if (!(e instanceof SyntaxError) || off === 0) throw e;
      damage = e.message;
      break;
    }
    if (h === "need-more") {
      damage = `File ends inside a box header at offset ${off}`;
      break;
    }
    if (off === 0 && h.type !== "ftyp") {
      throw new SyntaxError(
        `File ${JSON.stringify(path)} starts with "${h.type}", not an MP4 "ftyp"`,
      );
    }
    if (off + h.size > size) {
      damage = `Box "${h.type}" at offset ${off} needs ${h.size} bytes; the file ends after ${
        size - off
      }`;
      break;
    }
    if (h.type === "moov") {
      if (h.size > MAX_MOOV_BYTES) {
        throw new RangeError(
          `Movie box of ${h.size} bytes in ${JSON.stringify(path)} is over ${MAX_MOOV_BYTES}`,
        );
      }
      movie = parseMovie(await readAt(file, off, h.size));
      finalised ||= !movie.fragmented;
      totals = new Totals(movie);
    } else if (h.type === "moof") {
      if (movie === null || !movie.fragmented) {
        damage = `Fragment at offset ${off} comes before a fragmented movie box`;
        break;
      }
      if (h.size > MAX_MOOF_BYTES) {
        damage = `Fragment at offset ${off} has ${h.size} bytes, over ${MAX_MOOF_BYTES}`;
        break;
      }
      try {
        pending.push({
          moofOffset: off,
          info: parseFragment(await readAt(file, off, h.size), movie, { offset: off }),
        });
      } catch (e) {
        if (!(e instanceof SyntaxError)) throw e;
        damage = `Fragment at offset ${off}: ${e.message}`;
        break;
      }
    } else if (h.type === "mfra") {
      finalised = true;
    }
    off += h.size;
    while (pending.length > 0 && pending[0].info.dataEnd <= off) {
      totals.add(pending.shift()!.info);
    }
  }
  let validBytes = off;
  if (pending.length > 0) {
    validBytes = Math.min(validBytes, pending[0].moofOffset);
    damage ??= `Fragment at offset ${pending[0].moofOffset} lacks some of its sample data`;
  }
  if (movie === null) damage ??= "File has no movie box";
  const fragmented = movie?.fragmented ?? true;
  const ticks = fragmented ? totals.durationTicks() : movie!.durationTicks;
  return {
    fileBytes: size,
    validBytes,
    fragmented,
    finalised,
    durationMs: movie === null ? 0 : Math.round((ticks * 1000) / movie.timescale),
    frames: fragmented ? totals.frames : movie!.samples,
    keyframes: fragmented ? totals.keyframes : movie!.syncSamples,
    fragments: totals.fragments,
    damage,
    sampleEntry: movie?.sampleEntry ?? "",
  };
}

/** What {@linkcode repairMp4} did. */
export interface Mp4Repair {
  /** Bytes cut off the end (0 when the file was whole or was left alone). */
  truncatedBytes: number;
  /** Why a damaged file was left as it is, or null. */
  leftAlone: string | null;
  /** The file as it is now. */
  scan: Mp4Scan;
}

/**
 * Makes a segment cut by a crash playable with a correct duration: truncates
 * it after its last whole fragment. Leaves it untouched (and says why) when
 * more than `maxDiscardBytes` would go, or when it has no movie box.
 */
export async function repairMp4(
  path: string,
  options: { maxDiscardBytes?: number } = {},
): Promise<Mp4Repair> {
  const max = options.maxDiscardBytes ?? MAX_REPAIR_DISCARD_BYTES;
  const scan = await scanMp4(path);
  if (scan.damage === null || scan.validBytes === scan.fileBytes) {
    return { truncatedBytes: 0, leftAlone: null, scan };
  }
  const cut = scan.fileBytes - scan.validBytes;
  let leftAlone: string | null = null;
  if (scan.validBytes === 0 || scan.fragments === 0 && scan.fragmented) {
    leftAlone = `File has no whole fragment to keep (${scan.damage})`;
  } else if (cut > max) {
    leftAlone =
      `Repair would cut ${cut} bytes, over the ${max} a crash can explain (${scan.damage})`;
  }
  if (leftAlone !== null) return { truncatedBytes: 0, leftAlone, scan };
  await Deno.truncate(path, scan.validBytes);
  return {
    truncatedBytes: cut,
    leftAlone: null,
    scan: { ...scan, fileBytes: scan.validBytes, damage: null },
  };
}
