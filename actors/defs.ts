/**
 * Types shared by several actors, the console and the transports. This module
 * is a leaf: it imports nothing from the project, so any part may import it.
 *
 * @module
 */

/** Pixel or bitstream format of what a ring slot holds. Stored as a number in slot metadata. */
export const FrameFormat = {
  I420: 1,
  NV12: 2,
  GRAY8: 3,
  H264: 16,
  JPEG: 17,
  /** One Opus packet (RFC 6716), 20 ms, 48 kHz: the audio ring. */
  OPUS: 32,
} as const;
export type FrameFormat = typeof FrameFormat[keyof typeof FrameFormat];

/** Bit flags stored with every ring slot. */
export const FrameFlags = {
  /** An H.264 IDR access unit, or any JPEG frame. */
  KEYFRAME: 1,
  /** The first frame after a gap (source restart, overrun, encoder restart). */
  DISCONT: 2,
  /** The access unit carries codec configuration (SPS/PPS). */
  CONFIG: 4,
  /** RTP ring: the packet has the marker bit (last packet of a frame). */
  MARKER: 8,
} as const;

/** Bytes of one raw frame of the given format and size. */
export function rawFrameBytes(format: FrameFormat, width: number, height: number): number {
  switch (format) {
    case FrameFormat.I420:
    case FrameFormat.NV12:
      return width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
    case FrameFormat.GRAY8:
      return width * height;
    default:
      throw new RangeError(`Format ${format} has no fixed raw frame size`);
  }
}

/**
 * Now, in ns on a clock every Worker shares: the process's wall-clock origin
 * plus this realm's monotonic time. Resolution ~256 ns (a float64 of ~1.8e18).
 * Capture times use it, so any stage can subtract them.
 */
export function nowNs(): number {
  return (performance.timeOrigin + performance.now()) * 1e6;
}

/** Exhaustiveness guard for `switch` over closed unions. */
export function assertNever(value: never): never {
  throw new TypeError(`Unexpected value ${JSON.stringify(value)}`);
}

/** Why an actor or supervisor is asked to stop. */
export type StopReason =
  | "shutdown" // the process is stopping
  | "restart" // a sibling or the supervisor restarts this subtree
  | "config_changed" // a config reload changed this actor's settings
  | "removed"; // the actor's camera or output left the config

/** An error as it crosses a Worker boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

/**
 * A link to something outside eyrie (an RTP destination, a forward receiver,
 * a webhook, the recordings disk) as stats and the API show it: the state of
 * actors/supervisor/link.ts's `Link`, flattened so every kind of link reads
 * the same in `/api/cameras/:id`. Times are epoch ms.
 */
export interface LinkStatus {
  state: "connecting" | "up" | "offline";
  /** When this state began; for offline, the first failed try of the outage. */
  since: number;
  /** Why it is offline, in words a user can act on; null otherwise. */
  cause: string | null;
  /** When the next try starts, while offline; null otherwise. */
  retryAt: number | null;
  /** Failed tries in this outage (0 while up). */
  tries: number;
}

/** Where a link stands. Times are epoch ms (they cross Workers and reach the API). */
export type LinkState =
  | { state: "connecting"; since: number; attempt: number }
  | { state: "up"; since: number }
  | {
    state: "offline";
    /** When the link went down (the first failed try of this outage). */
    since: number;
    /** Why, in words a user can act on: "connection refused by 127.0.0.1:8554". */
    cause: string;
    /** When the next try starts. */
    retryAt: number;
    /** Failed tries in this outage. */
    attempt: number;
  };

/** The flat {@linkcode LinkStatus} of a {@linkcode LinkState}, for stats. */
export function linkStatus(s: LinkState): LinkStatus {
  switch (s.state) {
    case "connecting":
      return { state: s.state, since: s.since, cause: null, retryAt: null, tries: s.attempt - 1 };
    case "up":
      return { state: s.state, since: s.since, cause: null, retryAt: null, tries: 0 };
    case "offline":
      return {
        state: s.state,
        since: s.since,
        cause: s.cause,
        retryAt: s.retryAt,
        tries: s.attempt,
      };
  }
}

/** The Digest realm of eyrie's RTSP server: part of every stored RTSP secret, so it never changes. */
export const RTSP_REALM = "eyrie";

/**
 * An RTSP request to watch a camera, as the RTSP server (a Worker) asks the
 * main thread, where users and grants live (ui/auth/stream_access.ts).
 */
export interface StreamAccessRequest {
  camera: string;
  method: string;
  /** The request target, which a Digest response covers. */
  uri: string;
  /** The Authorization header as sent, or null. */
  authorization: string | null;
  /** The nonce this connection was given: a Digest response must use it. */
  nonce: string;
  /** The client's address, for the sign-in limit and the log. */
  address: string;
  /** Whether the connection is encrypted (Basic is taken only then). */
  secure: boolean;
}

/** The answer to a {@linkcode StreamAccessRequest}. */
export type StreamAccessVerdict =
  /** `user` null: auth is off (loopback, no users). */
  | { ok: true; user: string | null }
  /** No or wrong credentials; `stale`: right ones with an old nonce (ask again, RFC 2617). */
  | { ok: false; status: 401; reason: string; stale: boolean }
  | { ok: false; status: 403; reason: string }
  /** Too many failures from this address or at this account. */
  | { ok: false; status: 503; reason: string; retryAfterS: number };

/** How an actor ended. */
export type ExitReason =
  | { kind: "normal" }
  | { kind: "crashed"; error: SerializedError }
  | { kind: "killed"; afterMs: number }; // did not stop within shutdownMs

export type ActorState = "starting" | "running" | "stopping" | "stopped" | "restarting" | "failed";

/** eyrie's version, printed by `eyrie version`, served in /api/health and by the RTSP server. */
export const VERSION = "0.1.0";

// ---------------------------------------------------------------------------
// Validated configuration (ui/config parses TOML into these).

export type Codec = "h264" | "mjpeg";
export type EncoderChoice = "auto" | "v4l2" | "nvenc" | "vaapi" | "x264" | "openh264" | "jpeg";
export type RawFormat = "I420" | "NV12";
export type QualityPreset = "low" | "medium" | "high" | "ultra";

/**
 * Width, height, fps and bitrate of each quality preset (the plan's ladder:
 * low 480p15 0.5 Mb/s, medium 720p30 1.5 Mb/s, high 1080p30 3 Mb/s, ultra
 * 1080p60 6 Mb/s). A preset sets the defaults of the encoded stream; a
 * passed-through stream is the camera's own.
 */
export const QUALITY_PRESETS: Record<
  QualityPreset,
  { width: number; height: number; fps: number; bitrate_kbps: number }
> = {
  low: { width: 640, height: 480, fps: 15, bitrate_kbps: 500 },
  medium: { width: 1280, height: 720, fps: 30, bitrate_kbps: 1500 },
  high: { width: 1920, height: 1080, fps: 30, bitrate_kbps: 3000 },
  ultra: { width: 1920, height: 1080, fps: 60, bitrate_kbps: 6000 },
};

export interface RtpOutputConfig {
  host: string;
  port: number;
  /** DSCP code point, 0–63, written into the IP TOS field (DSCP << 2). */
  dscp: number;
  /** Multicast time to live; used only for multicast destinations. */
  ttl: number;
  /** Largest RTP packet in bytes, RTP header included (IP and UDP headers come on top). */
  mtu: number;
  /** Multicast only: the network interface ("eth0", "lo") packets leave by; "" = the kernel's route. */
  multicast_interface: string;
}

/**
 * One `[[camera.forward]]`: the camera's access units to another eyrie
 * (`eyrie receive --tls`) over TLS 1.3 with mutual authentication, the
 * receiver pinned by fingerprint.
 */
export interface ForwardConfig {
  /** "tls": access units over TLS 1.3/TCP; "quic": RTP in QUIC datagrams. */
  transport: "tls" | "quic";
  host: string;
  port: number;
  /** Pin name: fingerprints accepted with `eyrie certs pin --accept FP --name REMOTE`. */
  remote: string;
  /** The client certificate presented: `<dir>/client/<cert>.crt`. */
  cert: string;
  /** PEM file of the receiver installation's CA, when it is not this one's; "" = none. */
  ca: string;
  /** The certs directory: [tls].dir when [tls] is set, else <data_dir>/certs. */
  dir: string;
}

/**
 * One `[[camera.publish]]`: the camera's RTP published to a media server
 * that serves the viewers. `kind` says which; only "janus" today (its
 * streaming plugin, through its HTTP API).
 */
export interface PublishConfig {
  kind: "janus";
  /** The Janus API, e.g. http://127.0.0.1:8088/janus */
  url: string;
  /** The streaming plugin's admin_key, when Janus sets one (create and destroy need it). */
  admin_key: string;
  /** Janus's api_secret (`apisecret` on every request), when it sets one. */
  api_secret: string;
  /** The mountpoint's id; 0 = one derived from the host and camera names. */
  id: number;
  /** Where the RTP goes; "" = the host of `url`. */
  rtp_host: string;
}

/** A polygon in frame-relative coordinates, 0..1 on both axes. */
export type PolygonConfig = ReadonlyArray<readonly [number, number]>;

/** A named detection zone (the detector's Zone). */
export interface ZoneConfig {
  name: string;
  polygon: PolygonConfig;
  /** Least moving area, as a fraction of the zone's unmasked pixels. */
  minArea?: number;
  /** Object labels that count here; all when absent. */
  classes?: readonly string[];
}

export type RecordingModeConfig = "continuous" | "scheduled" | "events" | "off";

/**
 * The file format of a camera's segments (actors/recorder/container.ts):
 * fragmented MP4, Matroska, fragmented QuickTime, or AVI (MJPEG only).
 */
export type RecordingContainer = "mp4" | "mkv" | "mov" | "avi";

/** One camera's recording settings: the global [recording] with [camera.recording] on top. */
export interface CameraRecordingConfig {
  mode: RecordingModeConfig;
  /** Bytes this camera's segments may take. */
  max_bytes: number;
  /** Seconds. 0 keeps segments until size retention removes them. */
  max_age_s: number;
  /** Windows such as "mon-fri 08:00-18:00" (actors/recorder/schedule.ts). */
  schedule: string[];
  pre_roll_s: number;
  post_roll_s: number;
  /** The segment file format; its default depends on the codec (mp4 for H.264, avi for MJPEG). */
  container: RecordingContainer;
}

/** One camera's detection settings: the global [detection] with [camera.detection] on top. */
export interface CameraDetectionConfig {
  motion: boolean;
  /** Frames per second the detector analyses. */
  motion_fps: number;
  /** Size of the detector's downscaled frames. */
  width: number;
  height: number;
  /** 0..1; sets threshold and min_area unless they are given. */
  sensitivity: number;
  /** Per-pixel luma difference, 1–255; 0 = from sensitivity. */
  threshold: number;
  /** Fraction of a zone, 0..1; 0 = from sensitivity. */
  min_area: number;
  end_ms: number;
  start_frames: number;
  /** Path to a YOLO .onnx; empty = motion only. */
  model: string;
  /** Path to a labels file; empty = the model's names, else COCO. */
  labels: string;
  confidence: number;
  iou: number;
  /** Labels that may be reported; empty = all. */
  classes: string[];
  /** Most object detections per second. */
  max_fps: number;
  /** Largest share of one core object detection may take, 0..1. */
  max_busy: number;
  only_on_motion: boolean;
  zones: ZoneConfig[];
  masks: PolygonConfig[];
  /** Most events this camera keeps; the oldest go first. */
  max_events: number;
  /** Bytes of snapshot JPEGs this camera keeps; the oldest snapshots go first. */
  max_snapshot_bytes: number;
  /** Where events are also POSTed as JSON. */
  webhooks: WebhookConfig[];
}

/** Detection event types, as stored, streamed and sent to webhooks. */
export type DetectionEventType =
  | "motion_start"
  | "motion_end"
  | "object"
  | "object_end"
  | "global_change"
  | "model_error";

/** One `[[detection.webhook]]`: events POSTed as JSON to `url`. */
export interface WebhookConfig {
  /** http:// or https:// URL. */
  url: string;
  /** Event types sent; empty = all. */
  types: DetectionEventType[];
  /** One attempt's time limit. */
  timeout_ms: number;
  /** Attempts after the first when one fails (network error, timeout, 408, 429, 5xx). */
  retries: number;
}

/** `passthrough = "…"` of a [[camera]]. */
export type PassthroughChoice = "auto" | "never";

/** The codec of a camera's sound in recordings. */
export type AudioCodec = "opus" | "aac";

export interface CameraConfig {
  id: string;
  /** auto | test | libcamera | v4l2:/dev/videoN | file:/path | rtsp://… | screen[:display[+X,Y,WxH]] */
  source: string;
  /** Preset that sets the defaults of width, height, fps and bitrate. */
  quality: QualityPreset;
  width: number;
  height: number;
  fps: number;
  format: RawFormat;
  /** videotestsrc pattern name for `test` sources. */
  pattern: string;
  /** Whether a `screen` source shows the mouse pointer. */
  cursor: boolean;
  codec: Codec;
  encoder: EncoderChoice;
  /**
   * auto: a source that already sends H.264 (rtsp://) is forwarded as it
   * comes, without re-encoding; never: always decode and encode.
   */
  passthrough: PassthroughChoice;
  bitrate_kbps: number;
  min_bitrate_kbps: number;
  max_bitrate_kbps: number;
  /** Keyframe interval in frames. */
  gop: number;
  /**
   * The optional sub stream (`[camera.sub]`): a second, smaller H.264 stream
   * for viewers on slow links and grids; null: the camera has none.
   */
  sub: SubStreamConfig | null;
  /** JPEG quality 1–100 for mjpeg. */
  jpeg_quality: number;
  max_viewers: number;
  /** Seconds the live view's Worker outlives the camera's last WebRTC viewer. */
  viewer_idle_s: number;
  /** Stamp the capture time into the picture (glass-to-glass latency probe). */
  timecode: boolean;
  /**
   * auto | none | test | alsa:<pcm> | pulse:<source>: where the camera's sound comes from
   * (actors/audio/plan.ts).
   */
  audio: string;
  /** The audio codec of recordings. */
  audio_codec: AudioCodec;
  /**
   * none | auto | alsa:<pcm> | pulse:<sink> | file:<path> | backchannel: where two-way talk plays
   * (actors/viewer/speaker_pipeline.ts).
   */
  speaker: string;
  rtp: RtpOutputConfig[];
  /** Access units to other eyries over mutual TLS ([[camera.forward]]). */
  forward: ForwardConfig[];
  /** The camera's RTP published to media servers ([[camera.publish]]). */
  publish: PublishConfig[];
  recording: CameraRecordingConfig;
  detection: CameraDetectionConfig;
}

/** `[camera.sub]`: the smaller stream eyrie encodes beside the main one. */
export interface SubStreamConfig {
  width: number;
  height: number;
  fps: number;
  /** The rate with every sub viewer on a good link; viewers' adaptive bitrate lowers it, never raises it. */
  bitrate_kbps: number;
}

export interface ConsoleConfig {
  /** host:port; port 0 picks a free one. */
  listen: string;
  /** Allow a non-loopback listen address without TLS and login. */
  insecure: boolean;
}

export interface LogConfig {
  level: LogLevel;
  format: "auto" | "json" | "text";
}

export interface RecordingConfig {
  enabled: boolean;
  dir: string;
  segment_s: number;
  /** All cameras together. */
  max_bytes: number;
  /** Free-disk floor: below it, recording stops and health says so. */
  min_free_bytes: number;
}

/** TLS for the console and API; present only when the config has [tls]. */
export interface TlsConfig {
  /** The certs directory (eyrie certs --dir). */
  dir: string;
  /** Server certificate name under <dir>/server/. */
  server_name: string;
  require_client_cert: boolean;
}

/** The RTSP server ([rtsp]); present only when the config has the section. */
export interface RtspConfig {
  /** host:port; each camera at rtsp://HOST:PORT/<camera id>. */
  listen: string;
  /** A session with no request and no RTCP from its client this long is ended. */
  session_timeout_s: number;
}

/** How browsers reach live view ([webrtc]). */
export interface WebrtcConfig {
  /** stun:, turn: and turns: URLs (turn with user:pass@ or turn_secret); empty = LAN only. */
  ice_servers: string[];
  /** ICE lite with host candidates only; true exactly when ice_servers is empty. */
  ice_lite: boolean;
  /** Shared secret for TURN REST credentials (coturn's static-auth-secret); "" = none. */
  turn_secret: string;
  /** Lifetime of TURN REST credentials, seconds. */
  turn_ttl_s: number;
  /**
   * RED + ULPFEC for viewers: "auto" turns it on per viewer when its reported loss passes 2 % (off
   * again after 10 s under 0.5 %), "always" from the start, "never" not negotiated.
   */
  fec: "auto" | "always" | "never";
}

/** The MQTT connection ([mqtt]); present only when the config has the section. */
export interface MqttConfig {
  /** mqtt://host[:1883] or mqtts://host[:8883]. */
  url: string;
  /** The broker login, and the eyrie user whose grant decides which commands act; "" = anonymous. */
  user: string;
  password: string;
  /** eyrie/<camera>/motion, eyrie/<camera>/events, eyrie/availability, … */
  topic_prefix: string;
  /** Home Assistant's discovery prefix; "" turns discovery off. */
  discovery_prefix: string;
  /** The MQTT client id (one per eyrie on a broker); also the prefix of unique ids. */
  client_id: string;
  /** PEM file of the CA that signed the broker's certificate (mqtts://); "" = the system's. */
  ca: string;
  /** Stats (and a snapshot) are published this often. */
  stats_interval_s: number;
}

export interface Config {
  /** State (SQLite, certificates) lives here. */
  data_dir: string;
  console: ConsoleConfig;
  tls: TlsConfig | null;
  log: LogConfig;
  camera: CameraConfig[];
  recording: RecordingConfig;
  rtsp: RtspConfig | null;
  mqtt: MqttConfig | null;
  /** `[[library]]` folders of videos (actors/library/); absent or [] = none. */
  library?: LibraryConfig[];
  webrtc: WebrtcConfig;
}

/** One `[[library]]` folder: served read-only, indexed in `<data_dir>/library.db`. */
export interface LibraryConfig {
  /** [a-z0-9-], unique: `GET /api/library?library=<id>`. */
  id: string;
  /** The folder, absolute. */
  path: string;
  /**
   * Re-encode (VP8/Opus in WebM, as it plays) items whose codecs browsers do
   * not decode; off by default (it costs a core). Absent: off.
   */
  transcode?: boolean;
}

// ---------------------------------------------------------------------------
// Logging

export type LogLevel = "debug" | "info" | "warn" | "error";

/** A structured log record. `actor` names who logged it ("main" on the main thread). */
export interface LogRecord {
  ts: string;
  level: LogLevel;
  actor: string;
  msg: string;
  fields?: Record<string, string | number | boolean | null>;
}
