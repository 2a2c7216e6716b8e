/**
 * Passthrough: a source that already sends H.264 (an RTSP camera) is
 * forwarded as it comes. Its access units go to the AU ring, so recording,
 * RTP, RTSP, forwards and WebRTC get the camera's own stream, with its
 * profile, level, resolution and bitrate; nothing is encoded. It is decoded
 * only for what needs pictures (the detector's small frames, snapshots, the
 * sub stream while used), and those are converted at a low rate.
 *
 * ```
 * rtspsrc ! rtph264depay ! h264parse ! appsink "es"  → AU ring (camera writes it)
 *                                          └─ camera ─▶ appsrc ! avdec_h264 ! videorate (low) ! scale ! appsink "main"
 *                                             keyframes only, or every access unit (passthrough_decode.ts)
 * ```
 *
 * Pure: the decision, the pipeline text and the decode times are tested by
 * their values.
 *
 * @module
 */
import type { CameraConfig } from "../defs.ts";
import { quote, type SourceKind, wantsSmall } from "./source.ts";

/** Name of the appsink of the source's access units. */
export const ES_SINK = "es";

/** How a stream is made, and why. */
export interface StreamPlan {
  mode: "passthrough" | "encoded";
  /** In words, for `/api/cameras/:id`. */
  reason: string;
}

/**
 * Whether the camera's main stream can be the source's own, before it is
 * opened: only an rtsp:// source can send H.264 that eyrie forwards, and
 * only when nothing asks for pictures eyrie makes itself.
 */
export function planMainStream(cam: CameraConfig, src: SourceKind): StreamPlan {
  const encoded = (reason: string): StreamPlan => ({ mode: "encoded", reason });
  if (cam.passthrough === "never") return encoded('passthrough = "never"');
  if (cam.codec !== "h264") return encoded(`codec = "${cam.codec}": eyrie encodes the JPEGs`);
  if (cam.timecode) return encoded("timecode = true stamps the time into the pictures");
  if (src.kind !== "rtsp") {
    return encoded(
      src.kind === "file"
        ? "file sources are decoded and encoded (passthrough takes rtsp:// sources)"
        : `the ${src.kind} source delivers raw pictures`,
    );
  }
  return {
    mode: "passthrough",
    reason: "the RTSP source sends H.264: its access units are forwarded as they come",
  };
}

/** Whether `cam` may pass its source through (then it gets the viewer rings too). */
export function mayPassThrough(cam: CameraConfig): boolean {
  if (!/^rtsps?:\/\//.test(cam.source)) return false;
  return planMainStream(cam, { kind: "rtsp", url: cam.source }).mode === "passthrough";
}

/**
 * Frames per second decoded pictures are converted at while passing through:
 * the detector's rate, or 1 without detection (then only keyframes are
 * decoded), or the sub stream's fps when higher (its encoder reads them).
 */
export function passthroughRawFps(cam: CameraConfig, forViewers = false): number {
  if (forViewers) return cam.fps;
  const det = cam.detection;
  const want = det.motion || det.model !== "" ? det.motion_fps : 1;
  // A sub stream is encoded from these pictures: at its own rate.
  const sub = cam.sub?.fps ?? 0;
  return Math.max(1, Math.min(cam.fps, Math.max(Math.ceil(want), sub)));
}

/**
 * The passthrough pipeline: the source's access units, nothing decoded
 * here (the camera hands what needs decoding to passthrough_decode.ts).
 * h264parse repeats SPS and PPS before every IDR (config-interval=-1), so
 * every keyframe can start a segment, a viewer or the decoder even when the
 * camera sends them only once or only in the SDP.
 */
export function passthroughPipeline(src: { url: string }): string {
  // buffer-mode=none: presentation times are the camera's RTP timestamps as they are. The
  // default (slave) smooths them with arrival times, which jitters B-frames' times by up to a
  // frame and made two frames of one recording share a time.
  return `rtspsrc location=${quote(src.url)} latency=100 buffer-mode=none ! rtph264depay ! ` +
    `h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! ` +
    `appsink name=${ES_SINK} sync=false`;
}

/**
 * Whether the decoder gets every access unit now (else keyframes only, for
 * snapshots): a detector, WebRTC viewers of a source with B-frames (eyrie
 * encodes for them), or a sub stream while something uses it.
 */
export function decodesEveryPicture(
  cam: CameraConfig,
  now: { forViewers: boolean; subUsed: boolean },
): boolean {
  return wantsSmall(cam) || now.forViewers || (cam.sub !== null && now.subUsed);
}

/**
 * Whether the decoder may leave out access units that no other picture
 * refers to (nal_ref_idc 0: the B-frames of most encoders, see
 * {@linkcode isReference}): when its pictures go to detection only, at a
 * rate well under the camera's, so a picture left out is one videorate would
 * have dropped or a neighbour stands in for. Viewers of eyrie's encode and
 * the sub stream need every picture.
 */
export function decodesReferencesOnly(
  cam: CameraConfig,
  now: { forViewers: boolean; subUsed: boolean },
): boolean {
  if (now.forViewers || (cam.sub !== null && now.subUsed) || !wantsSmall(cam)) return false;
  return passthroughRawFps(cam) * 2 <= cam.fps;
}

/**
 * Whether an H.264 access unit (Annex B) is a reference picture: its first
 * slice NAL unit has a nonzero nal_ref_idc (H.264 7.4.1). An access unit
 * without a slice, or one cut short, counts as one (the decoder gets it).
 * Reads only up to the first slice, a few bytes after the delimiters.
 */
export function isReference(au: Uint8Array): boolean {
  const n = au.length;
  for (let i = 0; i + 3 < n; i++) {
    if (au[i] !== 0 || au[i + 1] !== 0) continue;
    let at = -1;
    if (au[i + 2] === 1) at = i + 3;
    else if (au[i + 2] === 0 && au[i + 3] === 1) at = i + 4;
    if (at < 0 || at >= n) continue;
    const type = au[at] & 0x1f;
    // 1: a non-IDR slice, 5: an IDR slice (2–4: data partitions, same header).
    if (type >= 1 && type <= 5) return (au[at] & 0x60) !== 0;
    i = at;
  }
  return true;
}

/**
 * Decode times for a stream with B-frames. The source's RTP carries
 * presentation times only, in decode order; a muxer needs decode times too,
 * monotonic and never after the presentation time. With `reorder` frames of
 * delay (the SPS's max_num_reorder_frames), a keyframe is decoded `reorder`
 * frame intervals before it is shown, and every later frame one interval
 * after the one before, but never after its own presentation time. A frame
 * shown before the decode time can reach (a deeper reorder than the SPS
 * said, or jitter) gets the next possible time and is counted.
 */
export class DecodeTimes {
  #last = Number.NEGATIVE_INFINITY;
  #frameNs: number;
  /** Frames that needed a decode time after their presentation time (kept monotonic instead). */
  late = 0;

  constructor(frameNs: number) {
    this.#frameNs = frameNs;
  }

  /** The decode time of the next access unit in decode order. */
  next(ptsNs: number, keyframe: boolean, reorder: number): number {
    const step = this.#last + this.#frameNs;
    let dts = keyframe || !Number.isFinite(this.#last)
      ? Math.max(ptsNs - reorder * this.#frameNs, this.#last + 1)
      : Math.min(step, ptsNs);
    if (dts <= this.#last) {
      this.late++;
      dts = this.#last + 1;
    }
    this.#last = dts;
    return dts;
  }

  /** A new stream (the source reconnected): no decode time before this one counts. */
  reset(): void {
    this.#last = Number.NEGATIVE_INFINITY;
  }
}
