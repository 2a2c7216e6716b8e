/**
 * `[[camera]]`: what to capture, how to encode it, and where to send it.
 *
 * @module
 */
import type {
  AudioCodec,
  CameraConfig,
  Codec,
  EncoderChoice,
  PassthroughChoice,
  QualityPreset,
  RawFormat,
  RtpOutputConfig,
  SubStreamConfig,
} from "../../actors/defs.ts";
import {
  arr,
  bool,
  type Checker,
  custom,
  type Fields,
  has,
  int,
  type Issues,
  type Parts,
  str,
  table,
  tableParts,
} from "./schema.ts";
import { forwardOutput, MAX_FORWARDS } from "./forward.ts";
import { MAX_PUBLISH, publishOutput } from "./publish.ts";
import { parseScreen, regionSize } from "../../actors/camera/screen.ts";
import { QUALITY_PRESETS } from "../../actors/defs.ts";

export { QUALITY_PRESETS };

/** videotestsrc's patterns (GStreamer 1.22). */
export const TEST_PATTERNS = [
  "smpte",
  "snow",
  "black",
  "white",
  "red",
  "green",
  "blue",
  "checkers-1",
  "checkers-2",
  "checkers-4",
  "checkers-8",
  "circular",
  "blink",
  "smpte75",
  "zone-plate",
  "gamut",
  "chroma-zone-plate",
  "solid-color",
  "ball",
  "smpte100",
  "bar",
  "pinwheel",
  "spokes",
  "gradient",
  "colors",
  "smpte-rp-219",
] as const;

export const ENCODERS: readonly EncoderChoice[] = [
  "auto",
  "v4l2",
  "nvenc",
  "vaapi",
  "x264",
  "openh264",
  "jpeg",
];

/** Most cameras one eyrie runs. Reason: 16 reader slots per ring and a Pi's memory. */
export const MAX_CAMERAS = 16;

const SOURCE =
  /^(auto|test|libcamera|v4l2:\/dev\/[\w./-]+|file:.+|rtsps?:\/\/.+|screen(:[A-Za-z0-9.-]*(:\d+(\.\d+)?)?(\+\d+,\d+,\d+x\d+)?)?)$/;
/** `audio`: the words, or a device as `eyrie probe` names it (no spaces or quotes: it goes into a pipeline). */
const AUDIO = /^(auto|none|test|alsa:[A-Za-z0-9_:,.=-]{1,64}|pulse:[A-Za-z0-9_:,.=-]{1,200})$/;
/** `speaker`: where talk plays; `file:` takes any path (it is quoted into the pipeline). */
const SPEAKER =
  /^(none|auto|backchannel|alsa:[A-Za-z0-9_:,.=-]{1,64}|pulse:[A-Za-z0-9_:,.=-]{1,200}|file:.{1,4000})$/;
const HOST = /^([A-Za-z0-9.-]{1,253}|\[?[0-9A-Fa-f:.]+\]?)$/;

export const rtpOutput: Checker<RtpOutputConfig> = table<RtpOutputConfig>({
  host: [str({ pattern: HOST, hint: "an IPv4/IPv6 address or a host name" }), "127.0.0.1"],
  port: [int({ min: 1, max: 65535 }), 5004],
  dscp: [int({ min: 0, max: 63 }), 0],
  ttl: [int({ min: 1, max: 255 }), 1],
  // 1400 leaves room for IP/UDP headers and a VPN inside a 1500-byte Ethernet MTU.
  mtu: [int({ min: 200, max: 9000 }), 1400],
  multicast_interface: [
    str({
      pattern: /^([A-Za-z0-9_.:@-]{1,15})?$/,
      hint: 'a network interface name such as "eth0" or "lo", or "" for the kernel\'s choice',
    }),
    "",
  ],
});

/**
 * `[camera.sub]`: the sub stream. `fps` 0 stands for "the main stream's" until
 * {@linkcode cameraBase} resolves it. Defaults: an NVR's usual sub stream.
 */
export const subStream: Checker<SubStreamConfig> = table<SubStreamConfig>({
  width: [int({ min: 16, max: 7680 }), 640],
  height: [int({ min: 16, max: 4320 }), 360],
  fps: [int({ min: 1, max: 120 }), 0],
  bitrate_kbps: [int({ min: 100, max: 50_000 }), 500],
});

/** A camera without its recording and detection sub-tables. */
export type CameraBase = Omit<CameraConfig, "recording" | "detection">;

function preset(t: Partial<CameraBase>) {
  return QUALITY_PRESETS[t.quality ?? "medium"];
}

/** A screen region's size, else the preset's: a region is captured 1:1 unless told otherwise. */
function frameSize(t: Partial<CameraBase>) {
  return regionSize(t.source ?? "") ?? preset(t);
}

const cameraFields: Fields<CameraBase> = {
  id: [
    str({
      pattern: /^[a-z0-9][a-z0-9-]{0,31}$/,
      hint: "use 1-32 of a-z, 0-9 and -, starting with a letter or digit",
    }),
    "",
  ],
  source: [
    str({
      pattern: SOURCE,
      hint:
        'use auto, test, libcamera, v4l2:/dev/videoN, file:/path, rtsp://…, screen or screen:<display>[+X,Y,WxH] (such as "screen::0+0,0,640x480")',
    }),
    "auto",
  ],
  quality: [str({ oneOf: Object.keys(QUALITY_PRESETS) }) as Checker<QualityPreset>, "medium"],
  width: [int({ min: 16, max: 7680 }), (t) => frameSize(t).width],
  height: [int({ min: 16, max: 4320 }), (t) => frameSize(t).height],
  fps: [int({ min: 1, max: 120 }), (t) => preset(t).fps],
  format: [str({ oneOf: ["I420", "NV12"] }) as Checker<RawFormat>, "I420"],
  pattern: [str({ oneOf: TEST_PATTERNS }), "smpte"],
  cursor: [bool, true],
  codec: [str({ oneOf: ["h264", "mjpeg"] }) as Checker<Codec>, "h264"],
  encoder: [str({ oneOf: ENCODERS }) as Checker<EncoderChoice>, "auto"],
  passthrough: [str({ oneOf: ["auto", "never"] }) as Checker<PassthroughChoice>, "auto"],
  bitrate_kbps: [int({ min: 100, max: 50_000 }), (t) => preset(t).bitrate_kbps],
  min_bitrate_kbps: [int({ min: 100, max: 50_000 }), (t) => Math.min(1000, t.bitrate_kbps!)],
  max_bitrate_kbps: [int({ min: 100, max: 50_000 }), (t) => Math.max(8000, t.bitrate_kbps!)],
  gop: [int({ min: 1, max: 600 }), (t) => t.fps!],
  sub: [subStream as Checker<SubStreamConfig | null>, null],
  jpeg_quality: [int({ min: 1, max: 100 }), 85],
  max_viewers: [int({ min: 0, max: 100 }), 10],
  viewer_idle_s: [int({ min: 1, max: 86_400 }), 60],
  timecode: [bool, false],
  audio: [
    str({
      pattern: AUDIO,
      hint:
        'use auto, none, test, alsa:<pcm> (such as "alsa:hw:1,0") or pulse:<source> (such as "pulse:default"), as eyrie probe lists them',
    }),
    "auto",
  ],
  audio_codec: [str({ oneOf: ["opus", "aac"] }) as Checker<AudioCodec>, "opus"],
  speaker: [
    str({
      pattern: SPEAKER,
      hint:
        'use none, auto, alsa:<pcm> (such as "alsa:hw:0,0"), pulse:<sink> (such as "pulse:default"), file:<path> or backchannel (an rtsp:// camera\'s own speaker)',
    }),
    "none",
  ],
  rtp: [arr(rtpOutput, { max: 8 }), []],
  forward: [arr(forwardOutput, { max: MAX_FORWARDS }), []],
  publish: [arr(publishOutput, { max: MAX_PUBLISH }), []],
};

/**
 * Checks one [[camera]] table except its recording and detection sub-tables.
 * The checks across fields run on whichever fields passed, so a bad `fps`
 * does not hide an odd `width`; `ok` is false when anything was wrong.
 */
export const cameraBase: Checker<Parts<CameraBase>> = (v, path, issues) => {
  const t = v as Record<string, unknown>;
  const { recording: _r, detection: _d, ...rest } = typeof t === "object" && t !== null ? t : {};
  const parts = tableParts(cameraFields)(rest, path, issues);
  if (parts === undefined) return undefined;
  const cam = parts.value;
  const before = issues.list.length;
  const at = (k: string) => `${path}.${k}`;
  if (cam.id === "") issues.add(at("id"), "is required");
  if (cam.source?.startsWith("screen")) {
    try {
      parseScreen(cam.source.slice(6));
    } catch (e) {
      issues.add(at("source"), (e as Error).message);
    }
  }
  if (cam.speaker === "backchannel" && !/^rtsp:\/\//.test(cam.source ?? "")) {
    issues.add(
      at("speaker"),
      `"backchannel" is an RTSP camera's own speaker: it needs source = "rtsp://…", not ${
        JSON.stringify(cam.source ?? "auto")
      }`,
    );
  }
  for (const k of ["width", "height"] as const) {
    const n = cam[k];
    if (n !== undefined && n % 2 !== 0) issues.add(at(k), "must be even (4:2:0 chroma)");
  }
  if (
    has(cam, "min_bitrate_kbps", "bitrate_kbps", "max_bitrate_kbps") &&
    !(cam.min_bitrate_kbps <= cam.bitrate_kbps && cam.bitrate_kbps <= cam.max_bitrate_kbps)
  ) {
    issues.add(
      at("bitrate_kbps"),
      `needs min_bitrate_kbps ≤ bitrate_kbps ≤ max_bitrate_kbps, got ${cam.min_bitrate_kbps} ≤ ${cam.bitrate_kbps} ≤ ${cam.max_bitrate_kbps}`,
    );
  }
  if (has(cam, "codec", "encoder")) {
    if (cam.codec === "mjpeg" && cam.encoder !== "auto" && cam.encoder !== "jpeg") {
      issues.add(
        at("encoder"),
        `"${cam.encoder}" encodes H.264; codec "mjpeg" needs "jpeg" or "auto"`,
      );
    }
    if (cam.codec === "h264" && cam.encoder === "jpeg") {
      issues.add(at("encoder"), `"jpeg" cannot encode codec "h264"`);
    }
  }
  if (cam.sub !== undefined && cam.sub !== null) subIssues(cam, at("sub"), issues);
  if (cam.codec === "mjpeg" && (cam.publish?.length ?? 0) > 0) {
    issues.add(
      at("publish"),
      `Janus serves browsers over WebRTC, which takes no JPEG: use codec "h264"`,
    );
  }
  return { value: cam, ok: parts.ok && issues.list.length === before };
};

/**
 * The sub stream against the main one: scaled down from the camera's own
 * pictures (never up), at most the main stream's rate and fps, H.264 only.
 * Resolves its fps (0: the main stream's).
 */
function subIssues(cam: Partial<CameraBase>, at: string, issues: Issues): void {
  const sub = cam.sub!;
  for (const k of ["width", "height"] as const) {
    if (sub[k] % 2 !== 0) issues.add(`${at}.${k}`, "must be even (4:2:0 chroma)");
  }
  if (has(cam, "width", "height")) {
    if (sub.width > cam.width || sub.height > cam.height) {
      issues.add(
        `${at}.width`,
        `the sub stream (${sub.width}x${sub.height}) is larger than the main stream ` +
          `(${cam.width}x${cam.height}): it is scaled down from the camera's pictures`,
      );
    } else if (sub.width === cam.width && sub.height === cam.height) {
      issues.add(
        `${at}.width`,
        `the sub stream has the main stream's size (${sub.width}x${sub.height}): make it smaller`,
      );
    }
  }
  if (has(cam, "bitrate_kbps") && sub.bitrate_kbps > cam.bitrate_kbps) {
    issues.add(
      `${at}.bitrate_kbps`,
      `${sub.bitrate_kbps} is above the main stream's bitrate_kbps (${cam.bitrate_kbps})`,
    );
  }
  if (has(cam, "fps")) {
    if (sub.fps === 0) sub.fps = cam.fps;
    else if (sub.fps > cam.fps) {
      issues.add(`${at}.fps`, `${sub.fps} is above the main stream's fps (${cam.fps})`);
    }
  }
  if (cam.codec === "mjpeg") {
    issues.add(at, `a sub stream is H.264 for WebRTC viewers: codec "mjpeg" has none`);
  }
}

/** A camera id the recorder and URLs accept (also used by other sections). */
export const cameraId = custom((v) => {
  if (typeof v !== "string") throw new TypeError("must be a camera id string");
  return v;
});
