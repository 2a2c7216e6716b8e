/**
 * The pipeline texts of exports: one demuxer per recording container that
 * hands out access units as the ring holds them (Annex B H.264, or JPEG
 * pictures), and one muxer per export format fed through an appsrc. mp4,
 * mkv and mov copy the stream; webm decodes it and encodes VP8 (the
 * transcode, docs/recording.md "Exports").
 *
 * @module
 */
import type { Codec } from "../defs.ts";
import type { ExportFormat, RecordingContainer } from "./container.ts";
import type { SoundCodec } from "./export_sound.ts";
import { APPSRC_NAME, quoteGst } from "./mux.ts";

/** Name of the appsink in every pipeline here. */
export const SINK_NAME = "out";

/** mp4mux and qtmux fragment length of an export. Reason: streamed, so no index: 1 s fragments. */
export const EXPORT_FRAGMENT_MS = 1000;

/**
 * libvpx speed for the VP8 transcode: deadline=1 is libvpx's realtime mode,
 * cpu-used=8 its fastest setting that still keeps detail at camera
 * bitrates (measured in bench/README.md, ## recorder: exports).
 */
export const VP8_SPEED = "deadline=1 cpu-used=8";

/** Bounds of the VP8 bitrate, kbit/s. Reason: below 300 a 720p picture smears; 8000 is past any camera here. */
export const VP8_MIN_KBPS = 300;
export const VP8_MAX_KBPS = 8000;

function demuxer(container: RecordingContainer): string {
  switch (container) {
    case "mp4":
    case "mov":
      return "qtdemux";
    case "mkv":
      return "matroskademux";
    case "avi":
      return "avidemux";
  }
}

/** Reads one segment file into access units at `appsink name=out`. */
export function demuxPipeline(file: string, container: RecordingContainer, codec: Codec): string {
  const parse = codec === "h264"
    ? "h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au"
    : "jpegparse ! image/jpeg";
  return `filesrc location=${quoteGst(file)} ! ${demuxer(container)} ! ${parse} ` +
    `! appsink name=${SINK_NAME} sync=false max-buffers=16`;
}

/** What an export's input is. */
export interface ExportInput {
  codec: Codec;
  fps: number;
  /** VP8 bitrate for the transcode (kbit/s), clamped to [{@linkcode VP8_MIN_KBPS}, {@linkcode VP8_MAX_KBPS}]. */
  kbps: number;
  /** libvpx threads for the transcode. */
  threads: number;
  /** The segments' sound, or null for video alone (export_sound.ts). */
  sound?: SoundCodec | null;
}

/** The appsrc of an export's sound (its caps are the demuxer's, set before the first packet). */
export const SOUND_SRC = "sound";
/** The muxer's name in an export pipeline, where the sound links. */
const MUX_NAME = "mux";

/**
 * The sound branch into the muxer: the segments' Opus or AAC copied, except
 * into WebM (Opus or Vorbis only), where AAC is decoded and encoded to Opus.
 */
function soundBranch(format: ExportFormat, sound: SoundCodec): string {
  const src = `appsrc name=${SOUND_SRC} format=time`;
  if (sound === "opus") return `${src} ! opusparse ! ${MUX_NAME}.`;
  if (format === "webm") {
    return `${src} ! aacparse ! avdec_aac ! audioconvert ! audioresample ! opusenc ! ${MUX_NAME}.`;
  }
  return `${src} ! aacparse ! ${MUX_NAME}.`;
}

function muxer(format: ExportFormat): string {
  switch (format) {
    case "mp4":
      return `mp4mux name=${MUX_NAME} fragment-duration=${EXPORT_FRAGMENT_MS} streamable=true`;
    case "mov":
      return `qtmux name=${MUX_NAME} fragment-duration=${EXPORT_FRAGMENT_MS} streamable=true`;
    case "mkv":
      return `matroskamux name=${MUX_NAME} streamable=true`;
    case "webm":
      return `webmmux name=${MUX_NAME} streamable=true`;
  }
}

/**
 * Muxes access units pushed into `appsrc name=src` as `format`, into
 * `appsink name=out`, with the sound pushed into `appsrc name=sound` when
 * `input.sound` says there is some. The webm export decodes (avdec_h264 or
 * jpegdec) and encodes VP8; the others copy.
 */
export function exportPipeline(format: ExportFormat, input: ExportInput): string {
  const caps = input.codec === "h264"
    ? `video/x-h264,stream-format=byte-stream,alignment=au,framerate=${input.fps}/1`
    : `image/jpeg,framerate=${input.fps}/1`;
  const parse = input.codec === "h264" ? "h264parse" : "jpegparse";
  const kbps = Math.min(VP8_MAX_KBPS, Math.max(VP8_MIN_KBPS, Math.round(input.kbps)));
  const body = format === "webm"
    ? `${parse} ! ${input.codec === "h264" ? "avdec_h264" : "jpegdec"} ! videoconvert ` +
      `! vp8enc ${VP8_SPEED} threads=${input.threads} end-usage=vbr ` +
      `target-bitrate=${kbps * 1000} keyframe-max-dist=${Math.max(1, input.fps * 2)} ` +
      `! ${muxer(format)}`
    : `${parse} ! ${muxer(format)}`;
  const sound = input.sound ? ` ${soundBranch(format, input.sound)}` : "";
  return `appsrc name=${APPSRC_NAME} format=time caps=${caps} ! ${body} ` +
    `! appsink name=${SINK_NAME} sync=false${sound}`;
}
