/**
 * GStreamer's discoverer (libgstpbutils): what a media file holds —
 * duration, container, and each video and audio stream's caps, size, rate
 * and bitrate — read by GStreamer's own demuxers and parsers in this
 * process, no program spawned per file. Each call runs on a thread of
 * Deno's blocking pool (`nonblocking`), so the caller's event loop goes on
 * while a file is read; at most one file per {@linkcode Discoverer} at a time.
 *
 * @module
 */
import { lib, takeGError } from "./_lib.ts";
import { cstr, takeString } from "./_strings.ts";
import { GstError } from "./errors.ts";

const PBUTILS = {
  gst_discoverer_new: { parameters: ["u64", "buffer"], result: "pointer" },
  gst_discoverer_discover_uri: {
    parameters: ["pointer", "buffer", "buffer"],
    result: "pointer",
    nonblocking: true,
  },
  gst_discoverer_info_get_result: { parameters: ["pointer"], result: "i32" },
  gst_discoverer_info_get_duration: { parameters: ["pointer"], result: "u64" },
  gst_discoverer_info_get_seekable: { parameters: ["pointer"], result: "i32" },
  gst_discoverer_info_get_stream_info: { parameters: ["pointer"], result: "pointer" },
  gst_discoverer_info_get_video_streams: { parameters: ["pointer"], result: "pointer" },
  gst_discoverer_info_get_audio_streams: { parameters: ["pointer"], result: "pointer" },
  gst_discoverer_stream_info_get_caps: { parameters: ["pointer"], result: "pointer" },
  gst_discoverer_stream_info_list_free: { parameters: ["pointer"], result: "void" },
  gst_discoverer_video_info_get_width: { parameters: ["pointer"], result: "u32" },
  gst_discoverer_video_info_get_height: { parameters: ["pointer"], result: "u32" },
  gst_discoverer_video_info_get_framerate_num: { parameters: ["pointer"], result: "u32" },
  gst_discoverer_video_info_get_framerate_denom: { parameters: ["pointer"], result: "u32" },
  gst_discoverer_video_info_get_bitrate: { parameters: ["pointer"], result: "u32" },
  gst_discoverer_audio_info_get_bitrate: { parameters: ["pointer"], result: "u32" },
  gst_discoverer_audio_info_get_channels: { parameters: ["pointer"], result: "u32" },
  gst_discoverer_audio_info_get_sample_rate: { parameters: ["pointer"], result: "u32" },
  gst_pb_utils_get_codec_description: { parameters: ["pointer"], result: "pointer" },
} as const;

const GOBJECT_UNREF = { g_object_unref: { parameters: ["pointer"], result: "void" } } as const;

/** GList: `{ gpointer data; GList *next; GList *prev; }` (LP64). */
const GLIST_DATA = 0;
const GLIST_NEXT = 8;

/** GstDiscovererResult. */
const RESULTS = ["ok", "uri_invalid", "error", "timeout", "busy", "missing_plugins"] as const;

/** Longest stream list read from one file. Reason: a film has a few; a hostile file could claim thousands. */
export const MAX_STREAMS = 64;

type Pb =
  & Deno.DynamicLibrary<typeof PBUTILS>["symbols"]
  & Deno.DynamicLibrary<typeof GOBJECT_UNREF>["symbols"];
let pb: Pb | undefined;

function pbutils(): Pb {
  if (pb !== undefined) return pb;
  lib(); // gst_init first
  let opened;
  try {
    opened = Deno.dlopen("libgstpbutils-1.0.so.0", PBUTILS);
  } catch (cause) {
    if (cause instanceof Deno.errors.NotCapable) throw cause;
    throw new GstError(
      'Cannot load "libgstpbutils-1.0.so.0": install the Debian package ' +
        `"libgstreamer-plugins-base1.0-0" (${(cause as Error).message})`,
      { cause },
    );
  }
  const gobject = Deno.dlopen("libgobject-2.0.so.0", GOBJECT_UNREF);
  return pb = { ...opened.symbols, ...gobject.symbols };
}

/** One video stream. */
export interface VideoStreamInfo {
  /** The stream's caps as text ("video/x-h264, stream-format=(string)avc, …"). */
  caps: string;
  /** GStreamer's name for the codec ("H.264 (High Profile)"). */
  description: string;
  width: number;
  height: number;
  /** Frames per second; 0 when the file does not say. */
  fps: number;
  /** bits/s; 0 when the file does not say. */
  bitrate: number;
}

/** One audio stream. */
export interface AudioStreamInfo {
  caps: string;
  description: string;
  channels: number;
  sampleRate: number;
  bitrate: number;
}

/** What the discoverer found in one file. */
export type DiscoveredMedia =
  | {
    result: "ok";
    durationNs: bigint;
    seekable: boolean;
    /** The container's caps as text ("video/quicktime, variant=(string)iso"), or "" for a bare stream. */
    container: string;
    video: VideoStreamInfo[];
    audio: AudioStreamInfo[];
  }
  | {
    result: Exclude<(typeof RESULTS)[number], "ok">;
    /** GStreamer's message, naming what it could not do. */
    message: string;
  };

function capsText(stream: Deno.PointerObject): { caps: string; description: string } {
  const p = pbutils();
  const caps = p.gst_discoverer_stream_info_get_caps(stream);
  if (caps === null) return { caps: "", description: "" };
  try {
    return {
      caps: takeString(lib().gst_caps_to_string(caps)) ?? "",
      description: takeString(p.gst_pb_utils_get_codec_description(caps)) ?? "",
    };
  } finally {
    lib().gst_mini_object_unref(caps);
  }
}

function eachStream(list: Deno.PointerValue, visit: (stream: Deno.PointerObject) => void): void {
  let node = list;
  for (let i = 0; node !== null && i < MAX_STREAMS; i++) {
    const view = new Deno.UnsafePointerView(node);
    const data = view.getPointer(GLIST_DATA);
    if (data !== null) visit(data);
    node = view.getPointer(GLIST_NEXT);
  }
}

/** A discoverer for files, each given `timeoutMs` at most. Dispose to free it. */
export class Discoverer implements Disposable {
  #pointer: Deno.PointerObject | null;
  #busy = false;

  constructor(options: { timeoutMs: number }) {
    if (!(options.timeoutMs > 0)) {
      throw new RangeError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
    }
    const slot = new BigUint64Array(1);
    const pointer = pbutils().gst_discoverer_new(BigInt(options.timeoutMs) * 1_000_000n, slot);
    const error = takeGError(slot);
    if (pointer === null || error !== null) {
      throw new GstError(error?.message || "gst_discoverer_new failed");
    }
    this.#pointer = pointer;
  }

  /** Reads the file at `uri` (file:///…); never throws for what is in the file. */
  async discover(uri: string): Promise<DiscoveredMedia> {
    if (this.#pointer === null) throw new TypeError("The discoverer was disposed");
    if (this.#busy) throw new TypeError("One file at a time per discoverer");
    this.#busy = true;
    const p = pbutils();
    const slot = new BigUint64Array(1);
    let info: Deno.PointerValue;
    try {
      info = await p.gst_discoverer_discover_uri(this.#pointer, cstr(uri), slot);
    } finally {
      this.#busy = false;
    }
    const error = takeGError(slot);
    if (info === null) return { result: "error", message: error?.message || "No information" };
    try {
      const result = RESULTS[p.gst_discoverer_info_get_result(info)] ?? "error";
      if (result !== "ok") {
        return { result, message: error?.message || result.replace("_", " ") };
      }
      const top = p.gst_discoverer_info_get_stream_info(info);
      let container = "";
      if (top !== null) {
        container = capsText(top).caps;
        p.g_object_unref(top);
      }
      const video: VideoStreamInfo[] = [];
      const videos = p.gst_discoverer_info_get_video_streams(info);
      eachStream(videos, (s) => {
        const num = p.gst_discoverer_video_info_get_framerate_num(s);
        const den = p.gst_discoverer_video_info_get_framerate_denom(s);
        video.push({
          ...capsText(s),
          width: p.gst_discoverer_video_info_get_width(s),
          height: p.gst_discoverer_video_info_get_height(s),
          fps: den > 0 ? num / den : 0,
          bitrate: p.gst_discoverer_video_info_get_bitrate(s),
        });
      });
      if (videos !== null) p.gst_discoverer_stream_info_list_free(videos);
      const audio: AudioStreamInfo[] = [];
      const audios = p.gst_discoverer_info_get_audio_streams(info);
      eachStream(audios, (s) => {
        audio.push({
          ...capsText(s),
          channels: p.gst_discoverer_audio_info_get_channels(s),
          sampleRate: p.gst_discoverer_audio_info_get_sample_rate(s),
          bitrate: p.gst_discoverer_audio_info_get_bitrate(s),
        });
      });
      if (audios !== null) p.gst_discoverer_stream_info_list_free(audios);
      // A container with an absurd or missing duration reads as 0 (GST_CLOCK_TIME_NONE is all ones).
      let durationNs = p.gst_discoverer_info_get_duration(info) as bigint;
      if (durationNs === 0xffffffffffffffffn) durationNs = 0n;
      return {
        result: "ok",
        durationNs,
        seekable: p.gst_discoverer_info_get_seekable(info) !== 0,
        container,
        video,
        audio,
      };
    } finally {
      p.g_object_unref(info);
    }
  }

  [Symbol.dispose](): void {
    if (this.#pointer === null) return;
    pbutils().g_object_unref(this.#pointer);
    this.#pointer = null;
  }
}
