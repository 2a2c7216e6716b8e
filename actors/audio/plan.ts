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

/** The codec of a camera stream's or file's audio track, by its caps. */
export type TrackCodec = "opus" | "pcmu" | "pcma" | "aac" | "other";

/** Reads the codec from a track's caps ("audio/x-opus, channels=(int)1, …"). */
export function trackCodec(caps: string): TrackCodec {
  const name = caps.split(",", 1)[0].trim();
  switch (name) {
    case "audio/x-opus":
      return "opus";
    case "audio/x-mulaw":
      return "pcmu";
    case "audio/x-alaw":
      return "pcma";
    case "audio/mpeg":
      return /mpegversion=\(int\)[24]/.test(caps) ? "aac" : "other";
    default:
      return "other";
  }
}

/** How the sound reaches the audio ring: the source's own packets, or encoded by eyrie. */
export interface AudioRoute {
  mode: "passthrough" | "encoded";
  /** Why, in words: what the source sends and what takes it. */
  reason: string;
}

const CODEC_NAME: Record<TrackCodec, string> = {
  opus: "Opus",
  pcmu: "G.711 µ-law (PCMU)",
  pcma: "G.711 A-law (PCMA)",
  aac: "AAC",
  other: "audio",
};

/**
 * Whether the sound of `a`, whose track is `codec` (null: not a camera
 * stream or file), is passed through. Only Opus is: the audio ring, WebRTC,
 * RTP, RTSP and recordings all carry Opus, so a camera's own Opus goes
 * everywhere as it came; anything else is decoded and encoded to Opus once.
 */
export function routeAudio(a: AudioSource, codec: TrackCodec | null): AudioRoute {
  if (a.kind === "rtsp" || a.kind === "file") {
    const own = a.kind === "rtsp" ? "the camera's own" : "the file's own";
    if (codec === "opus") {
      return {
        mode: "passthrough",
        reason: `${own} Opus packets: WebRTC, RTP, RTSP and Opus recordings take them as they are`,
      };
    }
    return {
      mode: "encoded",
      reason: `${own} ${CODEC_NAME[codec ?? "other"]} is decoded and encoded to Opus, ` +
        `the codec of every output`,
    };
  }
  return { mode: "encoded", reason: "raw samples from the source, encoded to Opus" };
}
