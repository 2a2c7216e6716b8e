// Recorder benchmark: CPU per hour of 720p30 2 Mbit/s H.264 and write
// amplification (bytes written / access-unit bytes) of eyrie's recorder
// actor, beside `gst-launch-1.0 … ! splitmuxsink` recording the same stream,
// in the same run.
//
//   deno run -A bench/recorder_bench.ts [--seconds 60] [--segment-s 10]
//
// The stream is encoded once (videotestsrc moving SMPTE bars, x264
// ultrafast/zerolatency, 2000 kbit/s, a keyframe a second) and kept as
// access units. Then three processes run side by side, each paced to real
// time for the same number of seconds:
//
// - eyrie: a Deno process that writes the AUs into an AU ring at 30 fps (as
//   the encoder does) and runs the real recorder actor (its Worker, its
//   segment pipelines, a thumbnail per segment) on it;
// - feeder only: the same process without the recorder, to subtract what
//   feeding the ring costs (and Deno's start-up);
// - splitmuxsink: gst-launch-1.0 reading the same stream from Matroska,
//   `filesrc ! matroskademux ! identity sync=true ! splitmuxsink` with the
//   same mp4mux settings (fragmented, 500 ms) and unbuffered files;
// - gst source only: that pipeline into a fakesink, to subtract the reading.
//
// CPU is user+system of the whole process, dead threads included
// (/proc/<pid>/stat, children's fields for gst-launch through a shell).
// "Written" is every byte the process passed to write()/writev()
// (/proc/<pid>/io wchar): the segment files and thumbnails, mp4mux's rewrite
// of the file header at the end, and also the 8-byte eventfd writes of each
// event-loop wake-up (strace: ~13 KB in 20 s for the recorder Worker), so it
// is an upper bound. "Files" is what stays on disk.

import { join } from "node:path";
import { Pipeline } from "../ffi/gst/mod.ts";
import { FrameFlags, FrameFormat, nowNs } from "../actors/defs.ts";
import { createByteRing, RingWriter } from "../actors/ring/mod.ts";
import { spawnActor } from "../actors/runtime/actor.ts";
import { RECORDER_WORKER, type RecorderProtocol } from "../actors/recorder/protocol.ts";
import { checkConfig } from "../ui/config/mod.ts";
import { AU_ENTRIES, READER } from "../actors/system/rings.ts";

const FPS = 30;
const WIDTH = 1280;
const HEIGHT = 720;
const KBPS = 2000;
const CLK_TCK = 100;
/**
 * Seconds before the steady state is measured in the Deno processes: start-up
 * (module loading, GStreamer's registry in the recorder's Worker) is a cost
 * per process start, not per hour of video.
 */
const WARM_UP_S = 5;

interface Usage {
  cpuS: number;
  wchar: number;
}

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i < 0 ? fallback : Number(Deno.args[i + 1]);
}

/** utime+stime (fields 14, 15) and, with `children`, cutime+cstime (16, 17), in seconds. */
function cpuOf(stat: string, children: boolean): number {
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
  return ticks / CLK_TCK;
}

function wcharOf(io: string): number {
  return Number(/^wchar: (\d+)$/m.exec(io)![1]);
}

async function selfUsage(): Promise<Usage> {
  return {
    cpuS: cpuOf(await Deno.readTextFile("/proc/self/stat"), false),
    wchar: wcharOf(await Deno.readTextFile("/proc/self/io")),
  };
}

// ---------------------------------------------------------------------------
// Child: feed the ring in real time, with or without the recorder.

async function child(dir: string, seconds: number, segmentS: number, withRecorder: boolean) {
  const stream = await Deno.readFile(join(dir, "stream.h264"));
  const aus: { size: number; key: boolean }[] = JSON.parse(
    await Deno.readTextFile(join(dir, "aus.json")),
  );
  const config = checkConfig({
    data_dir: join(dir, "data"),
    recording: { dir: join(dir, "eyrie") },
    camera: [{ id: "bench", source: "test", width: WIDTH, height: HEIGHT, fps: FPS }],
  }, "");
  const cam = config.camera[0];
  const ring = createByteRing({ entries: AU_ENTRIES, dataBytes: 16 << 20 });
  const writer = new RingWriter(ring);
  const actor = withRecorder
    ? await spawnActor<RecorderProtocol>({
      id: "bench/recorder",
      url: RECORDER_WORKER,
      init: {
        camera: cam,
        dir: config.recording.dir,
        segmentS,
        au: ring,
        reader: READER.recorder,
        paused: false,
        diskFull: null,
        minFreeBytes: config.recording.min_free_bytes,
      },
      log: () => {},
      onEvent: () => {},
    })
    : null;
  const frameMs = 1000 / FPS;
  const frames = seconds * FPS;
  const warmFrames = WARM_UP_S * FPS;
  const start = performance.now();
  let warm: Usage | null = null;
  let at = 0;
  for (let i = 0; i < frames; i++) {
    if (i === warmFrames) warm = await selfUsage();
    const k = i % aus.length;
    if (k === 0) at = 0;
    const { size, key } = aus[k];
    writer.reserve(size).set(stream.subarray(at, at + size));
    writer.commit(size, {
      pts: nowNs(),
      captureNs: nowNs(),
      durationNs: 1e9 / FPS,
      flags: (key ? FrameFlags.KEYFRAME | FrameFlags.CONFIG : 0) |
        (i === 0 ? FrameFlags.DISCONT : 0),
      format: FrameFormat.H264,
      width: WIDTH,
      height: HEIGHT,
      aux: 0,
    });
    at += size;
    const wait = start + (i + 1) * frameMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await actor?.stop("shutdown", 5000);
  writer.close();
  const end = await selfUsage();
  console.log(
    JSON.stringify({
      total: end,
      steady: { cpuS: end.cpuS - warm!.cpuS, wchar: end.wchar - warm!.wchar },
    }),
  );
}

// ---------------------------------------------------------------------------
// Parent.

async function encode(dir: string, seconds: number): Promise<{ auBytes: number; kbps: number }> {
  const frames = seconds * FPS;
  // The AUs for eyrie's ring, and the same stream in Matroska (with its timestamps) for gst-launch.
  using p = Pipeline.parse(
    `videotestsrc num-buffers=${frames} pattern=smpte horizontal-speed=4 ` +
      `! video/x-raw,width=${WIDTH},height=${HEIGHT},framerate=${FPS}/1 ` +
      `! x264enc tune=zerolatency speed-preset=ultrafast bitrate=${KBPS} key-int-max=${FPS} ` +
      "! video/x-h264,stream-format=byte-stream,alignment=au ! tee name=t " +
      "t. ! queue ! appsink name=out sync=false " +
      `t. ! queue ! h264parse ! matroskamux ! filesink location=${join(dir, "stream.mkv")}`,
  );
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  using file = await Deno.open(join(dir, "stream.h264"), { write: true, create: true });
  const aus: { size: number; key: boolean }[] = [];
  let auBytes = 0;
  const buf = new Uint8Array(8 << 20);
  for (;;) {
    const s = sink.pull({ timeoutMs: 10_000 });
    if (s === null) break;
    const n = s.copyTo(buf);
    aus.push({ size: n, key: s.keyframe });
    auBytes += n;
    await file.write(buf.subarray(0, n));
  }
  if (p.bus.pop({ timeoutMs: 10_000, types: ["eos", "error"] })?.type !== "eos") {
    throw new Error("The encoder did not finish");
  }
  if (aus.length !== frames) throw new Error(`Encoded ${aus.length} of ${frames} frames`);
  await Deno.writeTextFile(join(dir, "aus.json"), JSON.stringify(aus));
  return { auBytes, kbps: Math.round((auBytes * 8) / seconds / 1000) };
}

async function runChild(dir: string, seconds: number, segmentS: number, mode: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      mode,
      dir,
      String(seconds),
      String(segmentS),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`${mode} failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1)!) as {
    total: Usage;
    steady: Usage;
  };
}

/** gst-launch-1.0 reading the Matroska copy in real time into `sink` (a splitmuxsink, or a fakesink). */
async function runGst(dir: string, sink: string): Promise<Usage> {
  const gst = `gst-launch-1.0 -q filesrc location=${join(dir, "stream.mkv")} ` +
    `! matroskademux ! identity sync=true ! ${sink}`;
  // The shell waits for gst-launch, so its children's CPU and its wchar include it.
  const out = await new Deno.Command("sh", {
    args: ["-c", `${gst} && cat /proc/$$/stat && cat /proc/$$/io`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`gst-launch-1.0 failed: ${gst}`);
  const text = new TextDecoder().decode(out.stdout);
  const stat = text.split("\n").find((l) => /^\d+ \(/.test(l))!;
  return { cpuS: cpuOf(stat, true), wchar: wcharOf(text) };
}

async function runSplitmux(dir: string, segmentS: number): Promise<Usage> {
  await Deno.mkdir(join(dir, "splitmux"), { recursive: true });
  return await runGst(
    dir,
    [
      "splitmuxsink async-finalize=true muxer-factory=mp4mux",
      "'muxer-properties=properties,fragment-duration=500'",
      "'sink-properties=properties,buffer-mode=2'",
      `max-size-time=${segmentS * 1e9}`,
      `location=${join(dir, "splitmux", "seg%05d.mp4")}`,
    ].join(" "),
  );
}

async function bytesIn(dir: string, ext: string): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    for await (const e of Deno.readDir(d)) {
      if (e.isDirectory) await walk(join(d, e.name));
      else if (e.name.endsWith(ext)) total += (await Deno.stat(join(d, e.name))).size;
    }
  };
  await walk(dir);
  return total;
}

async function main() {
  const seconds = arg("--seconds", 60);
  const segmentS = arg("--segment-s", 10);
  const dir = await Deno.makeTempDir({ prefix: "eyrie-recorder-bench-" });
  try {
    console.error(`encoding ${seconds} s of ${WIDTH}x${HEIGHT}@${FPS}…`);
    const { auBytes, kbps } = await encode(dir, seconds);
    console.error(`recording ${seconds} s three ways, side by side…`);
    const [eyrie, feeder, splitmux, source] = await Promise.all([
      runChild(dir, seconds, segmentS, "--eyrie"),
      runChild(dir, seconds, segmentS, "--feeder"),
      runSplitmux(dir, segmentS),
      runGst(dir, "fakesink"),
    ]);
    const perHour = (s: number) => (s * 3600) / seconds;
    // The Deno side's steady state covers seconds - WARM_UP_S; scale it to the whole run.
    const scale = seconds / (seconds - WARM_UP_S);
    const recorderCpu = (eyrie.steady.cpuS - feeder.steady.cpuS) * scale;
    const recorderWritten = eyrie.total.wchar - feeder.total.wchar;
    const splitmuxCpu = splitmux.cpuS - source.cpuS;
    const eyrieFiles = await bytesIn(join(dir, "eyrie"), ".mp4");
    const eyrieThumbs = await bytesIn(join(dir, "eyrie"), ".jpg");
    const gstFiles = await bytesIn(join(dir, "splitmux"), ".mp4");
    const row = (name: string, cpu: number, written: number, files: number) =>
      `| ${name} | ${perHour(cpu).toFixed(1)} | ${(written / auBytes).toFixed(4)} | ${
        (files / auBytes).toFixed(4)
      } |`;
    console.log(
      `stream: ${seconds} s, ${kbps} kbit/s, ${auBytes} AU bytes; segments of ${segmentS} s\n`,
    );
    console.log("| recorder | CPU s per hour | written ÷ AU bytes | files ÷ AU bytes |");
    console.log("| --- | ---: | ---: | ---: |");
    console.log(
      row("eyrie recorder actor", recorderCpu, recorderWritten, eyrieFiles + eyrieThumbs),
    );
    console.log(row("gst-launch … ! splitmuxsink", splitmuxCpu, splitmux.wchar, gstFiles));
    const h = (cpu: number) => perHour(cpu).toFixed(1);
    console.log(
      `\neyrie ÷ splitmuxsink CPU: ${(recorderCpu / splitmuxCpu).toFixed(2)}; ` +
        `written ÷ written: ${(recorderWritten / splitmux.wchar).toFixed(4)}`,
    );
    console.log(
      `CPU s per hour: eyrie process ${h(eyrie.steady.cpuS * scale)} ` +
        `(with start-up ${h(eyrie.total.cpuS)}) − feeder-only process ${
          h(feeder.steady.cpuS * scale)
        }; splitmuxsink process ${h(splitmux.cpuS)} − source only ` +
        `(filesrc ! matroskademux ! identity sync=true ! fakesink) ${h(source.cpuS)}; ` +
        `eyrie thumbnails ${eyrieThumbs} bytes`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (Deno.args[0] === "--eyrie" || Deno.args[0] === "--feeder") {
  const [mode, dir, seconds, segmentS] = Deno.args;
  await child(dir, Number(seconds), Number(segmentS), mode === "--eyrie");
} else {
  await main();
}
