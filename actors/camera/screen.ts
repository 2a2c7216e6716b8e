/**
 * `source = "screen"`: an X11 screen (or a region of it) as a camera. Pure:
 * the source string, the capture child's pipeline and the causes of its
 * failures; screen_capture.ts runs the child.
 *
 * Why a child process: Xlib ends the whole process (`exit(1)` from its
 * default I/O error handler, "XIO: fatal IO error") when the X server goes
 * away under an open connection, and GStreamer's `ximagesrc` keeps its
 * connection to itself, so eyrie cannot install a handler for it. The
 * capture runs in `gst-launch-1.0` and hands frames over shared memory:
 *
 * ```
 * gst-launch-1.0: ximagesrc ─▶ videoconvert ─▶ videoscale ─▶ raw caps ─▶ shmsink ─┐ socket + shm
 * camera actor:   shmsrc ─▶ raw caps ─▶ (the camera pipeline as for any source) ◀─┘
 * ```
 *
 * An X server that restarts kills only the child: the camera is offline
 * with the cause ("the X server :99 went away") and a later try opens the
 * new server.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";

/** A rectangle of the screen: its top-left corner and size in pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** `[host]:display[.screen]`, as X11 writes a display name. */
const DISPLAY = /^[A-Za-z0-9.-]*:\d{1,5}(\.\d{1,3})?$/;
/** `+X,Y,WxH`. */
const REGION = /^\+(\d{1,5}),(\d{1,5}),(\d{1,5})x(\d{1,5})$/;

/** The largest side of a region; X11 coordinates are 16-bit. */
const MAX_SIDE = 32767;

/**
 * Reads what follows `screen` in a source string: "" (the `DISPLAY` of the
 * environment), `:99`, `:99+0,0,640x480`, `host:0.1+10,20,320x240` or
 * `+0,0,640x480` (a region of `DISPLAY`). Throws a TypeError that quotes the
 * part it could not read.
 */
export function parseScreen(rest: string): { display: string; region: Region | null } {
  if (rest === "") return { display: "", region: null };
  if (!rest.startsWith(":")) throw new TypeError(`Unknown camera source "screen${rest}"`);
  const body = rest.slice(1);
  const plus = body.indexOf("+");
  const display = plus < 0 ? body : body.slice(0, plus);
  if (display !== "" && !DISPLAY.test(display)) {
    throw new TypeError(`"${display}" is not an X display name (such as ":0" or "host:1.0")`);
  }
  if (plus < 0) return { display, region: null };
  const m = REGION.exec(body.slice(plus));
  if (m === null) {
    throw new TypeError(`"${body.slice(plus)}" is not a screen region (such as "+0,0,640x480")`);
  }
  const [x, y, width, height] = m.slice(1).map(Number);
  if (width < 16 || height < 16 || x + width > MAX_SIDE || y + height > MAX_SIDE) {
    throw new RangeError(
      `Screen region "${body.slice(plus)}" must be at least 16x16 and end within ${MAX_SIDE}`,
    );
  }
  return { display, region: { x, y, width, height } };
}

/** The size a region suggests for the camera's frames: even sides (4:2:0 chroma). */
export function regionSize(source: string): { width: number; height: number } | null {
  if (!source.startsWith("screen")) return null;
  try {
    const { region } = parseScreen(source.slice(6));
    return region === null ? null : { width: region.width & ~1, height: region.height & ~1 };
  } catch {
    return null;
  }
}

/** Where an X display is served: a local socket, or TCP port 6000 + N on a host. */
export type DisplayAddress =
  | { kind: "local"; socket: string }
  | { kind: "tcp"; hostname: string; port: number };

/** The address of a display name (`:99` → /tmp/.X11-unix/X99; `host:2` → host:6002). */
export function displayAddress(display: string): DisplayAddress {
  const colon = display.lastIndexOf(":");
  const host = display.slice(0, colon);
  const number = Number(display.slice(colon + 1).split(".")[0]);
  if (host === "" || host === "unix") {
    return { kind: "local", socket: `/tmp/.X11-unix/X${number}` };
  }
  return { kind: "tcp", hostname: host, port: 6000 + number };
}

/** The raw caps both ends of the shared memory agree on (shm carries bytes, not caps). */
export function screenCaps(cam: CameraConfig): string {
  return `video/x-raw,format=${cam.format},width=${cam.width},height=${cam.height},` +
    `framerate=${cam.fps}/1,pixel-aspect-ratio=1/1`;
}

/** Frames the shared memory holds: the camera may hold a few while the child writes more. */
const SHM_FRAMES = 8;

/** The capture child's argv for gst-launch-1.0 (no shell: each element and property one word). */
export function captureArgs(
  cam: CameraConfig,
  screen: { display: string; region: Region | null; cursor: boolean },
  socket: string,
): string[] {
  const src = [
    "ximagesrc",
    `display-name=${screen.display}`,
    `show-pointer=${screen.cursor}`,
    "use-damage=true",
  ];
  const r = screen.region;
  if (r !== null) {
    // endx/endy are the last column and row taken (inclusive).
    src.push(
      `startx=${r.x}`,
      `starty=${r.y}`,
      `endx=${r.x + r.width - 1}`,
      `endy=${r.y + r.height - 1}`,
    );
  }
  const frame = cam.width * cam.height * 2; // ≥ any 4:2:0 frame (1.5 bytes a pixel)
  return [
    "-q",
    ...src,
    "!",
    `video/x-raw,framerate=${cam.fps}/1`,
    "!",
    "videoconvert",
    "!",
    "videoscale",
    "add-borders=true",
    "!",
    screenCaps(cam),
    "!",
    "shmsink",
    `socket-path=${socket}`,
    `shm-size=${frame * SHM_FRAMES}`,
    "wait-for-connection=false",
    "sync=false",
  ];
}

/** The camera pipeline's source end: the child's frames out of shared memory. */
export function shmElements(cam: CameraConfig, socket: string, quote: (s: string) => string) {
  return `shmsrc socket-path=${quote(socket)} is-live=true do-timestamp=true ! ${screenCaps(cam)}`;
}

/**
 * Why the capture child ended, from its stderr, in words its user can act on.
 * Null when stderr says nothing recognisable (the caller words it then).
 */
export function captureCause(display: string, stderr: string): string | null {
  if (/XIO:\s+fatal IO error/.test(stderr)) return `the X server ${display} went away`;
  if (/No protocol specified|Authorization required|Invalid MIT-MAGIC-COOKIE/.test(stderr)) {
    return `the X server ${display} refused the connection (no access: check XAUTHORITY or xhost)`;
  }
  if (/Could not open X display/.test(stderr)) return `cannot open the X display ${display}`;
  if (/no element "ximagesrc"/.test(stderr)) {
    return "screen capture needs GStreamer's ximagesrc (gstreamer1.0-plugins-good)";
  }
  if (/no element "shmsink"/.test(stderr)) {
    return "screen capture needs GStreamer's shmsink (gstreamer1.0-plugins-bad)";
  }
  const error = stderr.split("\n").find((l) => l.startsWith("ERROR:"));
  return error === undefined ? null : `screen capture failed: ${error.slice(6).trim()}`;
}

/**
 * The cause when no display is named and `DISPLAY` is unset: on a Wayland
 * session it says what is missing (PipeWire's portal is not supported).
 */
export function noDisplayCause(env: { wayland: string | undefined }): string {
  const base = 'no X display: DISPLAY is not set (name one: source = "screen::0")';
  return env.wayland === undefined || env.wayland === ""
    ? base
    : `${base}; this is a Wayland session (WAYLAND_DISPLAY=${env.wayland}), and capturing ` +
      "Wayland through PipeWire's screen-cast portal is not supported yet";
}
