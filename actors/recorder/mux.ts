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
import type { AudioCodec, Codec } from "../defs.ts";
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

/** Name of the audio appsrc element in {@linkcode segmentPipeline} (a segment with sound). */
export const AUDIO_APPSRC_NAME = "asrc";

/** Name of the muxer element, where the audio branch links. */
export const MUXER_NAME = "mux";

/** What one segment holds and how it is stored. */
export interface SegmentFormat {
  container: RecordingContainer;
  codec: Codec;
  /** Frames per second (MJPEG caps carry it; AVI's header needs it). */
  fps: number;
  /**
   * The sound's codec in the file, or absent for a segment without sound. The
   * audio appsrc always takes the audio ring's Opus packets; "aac" decodes and encodes them.
   */
  audio?: AudioCodec;
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
      return ["mp4mux", `name=${MUXER_NAME}`, `fragment-duration=${FRAGMENT_DURATION_MS}`];
    case "mov":
      return ["qtmux", `name=${MUXER_NAME}`, `fragment-duration=${FRAGMENT_DURATION_MS}`];
    case "mkv":
      return ["matroskamux", `name=${MUXER_NAME}`];
    case "avi":
      return ["avimux", `name=${MUXER_NAME}`];
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
    // AVI has no timestamps: a frame is 1/fps, so a camera that drops frames would play its
    // video faster than the sound beside it. videorate repeats a frame where one is missing.
    ...(format.container === "avi" && format.audio !== undefined ? ["videorate", "!"] : []),
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
  const video = [
    "appsrc",
    `name=${APPSRC_NAME}`,
    "format=time",
    `caps=${appsrcCaps(format.codec, format.fps)}`,
    "!",
    ...muxChainArgs(path, format),
  ];
  if (format.audio === undefined) return video.join(" ");
  if (recordedAudio(format.container, format.audio) !== format.audio) {
    throw new TypeError(`A ${format.container} segment cannot hold ${format.audio} sound`);
  }
  return [...video, ...audioBranchArgs(format.audio)].join(" ");
}

/**
 * Samples opusenc holds back at 48 kHz (its encoder lookahead), which a
 * decoder drops from the start: read from the OpusHead opusenc writes
 * (`gst-launch-1.0 -v … ! opusenc ! fakesink`: pre-skip 0x0138).
 */
export const OPUS_PRE_SKIP = 312;

/**
 * The audio appsrc's caps: the audio ring's Opus (48 kHz mono, 20 ms packets,
 * actors/audio/pipeline.ts) with an identification header (RFC 7845 §5.1)
 * whose pre-skip is `preSkip` samples, which the muxer writes into `dOps`
 * (opusdec, on the way to AAC, does not: it takes caps' rate and channels only). Set with AppSrc.setCaps (a launch
 * line cannot quote a buffer).
 */
export function opusCaps(preSkip: number): string {
  return "audio/x-opus,rate=48000,channels=1,channel-mapping-family=0," +
    `stream-count=1,coupled-count=0,streamheader=(buffer)<${opusHead(preSkip)},${OPUS_TAGS}>`;
}

/**
 * An empty OpusTags packet (RFC 7845 §5.2: no vendor string, no comment), in
 * hex. opusdec reads the header from the caps only when both are there.
 */
const OPUS_TAGS = "4f707573546167730000000000000000";

/** The OpusHead packet (RFC 7845 §5.1) for one channel at 48 kHz, in hex. */
function opusHead(preSkip: number): string {
  if (!Number.isInteger(preSkip) || preSkip < 0 || preSkip > 0xffff) {
    throw new RangeError(`Opus pre-skip ${preSkip} must be 0 to 65535 samples`);
  }
  const b = new Uint8Array(19);
  b.set(new TextEncoder().encode("OpusHead"));
  const v = new DataView(b.buffer);
  b[8] = 1; // version
  b[9] = 1; // channels
  v.setUint16(10, preSkip, true);
  v.setUint32(12, 48_000, true); // the input's rate, for information
  v.setInt16(16, 0, true); // output gain
  b[18] = 0; // mapping family 0: mono or stereo, no table
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * The muxer's pad the sound links to, by name. Reason: an appsrc has no caps
 * until its first packet, so `mux.` alone lets the launch parser take the
 * first request pad that fits anything, which is matroskamux's `video_%u`
 * (the Opus caps are then refused: not-negotiated).
 */
const MUXER_AUDIO_PAD = `${MUXER_NAME}.audio_%u`;

/** AAC-LC bitrate in recordings: 64 kb/s is clean for one voice channel at 48 kHz. */
export const AAC_BITRATE = 64_000;

/**
 * The audio branch of a segment with sound, from its appsrc to the muxer.
 * Opus goes in as it is; AAC decodes the ring's Opus and encodes AAC-LC
 * (voaacenc), so the audio actor makes one stream for every output.
 */
export function audioBranchArgs(codec: AudioCodec): string[] {
  const src = ["appsrc", `name=${AUDIO_APPSRC_NAME}`, "format=time", "!"];
  switch (codec) {
    case "opus":
      return [...src, MUXER_AUDIO_PAD];
    case "aac":
      return [
        ...src,
        "opusdec",
        "!",
        "audioconvert",
        "!",
        // Silence where no packet came (the segment's start, a gap), by the packets' times.
        "audiorate",
        "tolerance=1000000",
        "!",
        "audioresample",
        "!",
        "audio/x-raw,rate=48000,channels=1",
        "!",
        "voaacenc",
        `bitrate=${AAC_BITRATE}`,
        "!",
        "aacparse",
        "!",
        MUXER_AUDIO_PAD,
      ];
  }
}

/**
 * The codec a `container` segment records its sound in when `asked` is
 * configured. MP4, MOV (qtmux) and Matroska take Opus and AAC as asked; AVI
 * takes no Opus (avimux has no Opus input, and AVI no place for its header),
 * so an AVI segment's sound is AAC whatever is asked.
 */
export function recordedAudio(container: RecordingContainer, asked: AudioCodec): AudioCodec {
  return container === "avi" ? "aac" : asked;
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
