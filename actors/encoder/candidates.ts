/**
 * Which GStreamer element encodes, and how it is configured. Pure: the
 * encoder actor probes these in order and builds the first that works.
 *
 * @module
 */
import type { CameraConfig, EncoderChoice } from "../defs.ts";

/** One way to encode: the element and its settings as gst-launch text. */
export interface EncoderCandidate {
  /** The config's name for it. */
  choice: Exclude<EncoderChoice, "auto">;
  /** GStreamer factory name. */
  element: string;
  hardware: boolean;
  /**
   * The smallest PTS the element takes unchanged (x264enc: 1000 h, GstVideoEncoder's `min_pts`).
   * Frames are pushed from there: below it, the base class shifts every PTS by `min_pts` minus
   * the first PTS that reaches it, and a frame lost before the encoder (appsrc is leaky) would
   * shift them all.
   */
  ptsOffsetNs: number;
  /** Unit of its `bitrate` property, for runtime changes; null when bitrate is set otherwise. */
  bitrateUnit: "kbps" | "bps" | null;
  /**
   * The hardware's own scaler for frames of another size (the sub stream's
   * encoder), used when its element is here: `element` is probed, `text`
   * goes before the size caps. Absent: videoscale on the CPU.
   */
  scaler?: { element: string; text: string; memory: string };
}

/** x264enc's `min_pts`: 1000 hours. */
export const X264_PTS_OFFSET_NS = 3_600_000_000_000_000;

/** The PTS to push a frame at whose own time is `pts` (ns from the run's first frame). */
export function pushPts(c: EncoderCandidate, pts: number): number {
  return pts + c.ptsOffsetNs;
}

/** The frame time (as given to {@linkcode pushPts}) of an access unit that came out at `outPts`. */
export function framePts(c: EncoderCandidate, outPts: number): number {
  return outPts - c.ptsOffsetNs;
}

/** Auto order, as the design says: hardware first, then software. */
export const H264_ORDER: readonly EncoderCandidate[] = [
  // The Pi's ISP (bcm2835-codec) scales through V4L2 M2M as its encoder does.
  {
    choice: "v4l2",
    element: "v4l2h264enc",
    hardware: true,
    ptsOffsetNs: 0,
    bitrateUnit: null,
    scaler: { element: "v4l2convert", text: "v4l2convert", memory: "" },
  },
  {
    choice: "nvenc",
    element: "nvh264enc",
    hardware: true,
    ptsOffsetNs: 0,
    bitrateUnit: "kbps",
    scaler: { element: "cudascale", text: "cudaupload ! cudascale", memory: "(memory:CUDAMemory)" },
  },
  {
    choice: "vaapi",
    element: "vah264enc",
    hardware: true,
    ptsOffsetNs: 0,
    bitrateUnit: "kbps",
    scaler: { element: "vapostproc", text: "vapostproc", memory: "(memory:VAMemory)" },
  },
  {
    choice: "vaapi",
    element: "vaapih264enc",
    hardware: true,
    ptsOffsetNs: 0,
    bitrateUnit: "kbps",
    scaler: { element: "vaapipostproc", text: "vaapipostproc", memory: "(memory:VASurface)" },
  },
  {
    choice: "x264",
    element: "x264enc",
    hardware: false,
    ptsOffsetNs: X264_PTS_OFFSET_NS,
    bitrateUnit: "kbps",
  },
  {
    choice: "openh264",
    element: "openh264enc",
    hardware: false,
    ptsOffsetNs: 0,
    bitrateUnit: "bps",
  },
];

export const JPEG_ENCODER: EncoderCandidate = {
  choice: "jpeg",
  element: "jpegenc",
  hardware: false,
  ptsOffsetNs: 0,
  bitrateUnit: null,
};

/** The candidates to try, in order, for a camera's codec and encoder choice. */
export function candidatesFor(cam: Pick<CameraConfig, "codec" | "encoder">): EncoderCandidate[] {
  if (cam.codec === "mjpeg") return [JPEG_ENCODER];
  if (cam.encoder === "auto") return [...H264_ORDER];
  return H264_ORDER.filter((c) => c.choice === cam.encoder);
}

export interface EncoderSettings {
  width: number;
  height: number;
  fps: number;
  bitrateKbps: number;
  gop: number;
  jpegQuality: number;
}

/** The encoder element with its settings (named "enc") and the caps that follow it. */
export function encoderElements(c: EncoderCandidate, s: EncoderSettings): string {
  const kbps = s.bitrateKbps;
  // Constrained baseline is what every browser decodes (WebRTC's 42e01f).
  const baseline =
    "video/x-h264,profile=constrained-baseline,stream-format=byte-stream,alignment=au";
  switch (c.element) {
    case "x264enc":
      return `x264enc name=enc speed-preset=ultrafast tune=zerolatency bitrate=${kbps} ` +
        `key-int-max=${s.gop} bframes=0 byte-stream=true ! ${baseline}`;
    case "openh264enc":
      return `openh264enc name=enc bitrate=${kbps * 1000} gop-size=${s.gop} complexity=low ` +
        `rate-control=bitrate usage-type=camera ! video/x-h264,profile=baseline`;
    case "v4l2h264enc":
      return `v4l2h264enc name=enc extra-controls="controls,video_bitrate=${kbps * 1000},` +
        `h264_i_frame_period=${s.gop},repeat_sequence_header=1" ! video/x-h264,level=(string)4,profile=constrained-baseline`;
    case "nvh264enc":
      return `nvh264enc name=enc bitrate=${kbps} gop-size=${s.gop} zerolatency=true ! ${baseline}`;
    case "vah264enc":
      return `vah264enc name=enc bitrate=${kbps} key-int-max=${s.gop} b-frames=0 ! ${baseline}`;
    case "vaapih264enc":
      return `vaapih264enc name=enc bitrate=${kbps} keyframe-period=${s.gop} rate-control=cbr ! ${baseline}`;
    case "jpegenc":
      return `jpegenc name=enc quality=${s.jpegQuality}`;
    default:
      throw new TypeError(`No settings for encoder element "${c.element}"`);
  }
}

/**
 * appsrc → encoder → parser → appsink, one access unit per buffer. With
 * `input` (frames of another size: the sub stream's encoder reads the
 * camera's raw ring), a scaler sits before the encoder: the hardware's own
 * when `hardwareScaler` (its element is here: {@linkcode scalerFor}), else
 * videoscale.
 */
export function encoderPipeline(
  c: EncoderCandidate,
  s: EncoderSettings,
  format: "I420" | "NV12",
  input: { width: number; height: number } = s,
  options: { hardwareScaler?: boolean } = {},
): string {
  const caps =
    `video/x-raw,format=${format},width=${input.width},height=${input.height},framerate=${s.fps}/1`;
  const src =
    `appsrc name=src format=time is-live=true max-buffers=4 leaky-type=downstream caps=${caps}`;
  const same = input.width === s.width && input.height === s.height;
  const hw = !same && options.hardwareScaler === true ? c.scaler : undefined;
  if (hw !== undefined) {
    // The scaler converts as well, and hands the encoder its own memory: no videoconvert.
    return `${src} ! ${hw.text} ! video/x-raw${hw.memory},width=${s.width},height=${s.height} ! ` +
      `${encoderElements(c, s)} ! h264parse config-interval=-1 ! ` +
      `video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=out max-buffers=8 sync=false`;
  }
  const scale = same ? "" : `videoscale ! video/x-raw,width=${s.width},height=${s.height} ! `;
  const out = c.element === "jpegenc"
    ? " ! image/jpeg"
    : " ! h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au";
  return `${src} ! ${scale}videoconvert ! ${
    encoderElements(c, s)
  }${out} ! appsink name=out max-buffers=8 sync=false`;
}
