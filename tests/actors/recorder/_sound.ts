// Real sound for the recorder tests: Opus packets made by opusenc with the
// audio actor's settings (48 kHz mono, 20 ms, 32 kb/s), from PCM the test
// writes itself (a tone, or silence with a beep at a chosen time), and
// ffmpeg's decode of a recording's audio track back to PCM.
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { run } from "./_media.ts";

export const RATE = 48_000;
const PACKET_SAMPLES = 960;
export const PACKET_NS = 20_000_000;

/** One Opus packet and its pts relative to the first sample (ns). */
export interface TestPacket {
  bytes: Uint8Array;
  ptsNs: number;
  durationNs: number;
}

/**
 * `seconds` of sound, 0.3 full scale: a 440 Hz tone throughout, or silence
 * with a 440 Hz beep from `beepAtS` to its end.
 */
export function pcm(seconds: number, options: { beepAtS?: number } = {}): Int16Array {
  const out = new Int16Array(Math.round(seconds * RATE));
  const from = Math.round((options.beepAtS ?? 0) * RATE);
  for (let i = from; i < out.length; i++) {
    out[i] = Math.round(0.3 * 32767 * Math.sin(2 * Math.PI * 440 * i / RATE));
  }
  return out;
}

/** Encodes `samples` with opusenc as the audio actor does; packet pts from the pipeline. */
export function encodeOpus(samples: Int16Array): TestPacket[] {
  using p = Pipeline.parse(
    "appsrc name=src format=time caps=audio/x-raw,format=S16LE,rate=48000,channels=1,layout=interleaved " +
      "! opusenc bitrate=32000 frame-size=20 ! appsink name=out sync=false",
  );
  p.setState("playing", { timeoutMs: 0 });
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  for (let i = 0; i * PACKET_SAMPLES < samples.length; i++) {
    const chunk = bytes.subarray(i * PACKET_SAMPLES * 2, (i + 1) * PACKET_SAMPLES * 2);
    src.push(chunk, { pts: i * PACKET_NS, duration: PACKET_NS });
  }
  src.endOfStream();
  const out: TestPacket[] = [];
  const buf = new Uint8Array(4000);
  for (;;) {
    const s = sink.pull({ timeoutMs: 5000 });
    if (s === null) break;
    const n = s.copyTo(buf);
    out.push({ bytes: buf.slice(0, n), ptsNs: s.pts ?? 0, durationNs: s.duration ?? PACKET_NS });
  }
  return out;
}

/** ffmpeg's decode of the first audio track of `path`: 48 kHz mono S16, from the file's time 0. */
export async function decodeAudioTrack(path: string): Promise<Int16Array> {
  const out = await Deno.makeTempFile({ suffix: ".raw" });
  try {
    const r = await run("ffmpeg", [
      "-v",
      "error",
      "-y",
      "-i",
      path,
      "-map",
      "0:a:0",
      // Keep the track's place on the file's timeline: silence before its first sample.
      "-af",
      "aresample=async=1:first_pts=0",
      "-f",
      "s16le",
      "-ac",
      "1",
      "-ar",
      String(RATE),
      out,
    ]);
    if (r.code !== 0) throw new Error(`ffmpeg could not decode the sound of ${path}: ${r.stderr}`);
    const b = await Deno.readFile(out);
    return new Int16Array(b.buffer, b.byteOffset, b.byteLength >> 1);
  } finally {
    await Deno.remove(out);
  }
}

/** The streams ffprobe finds in `path`: codec, type and start time. */
export async function probeStreams(
  path: string,
): Promise<{ type: string; codec: string; start: number; duration: number }[]> {
  const r = await run("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_type,codec_name,start_time,duration",
    "-of",
    "json",
    path,
  ]);
  if (r.code !== 0) throw new Error(`ffprobe failed on ${path}: ${r.stderr}`);
  return (JSON.parse(r.stdout).streams as Record<string, string>[]).map((s) => ({
    type: s.codec_type,
    codec: s.codec_name,
    start: Number(s.start_time),
    duration: Number(s.duration),
  }));
}

/** The time (s) of the first sample whose level passes a quarter of the beep's. */
export function onsetS(samples: Int16Array): number {
  const level = 0.3 * 32767 / 4;
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]) > level) return i / RATE;
  return NaN;
}

/** H.264 access units of 320x240 frames, black up to frame `flashAt` and white from it on. */
export function encodeFlash(frames: number, flashAt: number, fps: number) {
  return encodeFrames(
    `x264enc tune=zerolatency speed-preset=ultrafast key-int-max=${fps} ` +
      "! video/x-h264,stream-format=byte-stream,alignment=au",
    frames,
    flashAt,
    fps,
  );
}

/** JPEG frames of 320x240, black up to frame `flashAt` and white from it on (an MJPEG camera's). */
export function encodeFlashJpeg(frames: number, flashAt: number, fps: number) {
  return encodeFrames("jpegenc", frames, flashAt, fps);
}

/** 320x240 frames, black up to frame `flashAt` and white from it on, through `encoder`. */
function encodeFrames(encoder: string, frames: number, flashAt: number, fps: number) {
  const w = 320;
  const h = 240;
  using p = Pipeline.parse(
    `appsrc name=src format=time caps=video/x-raw,format=I420,width=${w},height=${h},framerate=${fps}/1 ` +
      `! ${encoder} ! appsink name=out sync=false`,
  );
  p.setState("playing", { timeoutMs: 0 });
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  const frame = new Uint8Array(w * h * 3 / 2);
  const out: { au: Uint8Array; key: boolean }[] = [];
  const buf = new Uint8Array(1 << 20);
  for (let i = 0; i < frames; i++) {
    frame.fill(i >= flashAt ? 235 : 16, 0, w * h);
    frame.fill(128, w * h);
    src.push(frame, { pts: Math.round(i * 1e9 / fps), duration: Math.round(1e9 / fps) });
    const s = sink.pull({ timeoutMs: 5000 });
    if (s === null) throw new Error(`${encoder.split(" ")[0]} gave no frame ${i}`);
    out.push({ au: buf.slice(0, s.copyTo(buf)), key: s.keyframe });
  }
  return out;
}

/** The presentation time (s) of the first decoded frame of `path` brighter than mid-grey. */
export async function flashS(path: string): Promise<number> {
  const r = await run("ffprobe", [
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    `movie=${path},signalstats`,
    "-show_entries",
    "frame=pts_time:frame_tags=lavfi.signalstats.YAVG",
    "-of",
    "csv=p=0",
  ]);
  if (r.code !== 0) throw new Error(`ffprobe could not read the frames of ${path}: ${r.stderr}`);
  for (const line of r.stdout.trim().split("\n")) {
    const [t, y] = line.split(",").map(Number);
    if (y > 128) return t;
  }
  return NaN;
}
