/**
 * A JPEG thumbnail per segment. An H.264 camera's is made from a raw frame
 * of the camera (the newest when the segment opens):
 * `appsrc ! videoconvert ! videoscale ! jpegenc ! filesink`, no decoder, so
 * gst-libav (FFmpeg, 25 MB mapped) is never loaded. Without a raw frame the
 * segment's first keyframe is decoded (`h264parse ! avdec_h264`); an MJPEG
 * camera's first picture goes through `jpegdec`. One picture every segment
 * (a minute by default); the file is written beside the segment under a
 * temporary name, then renamed, so a crash never leaves half a JPEG under
 * the real name.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { Pipeline } from "../../ffi/gst/mod.ts";
import { type Codec, FrameFormat, type RawFormat, rawFrameBytes } from "../defs.ts";
import { APPSRC_CAPS, APPSRC_NAME, quoteGst } from "./mux.ts";
import { PARTIAL_SUFFIX, thumbnailPath } from "./paths.ts";

/** Thumbnail width in pixels. Reason: a timeline tile on a phone; ~10 KB a JPEG. */
export const THUMBNAIL_WIDTH = 320;

/** JPEG quality of thumbnails (1–100). */
export const THUMBNAIL_QUALITY = 70;

/** Width and height of the thumbnail of a `width`×`height` picture: at most 320 wide, even sizes. */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  if (!(width > 0 && height > 0)) throw new RangeError(`Picture size ${width}x${height} is empty`);
  const w = Math.min(THUMBNAIL_WIDTH, width) & ~1;
  const h = Math.max(2, Math.round((w * height) / width / 2) * 2);
  return { width: Math.max(2, w), height: h };
}

/** A raw picture: its format and size. */
export interface RawPicture {
  format: RawFormat;
  width: number;
  height: number;
}

/** The pipeline text that turns one pushed picture (a keyframe, a JPEG or a raw frame) into a JPEG at `file`. */
export function thumbnailPipeline(
  file: string,
  size: { width: number; height: number },
  codec: Codec = "h264",
  raw?: RawPicture,
): string {
  const decode = raw !== undefined
    ? `appsrc name=${APPSRC_NAME} format=time caps=video/x-raw,format=${raw.format},` +
      `width=${raw.width},height=${raw.height},framerate=0/1`
    : codec === "h264"
    ? `appsrc name=${APPSRC_NAME} format=time caps=${APPSRC_CAPS} ! h264parse ! avdec_h264`
    : `appsrc name=${APPSRC_NAME} format=time caps=image/jpeg,framerate=0/1 ! jpegparse ! jpegdec`;
  return [
    decode,
    "! videoconvert ! videoscale",
    `! video/x-raw,width=${size.width},height=${size.height},pixel-aspect-ratio=1/1`,
    `! jpegenc quality=${THUMBNAIL_QUALITY}`,
    `! filesink location=${quoteGst(file)}`,
  ].join(" ");
}

/**
 * Writes the thumbnail of the segment at `path` (relative to `dir`) from
 * `keyframe` (an Annex B IDR access unit with its SPS and PPS, a JPEG, or
 * with `raw` a raw frame of `width` × `height`). Waits off
 * the event loop, at most `timeoutMs`; `signal` stops it at once (the
 * pipeline is released, so no file stays open). Returns the JPEG's size.
 *
 * @throws {GstError} when GStreamer cannot decode or encode it.
 */
export async function writeThumbnail(
  dir: string,
  path: string,
  keyframe: Uint8Array,
  options: {
    width: number;
    height: number;
    timeoutMs: number;
    signal?: AbortSignal;
    /** What `keyframe` is: an H.264 IDR access unit (default) or a JPEG picture. */
    codec?: Codec;
    /** `keyframe` is a raw frame in this format (no decoder runs). */
    raw?: RawFormat;
  },
): Promise<number> {
  if (options.raw !== undefined) {
    const want = rawFrameBytes(
      options.raw === "NV12" ? FrameFormat.NV12 : FrameFormat.I420,
      options.width,
      options.height,
    );
    if (keyframe.length !== want) {
      throw new RangeError(
        `A ${options.raw} frame of ${options.width}x${options.height} has ${want} bytes, got ${keyframe.length}`,
      );
    }
  }
  const file = join(dir, ...thumbnailPath(path).split("/"));
  const partial = file + PARTIAL_SUFFIX;
  await Deno.mkdir(dirname(file), { recursive: true });
  options.signal?.throwIfAborted();
  const size = { width: options.width, height: options.height };
  const raw = options.raw === undefined ? undefined : { format: options.raw, ...size };
  const pipeline = Pipeline.parse(
    thumbnailPipeline(partial, thumbnailSize(size.width, size.height), options.codec, raw),
  );
  let onAbort = () => {};
  try {
    const src = pipeline.appSrc(APPSRC_NAME);
    pipeline.setState("playing", { timeoutMs: 0 });
    src.push(keyframe, { pts: 0, keyframe: true });
    src.endOfStream();
    const pop = pipeline.bus.popAsync({ timeoutMs: options.timeoutMs, types: ["eos", "error"] });
    // An abandoned wait ends by itself within timeoutMs; its bus is released then.
    pop.catch(() => {});
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(options.signal!.reason);
      options.signal?.addEventListener("abort", onAbort, { once: true });
    });
    const m = await Promise.race([pop, aborted]);
    if (m?.type === "error") throw m.error;
    if (m === null) throw new Error(`No thumbnail within ${options.timeoutMs} ms`);
  } catch (e) {
    pipeline[Symbol.dispose]();
    await Deno.remove(partial).catch(() => {});
    throw e;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  pipeline[Symbol.dispose]();
  const bytes = (await Deno.stat(partial)).size;
  if (bytes === 0) {
    await Deno.remove(partial);
    throw new Error("The decoder made no picture of the keyframe");
  }
  await Deno.rename(partial, file);
  return bytes;
}
