/**
 * Quality presets at run time: a camera's settings with another preset's
 * size, rate and bitrate, keeping the rest (keyframe interval in seconds,
 * the adaptive range widened to include the new bitrate, the detector's
 * size and the sub stream within the new frame).
 *
 * @module
 */
import { type CameraConfig, QUALITY_PRESETS, type QualityPreset } from "../defs.ts";

export function withQuality(cam: CameraConfig, preset: QualityPreset): CameraConfig {
  const p = QUALITY_PRESETS[preset];
  if (p === undefined) throw new TypeError(`Unknown quality preset "${preset}"`);
  const gopSeconds = cam.gop / cam.fps;
  return {
    ...cam,
    quality: preset,
    width: p.width,
    height: p.height,
    fps: p.fps,
    bitrate_kbps: p.bitrate_kbps,
    min_bitrate_kbps: Math.min(cam.min_bitrate_kbps, p.bitrate_kbps),
    max_bitrate_kbps: Math.max(cam.max_bitrate_kbps, p.bitrate_kbps),
    gop: Math.max(1, Math.round(gopSeconds * p.fps)),
    // The sub stream keeps its settings, within the new main stream's.
    sub: cam.sub === null ? null : {
      width: Math.min(cam.sub.width, p.width),
      height: Math.min(cam.sub.height, p.height),
      fps: Math.min(cam.sub.fps, p.fps),
      bitrate_kbps: Math.min(cam.sub.bitrate_kbps, p.bitrate_kbps),
    },
    detection: {
      ...cam.detection,
      width: Math.min(cam.detection.width, p.width),
      height: Math.min(cam.detection.height, p.height),
    },
  };
}
