/**
 * The sound of an export: which of its segment files have a sound track
 * (read from each file's `moov`, no GStreamer), and their packets as
 * GStreamer's demuxer hands them out, on the recording's timeline (ns since
 * the epoch), one file after the other. A second pipeline per file beside
 * the video's (stitch_run.ts), so the export can interleave both by time
 * whatever order the file stores them in.
 *
 * Only mp4 and mov segments carry sound today; mkv and avi segments export
 * their video alone.
 *
 * @module
 */
import { Pipeline } from "../../ffi/gst/mod.ts";
import type { RecordingContainer } from "./container.ts";
import { parseBoxHeader } from "./mp4_box.ts";
import { parseMovie } from "./mp4_movie.ts";
import { MAX_MOOV_BYTES } from "./mp4_scan.ts";
import { quoteGst } from "./mux.ts";

/** The appsink of a sound pipeline. */
export const SOUND_SINK = "sound";
/** Top-level boxes passed over looking for `moov`. Reason: it is the second box eyrie writes. */
const MAX_BOXES_BEFORE_MOOV = 16;
/** A sound packet copied. Reason: an Opus packet is at most 1275 bytes, an AAC frame 6144 bits a channel. */
export const MAX_SOUND_PACKET = 16_384;
const PULL_TIMEOUT_MS = 10_000;

/** The sound codec of an export: what the segments hold. */
export type SoundCodec = "opus" | "aac";

/**
 * The sound track's codec of the segment at `file`, or null when it has
 * none, is not mp4/mov, or its `moov` cannot be read (the video's demuxer
 * then says what is wrong with the file).
 */
export async function soundOf(
  file: string,
  container: RecordingContainer,
): Promise<SoundCodec | null> {
  if (container !== "mp4" && container !== "mov") return null;
  try {
    return await readSound(file);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

async function readSound(file: string): Promise<SoundCodec | null> {
  using f = await Deno.open(file);
  const head = new Uint8Array(16);
  let at = 0;
  for (let i = 0; i < MAX_BOXES_BEFORE_MOOV; i++) {
    await f.seek(at, Deno.SeekMode.Start);
    const n = await f.read(head) ?? 0;
    const h = parseBoxHeader(head.subarray(0, n), 0, { limit: Infinity });
    if (h === "need-more" || h.size <= 0) return null;
    if (h.type === "moov") {
      if (h.size > MAX_MOOV_BYTES) return null;
      const moov = new Uint8Array(h.size);
      await f.seek(at, Deno.SeekMode.Start);
      for (let got = 0; got < moov.length;) {
        const r = await f.read(moov.subarray(got));
        if (r === null) return null;
        got += r;
      }
      const sound = parseMovie(moov).sound;
      return sound === "Opus" ? "opus" : sound === "mp4a" ? "aac" : null;
    }
    at += h.size;
  }
  return null;
}

/** One sound packet on the recording's timeline; `bytes` valid until the next. */
export interface SoundPacket {
  bytes: Uint8Array;
  atNs: number;
  durationNs: number;
  /** The demuxer's caps (with the codec's header): what the export's muxer is told. */
  caps: string;
}

/** Reads the sound track of one mp4/mov segment. */
export function soundPipeline(file: string): string {
  // The video pad stays unlinked: qtdemux goes on while one of its pads is linked.
  return `filesrc location=${quoteGst(file)} ! qtdemux name=d d.audio_0 ! queue ` +
    `! appsink name=${SOUND_SINK} sync=false`;
}

/** The sound packets of `files` (those with sound, in time order), one file after the other. */
export async function* soundPackets(
  files: readonly { file: string; startMs: number }[],
  cancelled: () => boolean,
): AsyncGenerator<SoundPacket> {
  const buf = new Uint8Array(MAX_SOUND_PACKET);
  for (const f of files) {
    if (cancelled()) return;
    using p = Pipeline.parse(soundPipeline(f.file));
    const sink = p.appSink(SOUND_SINK);
    p.setState("playing", { timeoutMs: 5000 });
    for (;;) {
      const s = await sink.pullAsync({ timeoutMs: PULL_TIMEOUT_MS });
      if (cancelled()) return;
      if (s === null) {
        const m = p.bus.pop({ timeoutMs: 0, types: ["error"] });
        if (m?.type === "error") throw m.error;
        if (sink.eos) break;
        throw new Error(`Reading the sound of ${f.file} stalled`);
      }
      if (s.size > MAX_SOUND_PACKET) throw new RangeError(`A sound packet of ${s.size} bytes`);
      const n = s.copyTo(buf);
      yield {
        bytes: buf.subarray(0, n),
        atNs: f.startMs * 1e6 + (s.pts ?? 0),
        durationNs: s.duration ?? 20_000_000,
        caps: s.video.caps,
      };
    }
  }
}
