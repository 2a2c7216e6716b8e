/**
 * `source = "auto"`: a Pi camera through libcamera, else the first V4L2
 * capture device, else the test pattern, so eyrie always runs.
 *
 * @module
 */
import { elementAvailable, listVideoSources, type VideoSourceDevice } from "../../ffi/gst/mod.ts";
import type { SourceKind } from "./source.ts";

/** Whether a device can deliver raw video (a capture device, not a codec or metadata node). */
function capturesRaw(d: VideoSourceDevice): boolean {
  return d.modes.some((m) => m.media === "video/x-raw" || m.media === "image/jpeg");
}

/** Picks the source `auto` means on this machine, from the devices GStreamer sees. */
export function chooseAuto(
  devices: readonly VideoSourceDevice[],
  hasLibcamera: boolean,
  pattern: string,
): SourceKind {
  if (hasLibcamera && devices.some((d) => "api.libcamera.id" in d.properties)) {
    return { kind: "libcamera" };
  }
  const v4l2 = devices.find((d) => d.path?.startsWith("/dev/video") && capturesRaw(d));
  if (v4l2?.path) return { kind: "v4l2", device: v4l2.path };
  return { kind: "test", pattern };
}

/** Probes the machine (blocks while device providers look: call from a Worker). */
export function resolveAuto(pattern: string): SourceKind {
  return chooseAuto(listVideoSources(), elementAvailable("libcamerasrc"), pattern);
}
