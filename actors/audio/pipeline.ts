/**
 * The audio actor's GStreamer pipeline, as a gst-launch description. Pure.
 *
 *   <source> ! queue (leaky) ! audioconvert ! audioresample ! 48 kHz mono
 *     ! opusenc (20 ms frames) ! appsink name=audio   → audio ring
 *
 * Every source but Opus is decoded and encoded to Opus at 48 kHz: one format
 * for WebRTC (RFC 7587), RTP, RTSP and recordings, whatever the camera sends
 * (G.711, AAC). A camera's or file's own Opus is passed through: depayloaded
 * (or demuxed) and written to the ring as it came, with no decoder and no
 * encoder ({@linkcode passthroughPipeline}).
 *
 * @module
 */
import { quote } from "../camera/source.ts";
import type { AudioSource } from "./plan.ts";

/** Name of the appsink the actor pulls Opus packets from. */
export const AUDIO_SINK = "audio";
/** Opus bitrate: 32 kb/s is transparent for one voice channel (RFC 7587 §7.1 suggests 28–40). */
export const OPUS_BITRATE = 32_000;
/** One Opus packet per 20 ms: WebRTC's default ptime, 50 packets a second. */
export const OPUS_FRAME_MS = 20;
/** Opus always runs on a 48 kHz clock (RFC 7587 §4.1). */
export const OPUS_RATE = 48_000;
/** Mono: a camera's microphone is one channel, and half the bits of stereo. */
export const OPUS_CHANNELS = 1;
/** The queue between source and sink: half a second, the oldest dropped past it. */
const QUEUE = "queue max-size-time=500000000 leaky=downstream";
/** The appsink the actor pulls from: 50 packets (1 s) at most, never blocking the source. */
const SINK = `appsink name=${AUDIO_SINK} max-buffers=50 drop=true sync=false`;

/** The source element(s), ending in raw audio of whatever format the source offers. */
export function audioSourceElements(a: AudioSource): string {
  switch (a.kind) {
    case "none":
      throw new TypeError("No pipeline for audio none");
    case "test":
      return "audiotestsrc is-live=true wave=sine freq=440 volume=0.3 samplesperbuffer=960";
    case "alsa":
      return `alsasrc device=${quote(a.device)}`;
    case "pulse":
      return a.device === "" ? "pulsesrc" : `pulsesrc device=${quote(a.device)}`;
    case "rtsp":
      // The camera's video pad stays unlinked: rtspsrc drops what nobody takes.
      return `rtspsrc location=${quote(a.url)} latency=100 name=src ` +
        `src. ! application/x-rtp,media=audio ! decodebin`;
    case "file":
      // Paced like the video: a file plays as fast as it decodes unless something holds it.
      return `filesrc location=${
        quote(a.path)
      } ! decodebin name=d d. ! audio/x-raw ! identity sync=true`;
  }
}

/** The whole pipeline for `a`. */
export function audioPipeline(a: AudioSource): string {
  return `${audioSourceElements(a)} ! ${QUEUE}` +
    ` ! audioconvert ! audioresample ! audio/x-raw,rate=${OPUS_RATE},channels=${OPUS_CHANNELS}` +
    ` ! opusenc bitrate=${OPUS_BITRATE} frame-size=${OPUS_FRAME_MS}` +
    ` ! ${SINK}`;
}

/**
 * The pipeline that passes a camera's or file's own Opus through: RFC 7587
 * depayloading (or the file's demuxer), no decoder, no encoder.
 */
export function passthroughPipeline(a: AudioSource & { kind: "rtsp" | "file" }): string {
  const source = a.kind === "rtsp"
    // The video pad stays unlinked, as in audioSourceElements().
    ? `rtspsrc location=${quote(a.url)} latency=100 name=src ` +
      `src. ! application/x-rtp,media=audio,encoding-name=OPUS ! rtpopusdepay`
    : `filesrc location=${quote(a.path)} ! parsebin name=d d. ! audio/x-opus ! identity sync=true`;
  return `${source} ! ${QUEUE} ! ${SINK}`;
}
