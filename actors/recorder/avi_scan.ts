/**
 * Scans an AVI segment chunk by chunk (RIFF headers and the small `hdrl`
 * list, never picture data) to learn its frame count, duration and codec,
 * and where the playable part ends. Repairs a file a crash left.
 *
 * avimux writes the `hdrl` header with zero counts and sizes first, each
 * frame as a `00dc` chunk as it comes, and at a clean close the `idx1`
 * index and the real counts and sizes. Written unbuffered, a SIGKILL keeps
 * every frame already muxed, but the file claims to hold none: ffprobe
 * reads the frames but reports no duration, and players that trust the
 * header or need the index (seeking) fail. The repair cuts a chunk the
 * crash cut, writes the counts and sizes, and appends an `idx1`.
 *
 * ```
 * RIFF 'AVI ' ─┬─ LIST 'hdrl' ─┬─ avih   dwMicroSecPerFrame @0, dwTotalFrames @16
 *              │               ├─ LIST 'strl' ─┬─ strh  fccType @0, dwScale @20, dwRate @24, dwLength @32
 *              │               │               └─ strf  BITMAPINFOHEADER, biCompression @16
 *              │               └─ LIST 'odml' ── dmlh  dwTotalFrames @0
 *              ├─ LIST 'movi' ─── 00dc, 00dc, …   (size 4 until a clean close)
 *              └─ idx1            16 bytes a chunk: ckid, flags, offset from 'movi', size
 * chunk: fourcc | size u32 LE | payload, padded to an even length
 * ```
 *
 * @module
 */
import type { Codec } from "../defs.ts";
import { FileWindow } from "./_file_window.ts";
import { MJPEG_FOURCCS } from "./mkv_scan.ts";
import { MAX_REPAIR_DISCARD_BYTES } from "./mp4_scan.ts";

/** Largest `hdrl` list read. Reason: avimux writes ~760 bytes; 1 MiB is far past any header. */
export const MAX_AVI_HEADER_BYTES = 2 ** 20;

/**
 * Most chunks walked in one file. Reason: a chunk per frame; an hour at
 * 120 fps is 432,000. The repair keeps each frame's offset and size (16
 * bytes) to write the index: at most ~16 MB.
 */
export const MAX_AVI_CHUNKS = 1_000_000;

/**
 * Largest AVI segment the recorder writes. Reason: AVI 1.0 files end at
 * 1 GiB (a RIFF size is 32 bits, and readers of the old format stop
 * there); past it avimux starts OpenDML `AVIX` parts that this scanner does
 * not repair. 64 MiB of margin covers the frames muxed before the cut lands.
 */
export const MAX_AVI_SEGMENT_BYTES = 2 ** 30 - 64 * 2 ** 20;

const AVIIF_KEYFRAME = 0x10;
const H264_FOURCCS = new Set(["H264", "h264", "X264", "x264", "avc1", "AVC1"]);

/** What a scan learned about an AVI file. */
export interface AviScan {
  fileBytes: number;
  /** Bytes from the start that hold whole chunks. */
  validBytes: number;
  /** The muxer closed the file: `idx1` written and the header counts every frame. */
  finalised: boolean;
  durationMs: number;
  frames: number;
  keyframes: number;
  codec: Codec | null;
  damage: string | null;
}

interface Header {
  usPerFrame: number;
  scale: number;
  rate: number;
  /** Chunk ids of the video stream: "00dc" and "00db" for stream 0. */
  ids: Set<string>;
  codec: Codec | null;
  /** File offsets of the fields a repair rewrites. */
  totalFramesAt: number;
  lengthAt: number;
  dmlhAt: number | null;
}

interface Layout {
  header: Header;
  /** Offset of the `LIST` of `movi`. */
  moviAt: number;
  /** Frame chunks of the video stream: offset from the `movi` fourcc, size, id. */
  chunks: { at: number; size: number; id: string }[];
  idx1: boolean;
  /** The damage is the end of the file coming too soon (what a crash leaves). */
  cut: boolean;
  scan: AviScan;
}

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at], b[at + 1], b[at + 2], b[at + 3]);
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function parseHeader(hdrl: Uint8Array, base: number): Header {
  const h: Header = {
    usPerFrame: 0,
    scale: 0,
    rate: 0,
    ids: new Set(),
    codec: null,
    totalFramesAt: -1,
    lengthAt: -1,
    dmlhAt: null,
  };
  let stream = 0;
  const walk = (from: number, to: number) => {
    for (let at = from; at + 8 <= to;) {
      const id = fourcc(hdrl, at);
      const size = u32(hdrl, at + 4);
      const body = at + 8;
      if (body + size > to) break;
      if (id === "LIST") {
        walk(body + 4, body + size);
      } else if (id === "avih" && size >= 20) {
        h.usPerFrame = u32(hdrl, body);
        h.totalFramesAt = base + body + 16;
      } else if (id === "strh" && size >= 36) {
        if (fourcc(hdrl, body) === "vids" && h.lengthAt < 0) {
          h.scale = u32(hdrl, body + 20);
          h.rate = u32(hdrl, body + 24);
          h.lengthAt = base + body + 32;
          const n = String(stream).padStart(2, "0");
          h.ids = new Set([`${n}dc`, `${n}db`]);
        }
        stream++;
      } else if (id === "strf" && size >= 20 && h.codec === null && h.lengthAt >= 0) {
        const compression = fourcc(hdrl, body + 16);
        if (MJPEG_FOURCCS.has(compression)) h.codec = "mjpeg";
        else if (H264_FOURCCS.has(compression)) h.codec = "h264";
      } else if (id === "dmlh" && size >= 4) {
        h.dmlhAt = base + body;
      }
      at = body + size + (size & 1);
    }
  };
  walk(0, hdrl.length);
  return h;
}

async function layout(path: string): Promise<Layout> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  const w = new FileWindow(file, size);
  const head = await w.bytes(0, 12);
  if (head.length < 12 || fourcc(head, 0) !== "RIFF" || fourcc(head, 8) !== "AVI ") {
    throw new SyntaxError(`File ${JSON.stringify(path)} is not a RIFF AVI file`);
  }
  const scan: AviScan = {
    fileBytes: size,
    validBytes: 12,
    finalised: false,
    durationMs: 0,
    frames: 0,
    keyframes: 0,
    codec: null,
    damage: null,
  };
  let header: Header | null = null;
  let moviAt = -1;
  let idx1 = false;
  const chunks: Layout["chunks"] = [];
  let inMovi = false;
  let moviEnd = 0;
  let cut = false;
  for (let at = 12, n = 0; at < size; n++) {
    if (n >= MAX_AVI_CHUNKS) {
      scan.damage = `File has more than ${MAX_AVI_CHUNKS} chunks`;
      break;
    }
    if (inMovi && at >= moviEnd) inMovi = false;
    const c = await w.bytes(at, 12);
    if (c.length < 8) {
      scan.damage = `File ends inside a chunk header at offset ${at}`;
      cut = true;
      break;
    }
    const id = fourcc(c, 0);
    const chunkSize = u32(c, 4);
    const body = at + 8;
    if (id === "LIST" || id === "RIFF") {
      if (c.length < 12) {
        scan.damage = `File ends inside a list header at offset ${at}`;
        cut = true;
        break;
      }
      const type = fourcc(c, 8);
      if (id === "RIFF") {
        scan.damage =
          `File has an OpenDML "${type}" part at offset ${at}, which eyrie does not write`;
        break;
      }
      if (type === "hdrl") {
        if (chunkSize > MAX_AVI_HEADER_BYTES) {
          throw new RangeError(`Header list of ${chunkSize} bytes in ${JSON.stringify(path)}`);
        }
        if (body + chunkSize > size) {
          scan.damage = `Header list at offset ${at} is cut`;
          break;
        }
        header = parseHeader((await w.bytes(body + 4, chunkSize - 4)).slice(), body + 4);
        at = body + chunkSize + (chunkSize & 1);
      } else if (type === "movi") {
        moviAt = at;
        inMovi = true;
        // A list still being written says 4 bytes (its type only): it runs to the end of the file.
        const declared = body + chunkSize;
        moviEnd = chunkSize > 4 && declared <= size ? declared : size;
        at = body + 4;
      } else if (inMovi) {
        at = body + 4; // a 'rec ' list inside movi: its chunks count as movi's
      } else {
        at = body + chunkSize + (chunkSize & 1);
        if (at > size) {
          scan.damage = `List at offset ${body - 8} is cut`;
          break;
        }
      }
      scan.validBytes = at;
      continue;
    }
    const end = body + chunkSize + (chunkSize & 1);
    if (body + chunkSize > size) {
      scan.damage = `Chunk "${id}" at offset ${at} needs ${chunkSize} bytes; the file ends after ${
        size - body
      }`;
      cut = true;
      break;
    }
    if (inMovi && header !== null && header.ids.has(id)) {
      chunks.push({ at: at - (moviAt + 8), size: chunkSize, id });
    } else if (!inMovi && id === "idx1") {
      idx1 = true;
    }
    at = Math.min(end, size);
    scan.validBytes = at;
  }
  if (header === null) {
    scan.damage ??= "File has no AVI header";
    return { header: emptyHeader(), moviAt, chunks, idx1, cut, scan };
  }
  if (header.lengthAt < 0) scan.damage ??= "File has no video stream";
  if (moviAt < 0) scan.damage ??= "File has no movi list";
  scan.codec = header.codec;
  scan.frames = chunks.length;
  scan.keyframes = header.codec === "mjpeg" ? chunks.length : 0;
  const frameUs = header.rate > 0 && header.scale > 0
    ? (header.scale * 1e6) / header.rate
    : header.usPerFrame;
  scan.durationMs = Math.round((chunks.length * frameUs) / 1000);
  return { header, moviAt, chunks, idx1, cut, scan };
}

function emptyHeader(): Header {
  return {
    usPerFrame: 0,
    scale: 0,
    rate: 0,
    ids: new Set(),
    codec: null,
    totalFramesAt: -1,
    lengthAt: -1,
    dmlhAt: null,
  };
}

async function headerFrames(path: string, at: number): Promise<number> {
  using file = await Deno.open(path, { read: true });
  const b = new Uint8Array(4);
  await file.seek(at, Deno.SeekMode.Start);
  await file.read(b);
  return u32(b, 0);
}

/**
 * Scans the AVI file at `path`. A file cut by a crash is not an error: the
 * scan says where its whole part ends and why.
 *
 * @throws {SyntaxError} when the file is not RIFF AVI.
 */
export async function scanAvi(path: string): Promise<AviScan> {
  const l = await layout(path);
  const s = l.scan;
  if (l.idx1 && s.damage === null && l.header.totalFramesAt >= 0) {
    s.finalised = (await headerFrames(path, l.header.totalFramesAt)) === s.frames;
  }
  return s;
}

/** What {@linkcode repairAvi} did. */
export interface AviRepair {
  truncatedBytes: number;
  leftAlone: string | null;
  /** Counts, sizes and `idx1` were written. */
  rebuilt: boolean;
  /** The file as it is now; `finalised` says what the muxer did, so it stays false once rebuilt. */
  scan: AviScan;
}

/**
 * Makes an AVI segment cut by a crash whole: truncates after its last whole
 * chunk, writes the frame counts and list sizes, and appends an `idx1`.
 * Leaves it untouched (and says why) when more than `maxDiscardBytes` would
 * go, no frame would be left, or its layout is not one avimux writes.
 */
export async function repairAvi(
  path: string,
  options: { maxDiscardBytes?: number } = {},
): Promise<AviRepair> {
  const max = options.maxDiscardBytes ?? MAX_REPAIR_DISCARD_BYTES;
  const l = await layout(path);
  const s = l.scan;
  const none = { truncatedBytes: 0, rebuilt: false };
  if (l.idx1 && s.damage === null) {
    s.finalised = (await headerFrames(path, l.header.totalFramesAt)) === s.frames;
    return { ...none, leftAlone: null, scan: s };
  }
  const cut = s.fileBytes - s.validBytes;
  let leftAlone: string | null = null;
  if (s.frames === 0) {
    leftAlone = s.damage === null ? null : `File has no whole frame to keep (${s.damage})`;
  } else if (l.moviAt < 0 || l.header.lengthAt < 0 || l.header.totalFramesAt < 0) {
    leftAlone = `File is not laid out as avimux writes it (${s.damage})`;
  } else if (cut > max) {
    leftAlone = `Repair would cut ${cut} bytes, over the ${max} a crash can explain (${s.damage})`;
  } else if (s.damage !== null && !l.cut) {
    leftAlone = `Damage a crash cannot explain: ${s.damage}`;
  }
  if (leftAlone !== null || s.frames === 0) return { ...none, leftAlone, scan: s };

  const idx1 = new Uint8Array(8 + 16 * l.chunks.length);
  const dv = new DataView(idx1.buffer);
  idx1.set([0x69, 0x64, 0x78, 0x31]); // "idx1"
  dv.setUint32(4, 16 * l.chunks.length, true);
  l.chunks.forEach((c, i) => {
    const at = 8 + 16 * i;
    for (let k = 0; k < 4; k++) idx1[at + k] = c.id.charCodeAt(k);
    dv.setUint32(at + 4, s.codec === "mjpeg" ? AVIIF_KEYFRAME : 0, true);
    dv.setUint32(at + 8, c.at, true);
    dv.setUint32(at + 12, c.size, true);
  });
  const moviEnd = s.validBytes;
  const total = moviEnd + idx1.length;
  {
    using file = await Deno.open(path, { read: true, write: true });
    await file.truncate(moviEnd);
    await writeAt(file, moviEnd, idx1);
    await writeU32(file, 4, total - 8);
    await writeU32(file, l.moviAt + 4, moviEnd - (l.moviAt + 8));
    await writeU32(file, l.header.totalFramesAt, s.frames);
    await writeU32(file, l.header.lengthAt, s.frames);
    if (l.header.dmlhAt !== null) await writeU32(file, l.header.dmlhAt, s.frames);
  }
  const after = await scanAvi(path);
  return {
    truncatedBytes: cut,
    leftAlone: null,
    rebuilt: true,
    scan: { ...after, finalised: false },
  };
}

async function writeAt(file: Deno.FsFile, offset: number, bytes: Uint8Array): Promise<void> {
  await file.seek(offset, Deno.SeekMode.Start);
  for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
}

async function writeU32(file: Deno.FsFile, offset: number, value: number): Promise<void> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, value, true);
  await writeAt(file, offset, b);
}
