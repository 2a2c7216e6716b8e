/**
 * The camera's GStreamer pipeline, as a gst-launch description built from
 * config. Pure: no GStreamer calls here, so every source kind is tested by
 * its text and by GStreamer parsing it.
 *
 *   <source> ! videoconvert ! videoscale ! videorate ! raw caps ! appsink name=main  → raw ring
 *
 * The appsink drops rather than blocks (max-buffers=2 drop=true), so no queue
 * is needed. The detector's small frames are shrunk from the raw frames in
 * the actor (downscale.ts), not by a second branch here.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import { parseScreen, type Region, shmElements } from "./screen.ts";

/** What `source = "…"` resolved to. `auto` is resolved before building (see resolveAuto). */
export type SourceKind =
  | { kind: "test"; pattern: string }
  | { kind: "libcamera" }
  | { kind: "v4l2"; device: string }
  | { kind: "file"; path: string }
  | { kind: "rtsp"; url: string }
  /** An X11 screen; `display` "" is the environment's DISPLAY (resolved by the actor). */
  | { kind: "screen"; display: string; region: Region | null };

/** Parses the config's source string (already validated by the config). `auto` returns null. */
export function parseSource(source: string, pattern: string): SourceKind | null {
  if (source === "auto") return null;
  if (source === "test") return { kind: "test", pattern };
  if (source === "libcamera") return { kind: "libcamera" };
  if (source.startsWith("v4l2:")) return { kind: "v4l2", device: source.slice(5) };
  if (source.startsWith("file:")) return { kind: "file", path: source.slice(5) };
  if (/^rtsps?:\/\//.test(source)) return { kind: "rtsp", url: source };
  if (source.startsWith("screen")) return { kind: "screen", ...parseScreen(source.slice(6)) };
  throw new TypeError(`Unknown camera source "${source}"`);
}

/** Quotes a value for a gst-launch description. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * The source element(s), ending in decoded raw video of whatever format the
 * source offers. A screen is read from its capture child's shared memory at
 * `socket` (see screen.ts).
 */
export function sourceElements(src: SourceKind, cam: CameraConfig, socket = ""): string {
  switch (src.kind) {
    case "test":
      return `videotestsrc is-live=true pattern=${src.pattern}`;
    case "libcamera":
      return "libcamerasrc";
    case "v4l2":
      return `v4l2src device=${quote(src.device)}`;
    case "file":
      return `filesrc location=${quote(src.path)} ! decodebin`;
    case "rtsp":
      return `rtspsrc location=${quote(src.url)} latency=100 ! decodebin`;
    case "screen":
      if (socket === "") throw new TypeError("A screen source needs its capture socket");
      return shmElements(cam, socket, quote);
  }
}

/** A frame rate as a GStreamer fraction: 5 → "5/1", 0.5 → "1/2", 2.5 → "5/2". */
export function fraction(fps: number): string {
  for (const den of [1, 2, 3, 4, 5, 10, 100, 1000]) {
    const num = fps * den;
    if (Math.abs(num - Math.round(num)) < 1e-9) return `${Math.round(num)}/${den}`;
  }
  return `${Math.round(fps * 1000)}/1000`;
}

/** Name of the appsink in the camera pipeline. */
export const MAIN_SINK = "main";

/** Whether the camera feeds the detector (motion or a model). */
export function wantsSmall(cam: CameraConfig): boolean {
  return cam.detection.motion || cam.detection.model !== "";
}

/** The whole camera pipeline (`socket`: a screen's capture socket, see sourceElements). */
export function cameraPipeline(cam: CameraConfig, src: SourceKind, socket = ""): string {
  const raw =
    `video/x-raw,format=${cam.format},width=${cam.width},height=${cam.height},framerate=${cam.fps}/1`;
  // A file plays as fast as it decodes unless something paces it; a live source paces itself.
  const pace = src.kind === "file" ? " ! identity sync=true" : "";
  return `${
    sourceElements(src, cam, socket)
  }${pace} ! videoconvert ! videoscale ! videorate ! ${raw}` +
    ` ! appsink name=${MAIN_SINK} max-buffers=2 drop=true sync=false`;
}
