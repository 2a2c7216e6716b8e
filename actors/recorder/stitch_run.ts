/**
 * The work of an export, wherever it runs (the stitch Worker for copies, a
 * low-priority child process for the transcode): each segment is demuxed by
 * GStreamer ({@linkcode demuxPipeline}), its access units are trimmed to the
 * range ({@linkcode RangeTrimmer}) and pushed, on one continuous timeline,
 * into the export's muxer ({@linkcode exportPipeline}); the muxed bytes go
 * to `io.write` in chunks, which waits for the reader (backpressure). The
 * segments' sound, where they have one, is read by a pipeline of its own
 * (export_sound.ts) and pushed into the muxer interleaved with the video by
 * time. Three pipelines at a time, whatever the number of files. {@linkcode runFrames}
 * hands out the trimmed pictures themselves (the MJPEG player).
 *
 * @module
 */
import { type AppSink, Pipeline } from "../../ffi/gst/mod.ts";
import type { Codec } from "../defs.ts";
import type { ExportFormat, RecordingContainer } from "./container.ts";
import {
  demuxPipeline,
  type ExportInput,
  exportPipeline,
  SINK_NAME,
  SOUND_SRC,
} from "./export_pipelines.ts";
import { type SoundCodec, soundOf, type SoundPacket, soundPackets } from "./export_sound.ts";
import { APPSRC_NAME } from "./mux.ts";
import { MkvDurationPatch } from "./mkv_duration.ts";
import { RangeTrimmer } from "./stitch.ts";

/** Bytes handed to `io.write` at a time. */
export const CHUNK_BYTES = 512 * 1024;
/** Largest access unit copied. Reason: a 4K keyframe at high quality is ~2 MB; 16 MiB is past any. */
export const MAX_AU_BYTES = 16 * 2 ** 20;
/** Most bytes held from before the range start. Reason: one GOP; 64 MiB is 8 s at 64 Mbit/s. */
export const MAX_HELD_BYTES = 64 * 2 ** 20;
const PULL_TIMEOUT_MS = 10_000;
const STATE_TIMEOUT_MS = 5000;

/** One segment file to read, in time order. */
export interface ExportFile {
  /** Real path, already checked to be inside the recordings dir. */
  file: string;
  startMs: number;
  container: RecordingContainer;
}

/** What to export. */
export interface ExportJob extends ExportInput {
  files: ExportFile[];
  fromMs: number;
  toMs: number;
  /** Where the recording of the range ends (the last segment's end, or now while it is open). */
  endMs: number;
  format: ExportFormat;
}

/** Where an export's output goes. */
export interface ExportIo {
  /** Takes a chunk of output; resolves when the reader wants more. */
  write(bytes: Uint8Array): Promise<void>;
  /** Media time written so far, ms from the first frame. */
  progress(doneMs: number): void;
  /** True once the reader went away: stop. */
  cancelled(): boolean;
}

/** One access unit on the export's timeline (ns since the epoch). */
interface Au {
  bytes: Uint8Array;
  atNs: number;
  key: boolean;
}

/**
 * The access units of `files` that fall in the range, in order: from the
 * keyframe at or before `fromMs` (held until the range starts) to the last
 * before `toMs`. `bytes` is valid until the next one is asked for.
 */
async function* trimmed(
  files: ExportFile[],
  codec: Codec,
  range: { fromMs: number; toMs: number },
  cancelled: () => boolean,
): AsyncGenerator<Au> {
  const trimmer = new RangeTrimmer(range);
  const au = new Uint8Array(MAX_AU_BYTES);
  let held: Au[] = [];
  let heldBytes = 0;
  for (const f of files) {
    if (cancelled()) return;
    using demux = Pipeline.parse(demuxPipeline(f.file, f.container, codec));
    const sink = demux.appSink(SINK_NAME);
    demux.setState("playing", { timeoutMs: STATE_TIMEOUT_MS });
    for (;;) {
      const s = await sink.pullAsync({ timeoutMs: PULL_TIMEOUT_MS });
      if (cancelled()) return;
      if (s === null) {
        const m = demux.bus.pop({ timeoutMs: 0, types: ["error"] });
        if (m?.type === "error") throw m.error;
        if (sink.eos) break;
        throw new Error(`Reading ${f.file} stalled`);
      }
      if (s.size > MAX_AU_BYTES) throw new RangeError(`An access unit of ${s.size} bytes`);
      const atNs = f.startMs * 1e6 + (s.pts ?? 0);
      const key = s.keyframe;
      const n = s.copyTo(au);
      switch (trimmer.next(atNs / 1e6, key)) {
        case "end":
          return;
        case "restart":
          held = [];
          heldBytes = 0;
          // falls through
        case "hold":
          if (held.length === 0 && !key) break;
          if (heldBytes + n > MAX_HELD_BYTES) {
            held = [];
            heldBytes = 0;
            break;
          }
          held.push({ bytes: au.slice(0, n), atNs, key });
          heldBytes += n;
          break;
        case "emit":
          for (const h of held) yield h;
          held = [];
          heldBytes = 0;
          yield { bytes: au.subarray(0, n), atNs, key };
          break;
      }
    }
  }
}

class Output {
  readonly #sink: AppSink;
  readonly #io: ExportIo;
  readonly #patch: MkvDurationPatch | null;
  #buf = new Uint8Array(CHUNK_BYTES * 2);
  #size = 0;

  constructor(sink: AppSink, io: ExportIo, patch: MkvDurationPatch | null) {
    this.#sink = sink;
    this.#io = io;
    this.#patch = patch;
  }

  /** Takes what the muxer has produced; writes full chunks (waiting for the reader). */
  async drain(waitMs: number): Promise<void> {
    for (let wait = waitMs;; wait = 0) {
      const s = this.#sink.pull({ timeoutMs: wait });
      if (s === null) return;
      if (this.#size + s.size > this.#buf.length) {
        const bigger = new Uint8Array(Math.max(this.#buf.length * 2, this.#size + s.size));
        bigger.set(this.#buf.subarray(0, this.#size));
        this.#buf = bigger;
      }
      s.copyTo(this.#buf.subarray(this.#size));
      this.#size += s.size;
      if (this.#size >= CHUNK_BYTES) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.#size === 0 || this.#io.cancelled()) return;
    const bytes = this.#buf.slice(0, this.#size);
    this.#size = 0;
    for (const b of this.#patch?.push(bytes) ?? [bytes]) await this.#io.write(b);
  }

  /** The end: what is buffered, and what the patch still holds. */
  async end(): Promise<void> {
    await this.flush();
    for (const b of this.#patch?.flush() ?? []) await this.#io.write(b);
  }
}

/**
 * Runs the export `job` into `io`. Resolves with the frames pushed (0 when
 * nothing was recorded in the range: nothing is written then).
 *
 * @throws {GstError} when a segment cannot be read or the output muxed.
 */
export async function runExport(job: ExportJob, io: ExportIo): Promise<{ frames: number }> {
  // The sound is the first segment's with sound; segments whose sound is another codec
  // (the config changed in the range) give silence there.
  const codecs = await Promise.all(job.files.map((f) => soundOf(f.file, f.container)));
  const sound = codecs.find((c) => c !== null) ?? null;
  using mux = Pipeline.parse(exportPipeline(job.format, { ...job, sound }));
  const src = mux.appSrc(APPSRC_NAME);
  let baseNs = -1;
  // Streamed Matroska and WebM state no duration: give them the one this export will have.
  const patch = job.format === "mkv" || job.format === "webm"
    ? new MkvDurationPatch(() => Math.max(0, Math.min(job.toMs, job.endMs) - baseNs / 1e6))
    : null;
  const out = new Output(mux.appSink(SINK_NAME), io, patch);
  const soundOut = sound === null ? null : new SoundOut(
    mux.appSrc(SOUND_SRC),
    sound,
    soundPackets(job.files.filter((_, i) => codecs[i] === sound), io.cancelled),
  );
  mux.setState("playing", { timeoutMs: 0 });
  const frameNs = 1e9 / job.fps;
  let lastPts = -1;
  let frames = 0;
  for await (const au of trimmed(job.files, job.codec, job, io.cancelled)) {
    if (baseNs < 0) baseNs = au.atNs;
    // Segments follow each other; keep time moving forward if two overlap.
    const pts = Math.max(Math.round(au.atNs - baseNs), lastPts + 1);
    // The sound up to this picture's time first: the muxer interleaves by time.
    await soundOut?.pushUpTo(au.atNs, baseNs);
    src.push(au.bytes, { pts, duration: Math.round(frameNs), keyframe: au.key });
    lastPts = pts;
    frames++;
    // What the muxer has taken is what is done (a transcode is slower than the reading).
    await out.drain(0);
    if (frames % job.fps === 0) io.progress(pts / 1e6);
    // appsrc queues without bound: hold the reading to a second ahead of the muxer.
    while (src.queuedBuffers > job.fps && !io.cancelled()) await out.drain(20);
  }
  if (io.cancelled()) return { frames };
  if (frames > 0) {
    // The sound to the end of the last picture.
    await soundOut?.pushUpTo(baseNs + lastPts + frameNs - 1, baseNs);
    soundOut?.end();
    src.endOfStream();
    for (;;) {
      await out.drain(100);
      const m = mux.bus.pop({ timeoutMs: 0, types: ["eos", "error"] });
      if (m?.type === "error") throw m.error;
      if (m?.type === "eos") break;
    }
    await out.drain(0);
    await out.end();
    io.progress((lastPts + frameNs) / 1e6);
  }
  return { frames };
}

/** An Opus packet with its TOC byte only (RFC 6716 3.2.1: code 0, no frame): silence. */
const EMPTY_OPUS = new Uint8Array(1);
/** Longest silence made of empty Opus packets. Reason: a gap longer than an hour is not sound. */
const MAX_FILL_NS = 3600e9;

/**
 * Pushes the segments' sound into the export's muxer, each packet at its
 * time from the export's first picture. The first packet is the one whose
 * middle is at or after that picture (so the sound is within half a packet,
 * 10 ms, of it). Gaps (segments without sound, a sound cut, and the end of
 * each AAC segment, whose sound stops up to 80 ms before its video) are
 * filled with silence: empty Opus packets, or a silent AAC frame encoded
 * once with the segments' rate and channels. Unfilled, the muxers lay the
 * samples end to end (mp4mux gives AAC samples a fixed duration) and all
 * the sound after a gap comes early by its length (measured: 80 ms).
 */
class SoundOut {
  readonly #src: ReturnType<Pipeline["appSrc"]>;
  readonly #codec: SoundCodec;
  readonly #packets: AsyncGenerator<SoundPacket>;
  #next: SoundPacket | null | undefined = undefined;
  /** Where the sound pushed so far ends, ns from the first picture. */
  #endNs = 0;
  #caps = false;

  constructor(
    src: ReturnType<Pipeline["appSrc"]>,
    codec: SoundCodec,
    packets: AsyncGenerator<SoundPacket>,
  ) {
    this.#src = src;
    this.#codec = codec;
    this.#packets = packets;
  }

  /** Pushes every packet that starts at or before `untilNs` (epoch ns). */
  async pushUpTo(untilNs: number, baseNs: number): Promise<void> {
    for (;;) {
      let p = this.#next;
      if (p === undefined) {
        const r = await this.#packets.next();
        p = this.#next = r.done ? null : r.value;
      }
      if (p === null || p.atNs > untilNs) return;
      this.#next = undefined;
      if (p.atNs + p.durationNs / 2 < baseNs) continue;
      if (!this.#caps) {
        this.#src.setCaps(p.caps);
        this.#caps = true;
      }
      const pts = Math.max(this.#endNs, Math.round(p.atNs - baseNs));
      if (pts - this.#endNs >= p.durationNs / 2) {
        const silence = this.#silence(p);
        const until = Math.min(pts, this.#endNs + MAX_FILL_NS);
        for (let t = this.#endNs; t + p.durationNs / 2 <= until; t += p.durationNs) {
          this.#src.push(silence, { pts: t, duration: p.durationNs });
        }
      }
      this.#src.push(p.bytes, { pts, duration: p.durationNs });
      this.#endNs = pts + p.durationNs;
    }
  }

  end(): void {
    this.#src.endOfStream();
  }

  #aacSilence: Uint8Array | null = null;

  /** A packet of silence in the codec of `p`. */
  #silence(p: SoundPacket): Uint8Array {
    if (this.#codec === "opus") {
      EMPTY_OPUS[0] = p.bytes[0] & 0xfc;
      return EMPTY_OPUS;
    }
    return this.#aacSilence ??= silentAacFrame(p.caps);
  }
}

/**
 * One AAC frame of silence for the stream `caps` describes (its rate and
 * channels), made by voaacenc as the recorder's AAC is: the frame after
 * the encoder's priming.
 */
function silentAacFrame(caps: string): Uint8Array {
  const rate = Number(/rate=\(int\)(\d+)/.exec(caps)?.[1] ?? 48_000);
  const channels = Number(/channels=\(int\)(\d+)/.exec(caps)?.[1] ?? 1);
  using p = Pipeline.parse(
    "audiotestsrc wave=silence num-buffers=8 samplesperbuffer=1024 " +
      `! audio/x-raw,rate=${rate},channels=${channels} ! voaacenc ! appsink name=out sync=false`,
  );
  p.setState("playing", { timeoutMs: STATE_TIMEOUT_MS });
  const sink = p.appSink("out");
  const buf = new Uint8Array(16_384);
  let frame: Uint8Array | null = null;
  for (let i = 0; i < 3; i++) {
    const s = sink.pull({ timeoutMs: PULL_TIMEOUT_MS });
    if (s === null) break;
    frame = buf.slice(0, s.copyTo(buf));
  }
  if (frame === null) throw new Error("voaacenc made no frame of silence");
  return frame;
}

/**
 * Hands out the pictures of an MJPEG recording in the range, each with its
 * time (ms since the epoch), one at a time: `frame` resolves when the next
 * is wanted (the player paces them).
 */
export async function runFrames(
  job: { files: ExportFile[]; fromMs: number; toMs: number },
  io: { frame(bytes: Uint8Array, atMs: number): Promise<void>; cancelled(): boolean },
): Promise<{ frames: number }> {
  let frames = 0;
  for await (const au of trimmed(job.files, "mjpeg", job, io.cancelled)) {
    await io.frame(au.bytes.slice(), au.atNs / 1e6);
    frames++;
  }
  return { frames };
}
