/**
 * What a camera's recording writes per second, for sizing the pre-roll and
 * the free-disk margin. H.264 follows the configured bitrate; MJPEG has
 * none (each picture's size follows its content and `jpeg_quality`), so it
 * is estimated from the picture size.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";

/**
 * Bits per pixel of an MJPEG picture, for estimates. Reason: jpegenc at
 * quality 85 (the default) measured 1.2–1.6 bits per pixel on videotestsrc
 * patterns and camera scenes; 2 covers busy scenes at higher qualities.
 */
export const MJPEG_BITS_PER_PIXEL = 2;

/** The stream's kbit/s: `bitrate_kbps` (or `max_bitrate_kbps` with `peak`) for H.264, an estimate for MJPEG. */
export function recordingKbps(
  camera: Pick<
    CameraConfig,
    "codec" | "width" | "height" | "fps" | "bitrate_kbps" | "max_bitrate_kbps"
  >,
  options: { peak?: boolean } = {},
): number {
  if (camera.codec === "mjpeg") {
    return Math.ceil((camera.width * camera.height * camera.fps * MJPEG_BITS_PER_PIXEL) / 1000);
  }
  return options.peak ? camera.max_bitrate_kbps : camera.bitrate_kbps;
}
