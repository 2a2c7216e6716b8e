/**
 * What a library file is, from what GStreamer's discoverer read in it (not
 * from its name): the MIME type of its container, its codecs, and how a
 * browser gets it — as the file is (`direct`), copied into fragmented MP4
 * on the fly (`remux`: H.264 video with AAC or no audio in Matroska, AVI or
 * QuickTime), or not as it is (`unsupported`, with the reason: re-encoded
 * only where its library allows, transcode.ts). Pure.
 *
 * @module
 */

/** How a browser plays an item. */
export type Delivery = "direct" | "remux" | "unsupported";

/** The discoverer's findings this module reads (ffi/gst/discoverer.ts's DiscoveredMedia, "ok"). */
export interface Findings {
  container: string;
  /** The file's first bytes (16 are enough): QuickTime's ftyp brand tells MOV from MP4. */
  head?: Uint8Array;
  video: readonly { caps: string; width: number; height: number; fps: number; bitrate: number }[];
  audio: readonly { caps: string; bitrate: number }[];
}

/** An item's media facts. */
export interface MediaFacts {
  mime: string;
  /** Short codec names, video first: ["h264", "aac"]. */
  codecs: string[];
  width: number;
  height: number;
  fps: number;
  /** bits/s over all streams the file names; 0 when it names none. */
  bitrate: number;
  delivery: Delivery;
  /** Why not direct, or why not at all. */
  note: string;
}

/** The caps' media type and one field: "video/quicktime, variant=(string)iso" → "iso". */
function field(caps: string, name: string): string | null {
  const m = new RegExp(`(?:^|, )${name}=\\([a-z0-9]+\\)([^,]*)`).exec(caps);
  return m === null ? null : m[1];
}

function mediaType(caps: string): string {
  const comma = caps.indexOf(",");
  return (comma < 0 ? caps : caps.slice(0, comma)).trim();
}

/**
 * Whether an ISO/QuickTime file is Apple's MOV: its ftyp's major brand is
 * "qt  ", or it has no ftyp at all (QuickTime before ISO), rather than an
 * MP4 brand ("isom", "mp42", "M4V "…).
 */
export function isAppleQuickTime(head: Uint8Array): boolean {
  if (head.length < 12) return false;
  const text = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (text(4, 8) !== "ftyp") return true;
  return text(8, 12) === "qt  ";
}

/** The MIME type of a container's caps, or null for one this library does not serve. */
export function containerMime(caps: string, head?: Uint8Array): string | null {
  switch (mediaType(caps)) {
    case "video/quicktime": {
      // qtdemux may say iso (MP4, M4V) or apple (MOV); else the file's brand says.
      const variant = field(caps, "variant");
      if (variant !== null) return variant === "apple" ? "video/quicktime" : "video/mp4";
      return head !== undefined && isAppleQuickTime(head) ? "video/quicktime" : "video/mp4";
    }
    case "video/x-matroska":
      return "video/x-matroska";
    case "video/webm":
      return "video/webm";
    case "video/x-msvideo":
      return "video/x-msvideo";
    default:
      return null;
  }
}

/** A short name for a stream's codec: "h264", "aac", "vp9"; the media type when unknown. */
export function codecName(caps: string): string {
  const type = mediaType(caps);
  switch (type) {
    case "video/x-h264":
      return "h264";
    case "video/x-h265":
      return "h265";
    case "video/x-vp8":
      return "vp8";
    case "video/x-vp9":
      return "vp9";
    case "video/x-av1":
      return "av1";
    case "video/x-theora":
      return "theora";
    case "video/mpeg":
      return field(caps, "mpegversion") === "4" ? "mpeg4" : "mpeg2";
    // MPEG-4 Part 2 as AVI names it (by its fourcc: DX50, XVID).
    case "video/x-divx":
    case "video/x-xvid":
      return "mpeg4";
    case "audio/mpeg":
      return field(caps, "mpegversion") === "4" || field(caps, "mpegversion") === "2"
        ? "aac"
        : "mp3";
    case "audio/x-opus":
      return "opus";
    case "audio/x-vorbis":
      return "vorbis";
    case "audio/x-ac3":
      return "ac3";
    case "audio/x-flac":
      return "flac";
    default:
      return type;
  }
}

/** What browsers decode in each container they play as is. */
const DIRECT: Readonly<Record<string, { video: string[]; audio: string[] }>> = {
  "video/mp4": { video: ["h264", "vp9", "av1"], audio: ["aac", "mp3", "opus", "flac"] },
  "video/webm": { video: ["vp8", "vp9", "av1"], audio: ["opus", "vorbis"] },
};

/** Containers remuxed to fragmented MP4: their H.264 and AAC are copied as they are. */
const REMUX_FROM = new Set(["video/x-matroska", "video/x-msvideo", "video/quicktime"]);

/** The facts of one file, or null when it holds no video at all. */
export function mediaFacts(found: Findings): MediaFacts | null {
  const video = found.video[0];
  if (video === undefined) return null;
  const mime = containerMime(found.container, found.head);
  const v = codecName(video.caps);
  const a = found.audio.length > 0 ? codecName(found.audio[0].caps) : null;
  const codecs = a === null ? [v] : [v, a];
  const bitrate = found.video.reduce((n, s) => n + s.bitrate, 0) +
    found.audio.reduce((n, s) => n + s.bitrate, 0);
  const base = { codecs, width: video.width, height: video.height, fps: video.fps, bitrate };
  if (mime === null) {
    const what = found.container === "" ? "a bare stream" : mediaType(found.container);
    return {
      ...base,
      mime: "application/octet-stream",
      delivery: "unsupported",
      note: `Not a container served here (${what})`,
    };
  }
  const direct = DIRECT[mime];
  if (
    direct !== undefined && direct.video.includes(v) && (a === null || direct.audio.includes(a))
  ) {
    return { ...base, mime, delivery: "direct", note: "" };
  }
  if (
    v === "h264" && (a === null || a === "aac") && (REMUX_FROM.has(mime) || mime === "video/mp4")
  ) {
    return {
      ...base,
      mime,
      delivery: "remux",
      note: "Copied into fragmented MP4 as it plays (no re-encoding)",
    };
  }
  return {
    ...base,
    mime,
    delivery: "unsupported",
    note: `Browsers do not play ${codecs.join("/")} in ${mime}`,
  };
}
