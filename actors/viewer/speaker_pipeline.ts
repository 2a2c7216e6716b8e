/**
 * Where two-way talk plays: the camera's `speaker` key, parsed, and the
 * GStreamer pipeline that plays a talker's Opus packets there. Pure.
 *
 *   appsrc name=talk (Opus packets, timestamps from their RTP timestamps)
 *     ! opusdec (conceals lost packets) ! audioconvert ! audioresample
 *     ! <sink>
 *
 * | `speaker`       | sink                                                         |
 * | --------------- | ------------------------------------------------------------ |
 * | `none`          | no speaker: talk is refused                                  |
 * | `auto`          | autoaudiosink (the sound server's default output, else ALSA) |
 * | `alsa:<pcm>`    | alsasink device=<pcm>                                        |
 * | `pulse:<sink>`  | pulsesink (device=<sink> unless `default`)                   |
 * | `file:<path>`   | raw PCM, 16-bit little-endian, 48 kHz mono, appended to path |
 * | `backchannel`   | the RTSP camera's own speaker (backchannel_pipeline.ts)      |
 *
 * @module
 */
import { quote } from "../camera/source.ts";

/** A parsed `speaker`. */
export type SpeakerTarget =
  | { kind: "none" }
  | { kind: "auto" }
  | { kind: "alsa"; device: string }
  | { kind: "pulse"; device: string }
  | { kind: "file"; path: string }
  /** The ONVIF backchannel of the camera's rtsp:// source (backchannel_speaker.ts). */
  | { kind: "backchannel" };

/** The appsrc the viewer actor pushes Opus packets into. */
export const SPEAKER_SRC = "talk";
/** What a browser sends (RFC 7587 signals opus/48000/2 whatever the packets hold). */
export const SPEAKER_CAPS = "audio/x-opus,channel-mapping-family=0,rate=48000,channels=2";
/** The PCM a `file:` speaker gets: what a test reads back, and `aplay -f S16_LE -r 48000` plays. */
export const SPEAKER_FILE_RATE = 48_000;

/** Parses the config value (checked by the config's pattern); throws a TypeError quoting a bad one. */
export function parseSpeaker(value: string): SpeakerTarget {
  if (value === "none") return { kind: "none" };
  if (value === "auto") return { kind: "auto" };
  if (value === "backchannel") return { kind: "backchannel" };
  if (value.startsWith("alsa:") && value.length > 5) {
    return { kind: "alsa", device: value.slice(5) };
  }
  if (value.startsWith("pulse:") && value.length > 6) {
    return { kind: "pulse", device: value.slice(6) };
  }
  if (value.startsWith("file:") && value.length > 5) return { kind: "file", path: value.slice(5) };
  throw new TypeError(
    `Unknown speaker "${value}": use none, auto, alsa:<pcm>, pulse:<sink>, file:<path> or backchannel`,
  );
}

function sink(t: SpeakerTarget): string {
  switch (t.kind) {
    case "none":
    case "backchannel":
      throw new TypeError(`No local pipeline for speaker ${t.kind}`);
    case "auto":
      return "autoaudiosink";
    case "alsa":
      return `alsasink device=${quote(t.device)}`;
    case "pulse":
      return t.device === "default" ? "pulsesink" : `pulsesink device=${quote(t.device)}`;
    case "file":
      // No clock to follow: a file takes the samples as they come.
      return `audio/x-raw,format=S16LE,rate=${SPEAKER_FILE_RATE},channels=1` +
        ` ! filesink location=${quote(t.path)} append=true sync=false`;
  }
}

/** The whole pipeline for `t`. */
export function speakerPipeline(t: SpeakerTarget): string {
  // A bounded queue on the appsrc (20 packets, 400 ms): a sink that stalls costs sound, not memory.
  return `appsrc name=${SPEAKER_SRC} format=time is-live=true max-buffers=20` +
    ` leaky-type=downstream caps=${quote(SPEAKER_CAPS)}` +
    ` ! opusdec plc=true ! audioconvert ! audioresample ! ${sink(t)}`;
}

/** The speaker in a sentence, for states and errors. */
export function describeSpeaker(t: SpeakerTarget): string {
  switch (t.kind) {
    case "none":
      return "no speaker";
    case "auto":
      return "the default audio output";
    case "alsa":
      return `alsa:${t.device}`;
    case "pulse":
      return `pulse:${t.device}`;
    case "file":
      return `file:${t.path}`;
    case "backchannel":
      return "the camera's RTSP backchannel";
  }
}
