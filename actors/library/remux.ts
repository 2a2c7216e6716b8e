/**
 * Copies a library file's H.264 (and AAC) into fragmented MP4 as it is
 * read, for containers browsers do not play (Matroska, AVI, QuickTime):
 * `filesrc ! <demuxer> ! h264parse/aacparse ! mp4mux (1 s fragments) !
 * appsink`, no decoding, streamed from the start while
 * {@linkcode remuxToFile} makes a whole copy (plain MP4, its index first)
 * that is then served with ranges, so a player seeks anywhere in it.
 * GStreamer's threads do the work; this thread only waits (`pullAsync`,
 * `popAsync`), so the event loop goes on.
 *
 * @module
 */
import { Pipeline } from "../../ffi/gst/mod.ts";

/** How long one fragment may take to come. Reason: a 1 s fragment is read in ms; a stall is a fault. */
export const REMUX_PULL_TIMEOUT_MS = 10_000;

/** mp4mux fragment length. Reason: the player can start after one; seeks land within one. */
export const REMUX_FRAGMENT_MS = 1000;

/** The demuxer element for a container MIME type. */
export function demuxer(mime: string): string {
  switch (mime) {
    case "video/x-matroska":
    case "video/webm":
      return "matroskademux";
    case "video/x-msvideo":
      return "avidemux";
    case "video/quicktime":
    case "video/mp4":
      return "qtdemux";
    default:
      throw new RangeError(`No demuxer for "${mime}"`);
  }
}

/** The pipeline text of a remux (the file's path is set on `src` afterwards, never parsed). */
export function remuxDescription(
  mime: string,
  audio: boolean,
  sink = `mp4mux name=mux fragment-duration=${REMUX_FRAGMENT_MS} streamable=true ` +
    `! appsink name=out sync=false max-buffers=8`,
): string {
  const video = `d.video_0 ! queue max-size-buffers=64 max-size-time=0 max-size-bytes=0 ` +
    `! h264parse ! video/x-h264,stream-format=avc,alignment=au ! mux.`;
  const sound = audio
    ? ` d.audio_0 ! queue max-size-buffers=64 max-size-time=0 max-size-bytes=0 ! aacparse ` +
      `! audio/mpeg,mpegversion=4,stream-format=raw ! mux.`
    : "";
  return `filesrc name=src ! ${demuxer(mime)} name=d ${video}${sound} ${sink}`;
}

/** How long a whole copy may take. Reason: disk speed; a 2-hour film copies in well under this. */
export const REMUX_COPY_TIMEOUT_MS = 30 * 60_000;

/**
 * Copies `path` into a plain MP4 at `out` (its index at the front, so a
 * browser seeks with ranges); throws GstError when the file cannot be read.
 */
export async function remuxToFile(
  path: string,
  out: string,
  options: { mime: string; audio: boolean },
): Promise<void> {
  using pipeline = Pipeline.parse(
    remuxDescription(
      options.mime,
      options.audio,
      "mp4mux name=mux faststart=true ! filesink name=dst",
    ),
  );
  pipeline.element("src").set("location", path);
  pipeline.element("dst").set("location", out);
  pipeline.setState("playing", { timeoutMs: 0 });
  const message = await pipeline.bus.popAsync({
    timeoutMs: REMUX_COPY_TIMEOUT_MS,
    types: ["eos", "error"],
  });
  if (message?.type === "error") throw message.error;
  if (message === null) throw new Error(`The copy took over ${REMUX_COPY_TIMEOUT_MS} ms`);
}

/** A fragmented MP4 of `path`, from its start; cancel the stream to stop early. */
export async function remuxStream(
  path: string,
  options: { mime: string; audio: boolean; onEnd?: () => void },
): Promise<ReadableStream<Uint8Array>> {
  const pipeline = Pipeline.parse(remuxDescription(options.mime, options.audio));
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    pipeline[Symbol.dispose]();
    options.onEnd?.();
  };
  try {
    pipeline.element("src").set("location", path);
    const sink = pipeline.appSink("out");
    await pipeline.setStateAsync("playing", { timeoutMs: REMUX_PULL_TIMEOUT_MS });
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const sample = await sink.pullAsync({ timeoutMs: REMUX_PULL_TIMEOUT_MS });
          if (sample === null) {
            const error = pipeline.bus.pop({ timeoutMs: 0, types: ["error"] });
            const eos = sink.eos;
            end();
            if (error?.type === "error") controller.error(error.error);
            else if (eos) controller.close();
            else controller.error(new Error(`No fragment within ${REMUX_PULL_TIMEOUT_MS} ms`));
            return;
          }
          const bytes = new Uint8Array(sample.size);
          sample.copyTo(bytes);
          controller.enqueue(bytes);
        } catch (e) {
          end();
          controller.error(e);
        }
      },
      cancel() {
        end();
      },
    }, { highWaterMark: 0 });
  } catch (e) {
    end();
    throw e;
  }
}
