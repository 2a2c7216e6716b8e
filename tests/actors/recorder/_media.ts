// Real media for the recorder tests: segments written by gst-launch-1.0 with
// the chosen mux chain, and ffprobe/ffmpeg as the judges. Every subprocess
// is bounded by a timeout.
import { dirname } from "node:path";
import { muxChainArgs, type SegmentFormat } from "../../../actors/recorder/mod.ts";

/** Time any one tool run may take. */
export const TOOL_TIMEOUT_MS = 60_000;

export const FPS = 30;

/** The source the tests encode: x264 like eyrie's software path, byte-stream AUs as the ring holds them. */
export function sourceArgs(options: { live?: boolean; frames?: number } = {}): string[] {
  return [
    "videotestsrc",
    ...(options.live ? ["is-live=true"] : []),
    ...(options.frames !== undefined ? [`num-buffers=${options.frames}`] : []),
    "!",
    `video/x-raw,width=320,height=240,framerate=${FPS}/1`,
    "!",
    "x264enc",
    "tune=zerolatency",
    "speed-preset=ultrafast",
    `key-int-max=${FPS}`,
    "!",
    "video/x-h264,stream-format=byte-stream,alignment=au",
  ];
}

/** The MJPEG source the tests encode: jpegenc as eyrie's jpeg encoder, a picture per frame. */
export function jpegSourceArgs(options: { live?: boolean; frames?: number } = {}): string[] {
  return [
    "videotestsrc",
    ...(options.live ? ["is-live=true"] : []),
    ...(options.frames !== undefined ? [`num-buffers=${options.frames}`] : []),
    "!",
    `video/x-raw,width=320,height=240,framerate=${FPS}/1`,
    "!",
    "jpegenc",
    "quality=85",
    "!",
    "image/jpeg",
  ];
}

/** What ffprobe says of a file's container and first video stream. */
export interface ProbeInfo {
  /** ffprobe's format_name ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi"). */
  format: string;
  codec: string;
  duration: number | null;
  frames: number;
}

/** ffprobe's format name, codec, duration and decoded frames of `path`. */
export async function probeInfo(path: string): Promise<ProbeInfo> {
  const r = await run("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "format=format_name,duration:stream=codec_name,nb_read_frames",
    "-of",
    "json",
    path,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe failed on ${path}: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  const d = Number(j.format?.duration);
  return {
    format: String(j.format?.format_name),
    codec: String(j.streams?.[0]?.codec_name),
    duration: Number.isFinite(d) ? d : null,
    frames: Number(j.streams?.[0]?.nb_read_frames),
  };
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool to its end, killed after `timeoutMs`. */
export async function run(
  cmd: string,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<ToolResult> {
  const out = await new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(options.timeoutMs ?? TOOL_TIMEOUT_MS),
  }).output();
  const d = new TextDecoder();
  if (out.signal !== null) throw new Error(`${cmd} was killed by ${out.signal}`);
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/** Writes a whole, cleanly closed segment of `frames` frames to `path` (H.264 in MP4 by default). */
export async function makeSegment(
  path: string,
  frames: number,
  format?: SegmentFormat,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const source = format?.codec === "mjpeg" ? jpegSourceArgs : sourceArgs;
  const r = await run("gst-launch-1.0", [
    "-q",
    ...source({ frames }),
    "!",
    ...muxChainArgs(path, format),
  ]);
  if (r.code !== 0) throw new Error(`gst-launch-1.0 failed: ${r.stderr}`);
}

/** ffprobe's format duration in seconds, or null when it reports none. */
export async function probeDuration(path: string): Promise<number | null> {
  const r = await run("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "format=duration",
    "-of",
    "csv=p=0",
    path,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe failed on ${path}: ${r.stderr}`);
  const n = Number(r.stdout.trim());
  return Number.isFinite(n) ? n : null;
}

/** Frames ffprobe decodes from the first video stream. */
export async function countFrames(path: string): Promise<number> {
  const r = await run("ffprobe", [
    "-v",
    "error",
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=nb_read_frames",
    "-of",
    "csv=p=0",
    path,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe failed on ${path}: ${r.stderr}`);
  return Number(r.stdout.trim());
}

/** What ffmpeg complains about while decoding every frame (empty when clean). */
export async function decodeErrors(path: string): Promise<string> {
  const r = await run("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"]);
  return (r.stderr + (r.code === 0 ? "" : `exit ${r.code}`)).trim();
}
