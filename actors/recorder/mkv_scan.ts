/**
 * Scans a Matroska segment element by element, reading headers, `Info`,
 * `Tracks` and the first bytes of each block (never frame data), to learn
 * its duration, frame and keyframe counts, its codec, and where the
 * playable part ends. Repairs a file a crash left: truncates a block the
 * crash cut, marks elements whose end was cut as of unknown size, and
 * writes the duration into the `Duration` matroskamux reserved (it writes
 * the real one only at a clean close, so a crash-cut file has none and
 * ffprobe reports "N/A").
 *
 * @module
 */
import type { Codec } from "../defs.ts";
import { FileWindow } from "./_file_window.ts";
import {
  ELEMENT_HEADER_MAX,
  type ElementHeader,
  floatBytes,
  ID,
  parseBlockHeader,
  parseElementHeader,
  readFloat,
  readUint,
  SEGMENT_CHILDREN,
} from "./mkv_ebml.ts";
import { MAX_REPAIR_DISCARD_BYTES } from "./mp4_scan.ts";

/**
 * Largest `Info` or `Tracks` element read. Reason: matroskamux writes ~150
 * and ~100 bytes; codec private data (SPS/PPS) is tens of bytes. 1 MiB is
 * far past any camera's.
 */
export const MAX_MKV_HEADER_BYTES = 2 ** 20;

/**
 * Most elements walked in one file. Reason: a block per frame plus a
 * cluster a second: an hour at 60 fps is ~220,000; 2,000,000 bounds a
 * corrupt file of tiny elements.
 */
export const MAX_MKV_ELEMENTS = 2_000_000;

const DEFAULT_TIMECODE_SCALE_NS = 1_000_000;

/** What a scan learned about a Matroska file. */
export interface MkvScan {
  fileBytes: number;
  /** Bytes from the start that hold whole elements and whole blocks. */
  validBytes: number;
  /** The muxer closed the file: its `Cues` are written and the segment has a size. */
  finalised: boolean;
  durationMs: number;
  frames: number;
  keyframes: number;
  /** The video track's codec, or null when it is neither H.264 nor MJPEG. */
  codec: Codec | null;
  /** Why the scan stopped before the end of the file, or null. */
  damage: string | null;
  /** Where the reserved `Duration` value is (float, 4 or 8 bytes), or null. */
  durationField: { offset: number; length: 4 | 8 } | null;
  /** The duration `Info` states, in ms (0 when the muxer has not written it). */
  statedMs: number;
  /** Nanoseconds per timecode unit (`TimecodeScale`, 1 ms unless the file says otherwise). */
  timecodeScaleNs: number;
  /** Size fields of elements (Segment, last Cluster) that claim to end after `validBytes`. */
  openSizes: { offset: number; length: number }[];
}

interface Track {
  number: number;
  codec: Codec | null;
  defaultDurationNs: number;
}

/** FourCCs of Motion JPEG in a BITMAPINFOHEADER. */
export const MJPEG_FOURCCS: ReadonlySet<string> = new Set(["MJPG", "mjpg", "JPEG", "jpeg"]);

/**
 * The codec of a track. matroskamux stores MJPEG the VfW way:
 * `V_MS/VFW/FOURCC` with a BITMAPINFOHEADER (biCompression at byte 16) as
 * codec private data.
 */
function codecOf(id: string, priv: Uint8Array | null): Codec | null {
  if (id === "V_MPEG4/ISO/AVC") return "h264";
  if (id === "V_MJPEG") return "mjpeg";
  if (id === "V_MS/VFW/FOURCC" && priv !== null && priv.length >= 20) {
    const fourcc = String.fromCharCode(...priv.subarray(16, 20));
    if (MJPEG_FOURCCS.has(fourcc)) return "mjpeg";
  }
  return null;
}

/** Children of a fully read master element's payload. */
function* children(bytes: Uint8Array, base: number): Generator<[ElementHeader, Uint8Array]> {
  let at = 0;
  while (at < bytes.length) {
    const h = parseElementHeader(bytes, at, base);
    if (h === "need-more" || h.size === null) return;
    const start = at + h.headerSize;
    const end = start + h.size;
    if (end > bytes.length) return;
    yield [h, bytes.subarray(start, end)];
    at = end;
  }
}

function readTracks(payload: Uint8Array, base: number): Track | null {
  for (const [h, entry] of children(payload, base)) {
    if (h.id !== ID.TrackEntry) continue;
    const t: Track = { number: 0, codec: null, defaultDurationNs: 0 };
    let type = 0;
    let codecId = "";
    let priv: Uint8Array | null = null;
    for (const [f, v] of children(entry, 0)) {
      if (f.id === ID.TrackNumber) t.number = readUint(v);
      else if (f.id === ID.TrackType) type = readUint(v);
      else if (f.id === ID.CodecID) codecId = new TextDecoder().decode(v).replace(/\0+$/, "");
      else if (f.id === ID.CodecPrivate) priv = v;
      else if (f.id === ID.DefaultDuration) t.defaultDurationNs = readUint(v);
    }
    t.codec = codecOf(codecId, priv);
    if (type === 1) return t;
  }
  return null;
}

class Counts {
  frames = 0;
  keyframes = 0;
  min = Infinity;
  max = -Infinity;

  add(time: number, key: boolean): void {
    this.frames++;
    if (key) this.keyframes++;
    if (time < this.min) this.min = time;
    if (time > this.max) this.max = time;
  }
}

/**
 * Scans the Matroska file at `path`. A file cut by a crash is not an error:
 * the scan says where its whole part ends and why.
 *
 * @throws {SyntaxError} when the file does not start with an EBML header and a Segment.
 */
export async function scanMkv(path: string): Promise<MkvScan> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const w = new FileWindow(file, size);
  const header = async (at: number) =>
    parseElementHeader(await w.bytes(at, ELEMENT_HEADER_MAX), 0, at);
  const ebml = size === 0 ? "need-more" : await header(0);
  if (ebml === "need-more" || ebml.id !== ID.EBML || ebml.size === null) {
    throw new SyntaxError(`File ${JSON.stringify(path)} does not start with an EBML header`);
  }
  const segment = await header(ebml.headerSize + ebml.size);
  if (segment === "need-more" || segment.id !== ID.Segment) {
    throw new SyntaxError(`File ${JSON.stringify(path)} has no Matroska Segment`);
  }
  const out: MkvScan = {
    fileBytes: size,
    validBytes: segment.offset + segment.headerSize,
    finalised: false,
    durationMs: 0,
    frames: 0,
    keyframes: 0,
    codec: null,
    damage: null,
    durationField: null,
    statedMs: 0,
    timecodeScaleNs: DEFAULT_TIMECODE_SCALE_NS,
    openSizes: [],
  };
  const segmentEnd = segment.size === null
    ? size
    : segment.offset + segment.headerSize + segment.size;
  let scaleNs = DEFAULT_TIMECODE_SCALE_NS;
  let stated = 0;
  let track: Track | null = null;
  let cues = false;
  const counts = new Counts();
  let elements = 0;
  let clusterTime = 0;
  let off = out.validBytes;
  let cluster: ElementHeader | null = null;
  let clusterEnd = 0;
  const stop = (why: string) => (out.damage = why);
  walk: while (off < Math.min(segmentEnd, size)) {
    if (++elements > MAX_MKV_ELEMENTS) {
      stop(`File has more than ${MAX_MKV_ELEMENTS} elements`);
      break;
    }
    let h: ElementHeader | "need-more";
    try {
      h = await header(off);
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      stop(e.message);
      break;
    }
    if (h === "need-more") {
      stop(`File ends inside an element header at offset ${off}`);
      break;
    }
    const payload = off + h.headerSize;
    // Inside a Cluster of unknown size, any Segment child ends it.
    if (cluster !== null && (off >= clusterEnd || SEGMENT_CHILDREN.has(h.id))) cluster = null;
    if (h.id === ID.Cluster) {
      cluster = h;
      clusterEnd = h.size === null ? segmentEnd : payload + h.size;
      off = payload;
      out.validBytes = off;
      continue;
    }
    if (h.size === null) {
      stop(`Element 0x${h.id.toString(16)} at offset ${off} has an unknown size`);
      break;
    }
    const end = payload + h.size;
    if (end > size) {
      stop(
        `Element 0x${h.id.toString(16)} at offset ${off} needs ${h.size} bytes; the file ends ` +
          `after ${size - payload}`,
      );
      break;
    }
    if (cluster !== null) {
      if (h.id === ID.Timecode) {
        clusterTime = readUint((await w.bytes(payload, h.size)).slice());
      } else if (h.id === ID.SimpleBlock || h.id === ID.BlockGroup) {
        const block = h.id === ID.SimpleBlock
          ? await simpleBlock(w, payload, h.size)
          : await blockGroup(w, payload, h.size);
        if (block === null) {
          stop(`Block at offset ${off} is malformed`);
          break walk;
        }
        if (track !== null && block.track === track.number) {
          counts.add(clusterTime + block.timecode, block.keyframe);
        }
      }
    } else if (h.id === ID.Info || h.id === ID.Tracks) {
      if (h.size > MAX_MKV_HEADER_BYTES) {
        throw new RangeError(
          `Element of ${h.size} bytes in ${JSON.stringify(path)} is over ` +
            `${MAX_MKV_HEADER_BYTES}`,
        );
      }
      const bytes = (await w.bytes(payload, h.size)).slice();
      if (h.id === ID.Tracks) track = readTracks(bytes, payload);
      else {
        for (const [f, v] of children(bytes, payload)) {
          if (f.id === ID.TimecodeScale) scaleNs = readUint(v) || DEFAULT_TIMECODE_SCALE_NS;
          if (f.id === ID.Duration && (v.length === 4 || v.length === 8)) {
            stated = readFloat(v);
            out.durationField = { offset: f.offset + f.headerSize, length: v.length };
          }
        }
      }
    } else if (h.id === ID.Cues) {
      cues = true;
    }
    off = end;
    out.validBytes = end;
  }
  if (segment.size !== null && segmentEnd > out.validBytes) out.openSizes.push(sizeField(segment));
  if (cluster !== null && cluster.size !== null && clusterEnd > out.validBytes) {
    out.openSizes.push(sizeField(cluster));
  }
  out.codec = track?.codec ?? null;
  out.frames = counts.frames;
  out.keyframes = counts.keyframes;
  out.finalised = cues && segment.size !== null && out.damage === null;
  out.statedMs = Math.round((stated * scaleNs) / 1e6);
  out.timecodeScaleNs = scaleNs;
  if (out.finalised && stated > 0) {
    out.durationMs = out.statedMs;
  } else if (counts.frames > 0) {
    // First block to the last, plus one frame (the default duration, else the mean interval).
    const spanNs = (counts.max - counts.min) * scaleNs;
    const frameNs = track!.defaultDurationNs > 0
      ? track!.defaultDurationNs
      : counts.frames > 1
      ? spanNs / (counts.frames - 1)
      : 0;
    out.durationMs = Math.round((spanNs + frameNs) / 1e6);
  }
  if (track === null && out.damage === null) out.damage = "File has no video track";
  return out;
}

function sizeField(h: ElementHeader): { offset: number; length: number } {
  const idLength = h.id >= 0x1000000 ? 4 : h.id >= 0x10000 ? 3 : h.id >= 0x100 ? 2 : 1;
  return { offset: h.offset + idLength, length: h.headerSize - idLength };
}

async function simpleBlock(w: FileWindow, at: number, size: number) {
  const b = parseBlockHeader(await w.bytes(at, Math.min(size, 11)));
  return b === "need-more" ? null : b;
}

/** A Block inside a BlockGroup: a keyframe unless the group has a ReferenceBlock. */
async function blockGroup(w: FileWindow, at: number, size: number) {
  let block = null;
  let references = false;
  for (let off = at; off < at + size;) {
    const h = parseElementHeader(await w.bytes(off, ELEMENT_HEADER_MAX), 0, off);
    if (h === "need-more" || h.size === null) return null;
    const payload = off + h.headerSize;
    if (h.id === ID.Block) {
      const b = parseBlockHeader(await w.bytes(payload, Math.min(h.size, 11)));
      if (b === "need-more") return null;
      block = b;
    } else if (h.id === ID.ReferenceBlock) {
      references = true;
    }
    off = payload + h.size;
  }
  return block === null ? null : { ...block, keyframe: !references };
}

/** What {@linkcode repairMkv} did. */
export interface MkvRepair {
  truncatedBytes: number;
  leftAlone: string | null;
  /** The duration was written into the header. */
  wroteDuration: boolean;
  scan: MkvScan;
}

/**
 * Makes a Matroska segment cut by a crash whole: truncates a block the crash
 * cut, marks the Segment and Cluster whose stated end is gone as of unknown
 * size, and writes the duration of what is left into `Duration`. Leaves the
 * file untouched (and says why) when more than `maxDiscardBytes` would go or
 * no frame would be left.
 */
export async function repairMkv(
  path: string,
  options: { maxDiscardBytes?: number } = {},
): Promise<MkvRepair> {
  const max = options.maxDiscardBytes ?? MAX_REPAIR_DISCARD_BYTES;
  const scan = await scanMkv(path);
  const cut = scan.fileBytes - scan.validBytes;
  const none = { truncatedBytes: 0, wroteDuration: false, scan };
  if (scan.frames === 0) {
    return {
      ...none,
      leftAlone: scan.damage === null ? null : `File has no whole frame to keep (${scan.damage})`,
    };
  }
  if (cut > max) {
    return {
      ...none,
      leftAlone:
        `Repair would cut ${cut} bytes, over the ${max} a crash can explain (${scan.damage})`,
    };
  }
  const wrongDuration = !scan.finalised && scan.durationField !== null &&
    Math.abs(scan.statedMs - scan.durationMs) >= 1;
  if (cut === 0 && scan.openSizes.length === 0 && !wrongDuration) {
    return { ...none, leftAlone: null };
  }
  {
    using file = await Deno.open(path, { read: true, write: true });
    for (const f of scan.openSizes) {
      // An unknown size: the length marker bit, then every value bit set.
      const bytes = new Uint8Array(f.length).fill(0xff);
      bytes[0] = 0xff >> (f.length - 1);
      await writeAt(file, f.offset, bytes);
    }
    if (wrongDuration) {
      // Duration is stated in TimecodeScale units.
      const value = (scan.durationMs * 1e6) / scan.timecodeScaleNs;
      await writeAt(
        file,
        scan.durationField!.offset,
        floatBytes(value, scan.durationField!.length),
      );
    }
    if (cut > 0) await file.truncate(scan.validBytes);
  }
  const after = await scanMkv(path);
  return { truncatedBytes: cut, leftAlone: null, wroteDuration: wrongDuration, scan: after };
}

async function writeAt(file: Deno.FsFile, offset: number, bytes: Uint8Array): Promise<void> {
  await file.seek(offset, Deno.SeekMode.Start);
  for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
}
