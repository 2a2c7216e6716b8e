/**
 * Re-encoding a library file whose codec browsers do not decode (MPEG-4
 * Part 2, MPEG-2, HEVC, …) into WebM as it is read: `filesrc ! <demuxer> !
 * decodebin ! videoconvert ! vp8enc ! webmmux streamable ! appsink`, and the
 * first audio stream through `opusenc`. VP8 and Opus because every browser
 * decodes them and GStreamer's base and good plugins encode them (no
 * optional encoder to probe for). The output is a live stream (no index):
 * it plays from the start and seeks only within what has arrived.
 *
 * Only items whose library allows it (`transcode = true`) are re-encoded;
 * the console starts each one in a nice-19 child process (ui/cli/transcode.ts,
 * ui/http/_transcode.ts), like the recordings' WebM export.
 *
 * @module
 */
import { Pipeline } from "../../ffi/gst/mod.ts";
import type { LibraryItem } from "./index.ts";
import { demuxer } from "./remux.ts";

/** How long one chunk may take to come. Reason: decoding and encoding a second of video takes well under this. */
export const TRANSCODE_PULL_TIMEOUT_MS = 30_000;

/** VP8 bitrate per pixel of a second at 30 fps. Reason: ~2.8 Mb/s at 720p30, 6 Mb/s at 1080p30. */
const BITS_PER_PIXEL = 0.1;

/** The bitrate cap. Reason: a home network's share for one film. */
const MAX_BITRATE = 8_000_000;

/** What the child needs to re-encode one item. */
export interface LibraryTranscodeJob {
  kind: "library";
  path: string;
  mime: string;
  audio: boolean;
  width: number;
  height: number;
  fps: number;
  /** Encoder threads. */
  threads: number;
}

/** Whether an item can be re-encoded: it was read, its container is one we demux, its codec is not played. */
export function transcodable(item: LibraryItem): boolean {
  if (item.delivery !== "unsupported" || item.error !== "") return false;
  try {
    demuxer(item.mime);
    return true;
  } catch {
    return false;
  }
}

/** The job for `item` at `path`. */
export function transcodeJob(
  item: LibraryItem,
  path: string,
  threads: number,
): LibraryTranscodeJob {
  return {
    kind: "library",
    path,
    mime: item.mime,
    audio: item.codecs.length > 1,
    width: item.width,
    height: item.height,
    fps: item.fps,
    threads,
  };
}

/** The pipeline text (the file's path is set on `src` afterwards, never parsed). */
export function transcodeDescription(job: LibraryTranscodeJob): string {
  const fps = job.fps > 0 ? job.fps : 30;
  const pixels = Math.max(1, job.width * job.height);
  const bitrate = Math.min(MAX_BITRATE, Math.round(pixels * fps * BITS_PER_PIXEL));
  const q = "queue max-size-buffers=64 max-size-time=0 max-size-bytes=0";
  const video = `d.video_0 ! ${q} ! decodebin ! videoconvert ! ` +
    `vp8enc deadline=1 cpu-used=8 end-usage=cbr target-bitrate=${bitrate} ` +
    `keyframe-max-dist=${Math.round(fps * 2)} threads=${Math.max(1, job.threads)} ! ${q} ! mux.`;
  const sound = job.audio
    ? ` d.audio_0 ! ${q} ! decodebin ! audioconvert ! audioresample ! opusenc ! ${q} ! mux.`
    : "";
  return `filesrc name=src ! ${demuxer(job.mime)} name=d ${video}${sound} ` +
    `webmmux name=mux streamable=true ! appsink name=out sync=false max-buffers=8`;
}

/** Runs `job`, giving each chunk of WebM to `write`; resolves with the chunk count at the end. */
export async function runTranscode(
  job: LibraryTranscodeJob,
  write: (bytes: Uint8Array) => Promise<void>,
): Promise<number> {
  using pipeline = Pipeline.parse(transcodeDescription(job));
  pipeline.element("src").set("location", job.path);
  const sink = pipeline.appSink("out");
  await pipeline.setStateAsync("playing", { timeoutMs: TRANSCODE_PULL_TIMEOUT_MS });
  let chunks = 0;
  for (;;) {
    const sample = await sink.pullAsync({ timeoutMs: TRANSCODE_PULL_TIMEOUT_MS });
    if (sample === null) {
      const error = pipeline.bus.pop({ timeoutMs: 0, types: ["error"] });
      if (error?.type === "error") throw error.error;
      if (sink.eos) return chunks;
      throw new Error(`No output within ${TRANSCODE_PULL_TIMEOUT_MS} ms`);
    }
    const bytes = new Uint8Array(sample.size);
    sample.copyTo(bytes);
    await write(bytes);
    chunks++;
  }
}
