/**
 * Where a camera's sound comes from: `audio = "auto" | "none" | "test" |
 * "alsa:<pcm>" | "pulse:<source>"` on `[[camera]]`, resolved against its
 * video source and the machine's devices. Pure: the devices are handed in.
 *
 * `auto` is a tone for a test camera; an RTSP camera's or a file's own audio
 * track (when it has one: nothing and no error otherwise); for a local
 * camera the microphone on the same USB device, else the sound server's
 * default input, else the first ALSA capture device, else nothing; a screen
 * has no sound.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import type { SourceKind } from "../camera/source.ts";
import type { AudioDevice } from "./devices.ts";

/** What the audio actor opens. */
export type AudioSource =
  /** No sound, and why (never an error: `audio = "none"`, or `auto` found nothing). */
  | { kind: "none"; reason: string }
  /** audiotestsrc: a 440 Hz sine. */
  | { kind: "test" }
  | { kind: "alsa"; device: string }
  /** `device` "" is the server's default source. */
  | { kind: "pulse"; device: string }
  /**
   * The audio track of the camera's own stream, in a session of its own.
   * `optional`: `auto` asked for it, so a stream without audio is "none", not a fault.
   */
  | { kind: "rtsp"; url: string; optional: boolean }
  | { kind: "file"; path: string; optional: boolean };

/** Parses an `alsa:`/`pulse:` device name (already validated by the config). */
export function parseDevice(name: string): AudioSource | null {
  if (name.startsWith("alsa:")) return { kind: "alsa", device: name.slice(5) };
  if (name.startsWith("pulse:")) {
    const device = name.slice(6);
    return { kind: "pulse", device: device === "default" ? "" : device };
  }
  return null;
}

/** What the machine offers `auto` for a local camera. */
export interface AudioMachine {
  devices: readonly AudioDevice[];
  /** The ALSA PCM on the same USB device as the camera (devices.ts pairedMicrophone). */
  paired: string | null;
}

/**
 * The audio source of camera `cam` whose video is `video` (resolved: `auto`
 * already turned into what it found).
 */
export function planAudio(
  cam: CameraConfig,
  video: SourceKind,
  machine: AudioMachine,
): AudioSource {
  const a = cam.audio;
  if (a === "none") return { kind: "none", reason: 'audio = "none"' };
  if (a === "test") return { kind: "test" };
  if (a !== "auto") {
    const d = parseDevice(a);
    if (d === null) throw new TypeError(`Unknown audio "${a}"`);
    return d;
  }
  switch (video.kind) {
    case "test":
      return { kind: "test" };
    case "rtsp":
      return { kind: "rtsp", url: video.url, optional: true };
    case "file":
      return { kind: "file", path: video.path, optional: true };
    case "screen":
      return { kind: "none", reason: "a screen source has no sound" };
    case "v4l2":
    case "libcamera": {
      if (machine.paired !== null) return parseDevice(machine.paired)!;
      const input = machine.devices.find((d) => d.capture);
      if (input === undefined) return { kind: "none", reason: "this machine has no audio input" };
      return parseDevice(input.name)!;
    }
  }
}

/** The source as a user reads it (never a password). */
export function describeAudio(a: AudioSource): string {
  switch (a.kind) {
    case "none":
      return "none";
    case "test":
      return "test tone 440 Hz";
    case "alsa":
      return `alsa:${a.device}`;
    case "pulse":
      return `pulse:${a.device || "default"}`;
    case "rtsp":
      return "the camera's audio track";
    case "file":
      return "the file's audio track";
  }
}
