import { lib } from "./_lib.ts";

/**
 * Loads the GStreamer libraries and initialises GStreamer in this JS realm
 * (the main thread or one Worker) now rather than on first use, so that a
 * missing library fails early. Safe to call any number of times.
 */
export function initGstreamer(): void {
  lib();
}

/** The version of the GStreamer library in use. */
export interface GstVersion {
  major: number;
  minor: number;
  micro: number;
  /** 0 for releases, 1 for git builds, 2+ for pre-releases. */
  nano: number;
  /** "1.22.0". */
  text: string;
}

/** The version of the GStreamer library loaded in this process. */
export function gstVersion(): GstVersion {
  const parts = new Uint32Array(4);
  lib().gst_version(
    parts.subarray(0, 1),
    parts.subarray(1, 2),
    parts.subarray(2, 3),
    parts.subarray(3, 4),
  );
  const [major, minor, micro, nano] = parts;
  const text = `${major}.${minor}.${micro}` + (nano > 0 ? `.${nano}` : "");
  return { major, minor, micro, nano, text };
}

/**
 * Names the program for the desktop: video sinks that open their own window
 * (ximagesink) title it with this name, which would otherwise be the
 * executable's ("deno"). GLib takes the first name only; later calls do nothing.
 */
export function setApplicationName(name: string): void {
  lib().g_set_application_name(new TextEncoder().encode(name + "\0"));
}
