/**
 * The muxing configurations chosen by experiment (docs/recording.md), as the
 * pipeline text the recorder Worker hands to gst_parse_launch, and the pure
 * rules for where a segment starts and ends.
 *
 * Chosen for the default container: `appsrc ! h264parse ! mp4mux
 * fragment-duration=500 ! filesink buffer-mode=unbuffered`. Fragmented MP4
 * written unbuffered loses at most the fragment being built (≤ 500 ms) on
 * SIGKILL, and ffprobe reads the duration of what is left; a crash inside a
 * fragment's write is repaired by {@linkcode repairMp4}. The other
 * containers ({@linkcode RecordingContainer}) share the appsrc, the parser
 * and the unbuffered filesink; only the muxer changes.
 *
 * @module
 */
import type { Codec } from "../defs.ts";
import type { RecordingContainer } from "./container.ts";

/**
 * mp4mux and qtmux fragment length in ms. Reason: the fragment being built is
 * what a crash loses; 500 ms keeps that under half a second for ~1% overhead
 * (a 264-byte moof per fragment at 2 Mbit/s).
 */
export const FRAGMENT_DURATION_MS = 500;

/** Caps the appsrc must announce for access units read from the AU ring. */
export const APPSRC_CAPS = "video/x-h264,stream-format=byte-stream,alignment=au";

/** Name of the appsrc element in {@linkcode segmentPipeline}. */
export const APPSRC_NAME = "src";

/** What one segment holds and how it is stored. */
export interface SegmentFormat {
  container: RecordingContainer;
  codec: Codec;
  /** Frames per second (MJPEG caps carry it; AVI's header needs it). */
  fps: number;
}

/** The format of every segment eyrie wrote before containers were configurable. */
export const MP4_H264: SegmentFormat = { container: "mp4", codec: "h264", fps: 30 };

/**
 * Quotes a string for gst_parse_launch: double quotes with `\` and `"`
 * escaped.
 *
 * @throws {TypeError} for control characters, which the parser cannot carry.
 */
export function quoteGst(value: string): string {
  // deno-lint-ignore no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) {
    throw new TypeError(`Value ${JSON.stringify(value)} contains a control character`);
  }
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** The caps an appsrc announces for access units of `codec` at `fps`. */
export function appsrcCaps(codec: Codec, fps: number): string {
  return codec === "h264" ? APPSRC_CAPS : `image/jpeg,framerate=${fps}/1`;
}

/** The parser that turns pushed access units into what muxers take. */
export function parserOf(codec: Codec): string {
  return codec === "h264" ? "h264parse" : "jpegparse";
}

/**
 * The muxer element and its settings for `container`, as tokens.
 *
 * - mp4, mov: fragmented every 500 ms, so a crash loses the open fragment only.
 * - mkv: matroskamux writes every block as it comes; not `streamable`, so
 *   the file is seekable and a clean close writes its duration and cues
 *   (a crash-cut file gets its duration from {@linkcode repairSegment}).
 * - avi: avimux writes each frame as a chunk; the header and index are
 *   rewritten at a clean close (a crash-cut file gets them from the repair).
 */
export function muxerArgs(container: RecordingContainer): string[] {
  switch (container) {
    case "mp4":
      return ["mp4mux", `fragment-duration=${FRAGMENT_DURATION_MS}`];
    case "mov":
      return ["qtmux", `fragment-duration=${FRAGMENT_DURATION_MS}`];
    case "mkv":
      return ["matroskamux"];
    case "avi":
      return ["avimux"];
  }
}

/**
 * The muxing chain from the parser to the file at `path`, as tokens (join
 * with spaces for gst_parse_launch; pass as argv to gst-launch-1.0).
 */
export function muxChainArgs(path: string, format: SegmentFormat = MP4_H264): string[] {
  return [
    parserOf(format.codec),
    "!",
    ...muxerArgs(format.container),
    "!",
    "filesink",
    `location=${quoteGst(path)}`,
    // Each buffer reaches the kernel as the muxer pushes it: SIGKILL loses
    // nothing already muxed (a 64 KiB stdio buffer would lose ~5 frames).
    "buffer-mode=unbuffered",
  ];
}

/** The whole segment pipeline the recorder Worker builds for one segment file. */
export function segmentPipeline(path: string, format: SegmentFormat = MP4_H264): string {
  return [
    "appsrc",
    `name=${APPSRC_NAME}`,
    "format=time",
    `caps=${appsrcCaps(format.codec, format.fps)}`,
    "!",
    ...muxChainArgs(path, format),
  ].join(" ");
}

/** Where a segment stands after one more access unit. */
export type CutDecision = "continue" | "cut" | "overdue";

/**
 * Whether the access unit at `ptsNs` should start a new segment. Segments
 * end only before a keyframe: a segment that began elsewhere would lose its
 * leading frames (h264parse drops them until a keyframe). Past twice the
 * segment length with no keyframe the answer is "overdue": ask the encoder
 * for one.
 */
export function cutDecision(
  segmentStartNs: number,
  au: { ptsNs: number; keyframe: boolean },
  options: { segmentNs: number },
): CutDecision {
  const elapsed = au.ptsNs - segmentStartNs;
  if (elapsed < options.segmentNs) return "continue";
  if (au.keyframe) return "cut";
  return elapsed >= 2 * options.segmentNs ? "overdue" : "continue";
}

const NAL_SPS = 7;
const NAL_PPS = 8;

/**
 * True when an Annex B access unit carries both an SPS and a PPS. The first
 * AU of every segment must: without them h264parse cannot build the codec
 * data and mp4mux fails ("No valid frames found before end of stream").
 * Prepend the last CONFIG access unit when it does not.
 */
export function hasParameterSets(au: Uint8Array): boolean {
  let sps = false;
  let pps = false;
  for (let i = 0; i + 3 < au.length; i++) {
    if (au[i] !== 0 || au[i + 1] !== 0) continue;
    let header = -1;
    if (au[i + 2] === 1) header = i + 3;
    else if (au[i + 2] === 0 && au[i + 3] === 1 && i + 4 < au.length) header = i + 4;
    if (header < 0) continue;
    const type = au[header] & 0x1f;
    if (type === NAL_SPS) sps = true;
    if (type === NAL_PPS) pps = true;
    if (sps && pps) return true;
    i = header;
  }
  return false;
}
