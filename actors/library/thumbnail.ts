/**
 * A library item's thumbnail: its first picture, decoded, scaled to at
 * most 320 wide and encoded as JPEG (`filesrc ! decodebin ! videoscale !
 * jpegenc snapshot=true ! appsink`), waited for on Deno's blocking pool.
 *
 * @module
 */
import { Pipeline } from "../../ffi/gst/mod.ts";
import { thumbnailSize } from "../recorder/thumbnail.ts";

/** How long a thumbnail may take. Reason: one decode of one frame; a slow disk or a huge frame gets 10 s. */
export const THUMBNAIL_TIMEOUT_MS = 10_000;

/** The JPEG of the first picture of the video at `path` (`width`×`height`), or null when none came. */
export async function libraryThumbnail(
  path: string,
  width: number,
  height: number,
): Promise<Uint8Array | null> {
  const size = thumbnailSize(width, height);
  using pipeline = Pipeline.parse(
    `filesrc name=src ! decodebin ! videoconvert ! videoscale add-borders=false ` +
      `! video/x-raw,format=I420,width=${size.width},height=${size.height} ` +
      `! jpegenc quality=70 snapshot=true ! appsink name=out sync=false max-buffers=1`,
  );
  pipeline.element("src").set("location", path);
  const sink = pipeline.appSink("out");
  pipeline.setState("playing", { timeoutMs: 0 });
  const sample = await sink.pullAsync({ timeoutMs: THUMBNAIL_TIMEOUT_MS });
  if (sample === null) return null;
  const jpeg = new Uint8Array(sample.size);
  sample.copyTo(jpeg);
  return jpeg;
}
