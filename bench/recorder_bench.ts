// Recorder benchmark: CPU per hour of 720p30 video and write amplification
// (bytes written / access-unit bytes) of eyrie's recorder actor, beside
// `gst-launch-1.0 … ! splitmuxsink` recording the same stream with the same
// muxer, in the same run, for each container.
//
//   deno run -A bench/recorder_bench.ts [--seconds 60] [--segment-s 10]
//     [--containers mp4,mkv,mov,avi]
//   deno run -A bench/recorder_bench.ts --sound [--seconds 60] [--segment-s 10]
//
// --sound: mp4 only, the recorder with and without the camera's sound, side
// by side in one run: five Deno processes (the recorder without sound, with
// Opus, with AAC, and the two feeders, one also writing an audio ring of 20 ms
// Opus packets of a 440 Hz tone as the audio actor does); each recorder's CPU
// less its feeder's, and each with sound as a ratio to the one without.
//
// The stream is encoded once per codec (videotestsrc moving SMPTE bars;
// H.264: x264 ultrafast/zerolatency, 2000 kbit/s, a keyframe a second, for
// mp4, mkv and mov; MJPEG: jpegenc quality 85, for avi) and kept as access
// units. Then, for each container in turn, four processes run side by side,
// each paced to real time for the same number of seconds:
//
// - eyrie: a Deno process that writes the AUs into an AU ring at 30 fps (as
//   the encoder does) and runs the real recorder actor (its Worker, its
//   segment pipelines, a thumbnail per segment) on it;
// - feeder only: the same process without the recorder, to subtract what
//   feeding the ring costs (and Deno's start-up);
// - splitmuxsink: gst-launch-1.0 reading the same stream from Matroska,
//   `filesrc ! matroskademux ! identity sync=true ! splitmuxsink` with the
//   container's muxer and settings (mp4mux or qtmux fragmented at 500 ms,
//   matroskamux, avimux) and unbuffered files;
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
import { type Codec, FrameFlags, FrameFormat, nowNs } from "../actors/defs.ts";
import {
  CONTAINER,
  FRAGMENT_DURATION_MS,
  type RecordingContainer,
} from "../actors/recorder/mod.ts";
import { createByteRing, RingWriter } from "../actors/ring/mod.ts";
import { spawnActor } from "../actors/runtime/actor.ts";
import { RECORDER_WORKER, type RecorderProtocol } from "../actors/recorder/protocol.ts";
import { checkConfig } from "../ui/config/mod.ts";
import {
  AU_ENTRIES,
  AUDIO_ENTRIES,
  AUDIO_READER,
  AUDIO_RING_BYTES,
  READER,
} from "../actors/system/rings.ts";
import type { AudioCodec } from "../actors/defs.ts";

/** What a child process feeds and records: the sound's codec, "feed" (the rings only), or none. */
type Sound = AudioCodec | "feed" | "none";

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

async function child(
  dir: string,
  seconds: number,
  segmentS: number,
  withRecorder: boolean,
  container: RecordingContainer,
  sound: Sound = "none",
) {
  const codec = codecOf(container);
  const stream = await Deno.readFile(join(dir, `stream-${codec}.bin`));
  const aus: { size: number; key: boolean }[] = JSON.parse(
    await Deno.readTextFile(join(dir, `aus-${codec}.json`)),
  );
  const config = checkConfig({
    data_dir: join(dir, "data"),
    recording: { dir: join(dir, `eyrie-${container}`) },
    camera: [{
      id: "bench",
      source: "test",
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      codec,
      recording: { container },
    }],
  }, "");
  const cam = config.camera[0];
  const ring = createByteRing({ entries: AU_ENTRIES, dataBytes: 16 << 20 });
  const writer = new RingWriter(ring);
  const audioRing = createByteRing({ entries: AUDIO_ENTRIES, dataBytes: AUDIO_RING_BYTES });
  const audioWriter = new RingWriter(audioRing);
  const packets: Uint8Array[] = [];
  if (sound !== "none") {
    const bytes = await Deno.readFile(join(dir, "sound.bin"));
    let at = 0;
    for (const n of JSON.parse(await Deno.readTextFile(join(dir, "sound.json"))) as number[]) {
      packets.push(bytes.subarray(at, at + n));
      at += n;
    }
  }
  const recordsSound = sound === "opus" || sound === "aac";
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
        audio: recordsSound
          ? { ring: audioRing, reader: AUDIO_READER.recorder, codec: sound }
          : undefined,
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
  const soundBase = nowNs();
  let sent = 0;
  for (let i = 0; i < frames; i++) {
    // The sound due by this frame, 20 ms a packet, on the same clock as the video.
    while (packets.length > 0 && sent * 20 <= i * frameMs) {
      const p = packets[sent % packets.length];
      audioWriter.reserve(p.length).set(p);
      audioWriter.commit(p.length, {
        pts: soundBase + sent * 20e6,
        captureNs: soundBase + sent * 20e6,
        durationNs: 20e6,
        flags: FrameFlags.KEYFRAME | (sent === 0 ? FrameFlags.DISCONT : 0),
        format: FrameFormat.OPUS,
        width: 0,
        height: 0,
        aux: 960,
      });
      sent++;
    }
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
      format: codec === "h264" ? FrameFormat.H264 : FrameFormat.JPEG,
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
  audioWriter.close();
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

/** The codec a container records here: MJPEG for avi, H.264 for the others. */
function codecOf(container: RecordingContainer): Codec {
  return container === "avi" ? "mjpeg" : "h264";
}

async function encode(
  dir: string,
  seconds: number,
  codec: Codec,
): Promise<{ auBytes: number; kbps: number }> {
  const frames = seconds * FPS;
  const encoder = codec === "h264"
    ? `x264enc tune=zerolatency speed-preset=ultrafast bitrate=${KBPS} key-int-max=${FPS} ` +
      "! video/x-h264,stream-format=byte-stream,alignment=au"
    : "jpegenc quality=85 ! image/jpeg";
  const parse = codec === "h264" ? "h264parse" : "jpegparse";
  // The AUs for eyrie's ring, and the same stream in Matroska (with its timestamps) for gst-launch.
  using p = Pipeline.parse(
    `videotestsrc num-buffers=${frames} pattern=smpte horizontal-speed=4 ` +
      `! video/x-raw,width=${WIDTH},height=${HEIGHT},framerate=${FPS}/1 ` +
      `! ${encoder} ! tee name=t ` +
      "t. ! queue ! appsink name=out sync=false " +
      `t. ! queue ! ${parse} ! matroskamux ! filesink location=${join(dir, `stream-${codec}.mkv`)}`,
  );
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  using file = await Deno.open(join(dir, `stream-${codec}.bin`), { write: true, create: true });
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
  await Deno.writeTextFile(join(dir, `aus-${codec}.json`), JSON.stringify(aus));
  return { auBytes, kbps: Math.round((auBytes * 8) / seconds / 1000) };
}

async function runChild(
  dir: string,
  seconds: number,
  segmentS: number,
  mode: string,
  container: RecordingContainer,
  sound: Sound = "none",
) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      mode,
      dir,
      String(seconds),
      String(segmentS),
      container,
      sound,
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
async function runGst(dir: string, codec: Codec, sink: string): Promise<Usage> {
  const gst = `gst-launch-1.0 -q filesrc location=${join(dir, `stream-${codec}.mkv`)} ` +
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

/** splitmuxsink's muxer and its settings for `container`, as eyrie's mux.ts chooses them. */
const SPLITMUX_MUXER: Record<RecordingContainer, string> = {
  mp4:
    `muxer-factory=mp4mux 'muxer-properties=properties,fragment-duration=${FRAGMENT_DURATION_MS}'`,
  mov:
    `muxer-factory=qtmux 'muxer-properties=properties,fragment-duration=${FRAGMENT_DURATION_MS}'`,
  mkv: "muxer-factory=matroskamux",
  avi: "muxer-factory=avimux",
};

async function runSplitmux(
  dir: string,
  segmentS: number,
  container: RecordingContainer,
): Promise<Usage> {
  const out = join(dir, `splitmux-${container}`);
  await Deno.mkdir(out, { recursive: true });
  return await runGst(
    dir,
    codecOf(container),
    [
      "splitmuxsink async-finalize=true",
      SPLITMUX_MUXER[container],
      "'sink-properties=properties,buffer-mode=2'",
      `max-size-time=${segmentS * 1e9}`,
      `location=${join(out, `seg%05d${CONTAINER[container].extension}`)}`,
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
  const i = Deno.args.indexOf("--containers");
  const containers = (i < 0 ? "mp4,mkv,mov,avi" : Deno.args[i + 1]).split(
    ",",
  ) as RecordingContainer[];
  const dir = await Deno.makeTempDir({ prefix: "eyrie-recorder-bench-" });
  try {
    const streams = new Map<Codec, { auBytes: number; kbps: number }>();
    for (const codec of new Set(containers.map(codecOf))) {
      console.error(`encoding ${seconds} s of ${WIDTH}x${HEIGHT}@${FPS} ${codec}…`);
      streams.set(codec, await encode(dir, seconds, codec));
    }
    const perHour = (s: number) => (s * 3600) / seconds;
    // The Deno side's steady state covers seconds - WARM_UP_S; scale it to the whole run.
    const scale = seconds / (seconds - WARM_UP_S);
    const rows: string[] = [];
    const notes: string[] = [];
    for (const container of containers) {
      const codec = codecOf(container);
      const { auBytes, kbps } = streams.get(codec)!;
      console.error(`recording ${seconds} s in ${container} four ways, side by side…`);
      const [eyrie, feeder, splitmux, source] = await Promise.all([
        runChild(dir, seconds, segmentS, "--eyrie", container),
        runChild(dir, seconds, segmentS, "--feeder", container),
        runSplitmux(dir, segmentS, container),
        runGst(dir, codec, "fakesink"),
      ]);
      const recorderCpu = (eyrie.steady.cpuS - feeder.steady.cpuS) * scale;
      const recorderWritten = eyrie.total.wchar - feeder.total.wchar;
      const splitmuxCpu = splitmux.cpuS - source.cpuS;
      const ext = CONTAINER[container].extension;
      const eyrieFiles = await bytesIn(join(dir, `eyrie-${container}`), ext);
      const eyrieThumbs = await bytesIn(join(dir, `eyrie-${container}`), ".jpg");
      const gstFiles = await bytesIn(join(dir, `splitmux-${container}`), ext);
      const h = (cpu: number) => perHour(cpu).toFixed(1);
      rows.push(
        `| ${container} (${codec}, ${kbps} kbit/s) | ${h(recorderCpu)} | ${h(splitmuxCpu)} | ${
          (recorderCpu / splitmuxCpu).toFixed(2)
        } | ${(recorderWritten / auBytes).toFixed(4)} | ${
          (splitmux.wchar / auBytes).toFixed(4)
        } | ${((eyrieFiles + eyrieThumbs) / auBytes).toFixed(4)} | ${
          (gstFiles / auBytes).toFixed(4)
        } |`,
      );
      notes.push(
        `${container}: eyrie process ${h(eyrie.steady.cpuS * scale)} (with start-up ${
          h(eyrie.total.cpuS)
        }) − feeder-only ${h(feeder.steady.cpuS * scale)}; splitmuxsink process ${
          h(splitmux.cpuS)
        } − source only ${h(source.cpuS)}; thumbnails ${eyrieThumbs} bytes`,
      );
    }
    console.log(`stream: ${seconds} s at ${WIDTH}x${HEIGHT}@${FPS}; segments of ${segmentS} s\n`);
    console.log(
      "| container | eyrie CPU s / hour | splitmuxsink CPU s / hour | eyrie ÷ splitmuxsink | " +
        "eyrie written ÷ AU | splitmuxsink written ÷ AU | eyrie files ÷ AU | splitmuxsink files ÷ AU |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows) console.log(r);
    console.log("\nCPU s per hour, raw: " + notes.join("; "));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** 1 s of the audio actor's Opus (440 Hz tone, 48 kHz mono, 20 ms, 32 kb/s), looped by the children. */
function encodeSound(dir: string): void {
  using p = Pipeline.parse(
    "audiotestsrc num-buffers=50 samplesperbuffer=960 freq=440 volume=0.3 " +
      "! audio/x-raw,rate=48000,channels=1 ! opusenc bitrate=32000 frame-size=20 " +
      "! appsink name=out sync=false",
  );
  p.setState("playing", { timeoutMs: 5000 });
  const sink = p.appSink("out");
  const buf = new Uint8Array(4000);
  const parts: Uint8Array[] = [];
  for (;;) {
    const s = sink.pull({ timeoutMs: 2000 });
    if (s === null) break;
    parts.push(buf.slice(0, s.copyTo(buf)));
  }
  const all = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
  let at = 0;
  for (const x of parts) {
    all.set(x, at);
    at += x.length;
  }
  Deno.writeFileSync(join(dir, "sound.bin"), all);
  Deno.writeTextFileSync(join(dir, "sound.json"), JSON.stringify(parts.map((x) => x.length)));
}

/** --sound: the mp4 recorder without sound, with Opus and with AAC, side by side. */
async function soundMain() {
  const seconds = arg("--seconds", 60);
  const segmentS = arg("--segment-s", 10);
  const dir = await Deno.makeTempDir({ prefix: "eyrie-recorder-bench-" });
  try {
    console.error(`encoding ${seconds} s of ${WIDTH}x${HEIGHT}@${FPS} h264 and 1 s of Opus…`);
    await encode(dir, seconds, "h264");
    encodeSound(dir);
    console.error(`recording ${seconds} s in mp4 five ways, side by side…`);
    const [none, opus, aac, feeder, feederSound] = await Promise.all([
      runChild(dir, seconds, segmentS, "--eyrie", "mp4", "none"),
      runChild(dir, seconds, segmentS, "--eyrie", "mp4", "opus"),
      runChild(dir, seconds, segmentS, "--eyrie", "mp4", "aac"),
      runChild(dir, seconds, segmentS, "--feeder", "mp4", "none"),
      runChild(dir, seconds, segmentS, "--feeder", "mp4", "feed"),
    ]);
    const scale = seconds / (seconds - WARM_UP_S);
    const perHour = (s: number) => (s * 3600) / seconds;
    const cpu = (u: { steady: Usage }, f: { steady: Usage }) =>
      perHour((u.steady.cpuS - f.steady.cpuS) * scale);
    const base = cpu(none, feeder);
    console.log(`stream: ${seconds} s at ${WIDTH}x${HEIGHT}@${FPS}; segments of ${segmentS} s\n`);
    console.log("| recorder (mp4) | CPU s / hour | ÷ without sound |");
    console.log("| --- | ---: | ---: |");
    console.log(`| without sound | ${base.toFixed(1)} | 1.00 |`);
    for (
      const [name, run] of [["with Opus", opus], ["with AAC (opusdec + voaacenc)", aac]] as const
    ) {
      const c = cpu(run, feederSound);
      console.log(`| ${name} | ${c.toFixed(1)} | ${(c / base).toFixed(2)} |`);
    }
    const raw = (u: { steady: Usage }) => perHour(u.steady.cpuS * scale).toFixed(1);
    console.log(
      `\nCPU s per hour, raw: without ${raw(none)}, Opus ${raw(opus)}, AAC ${raw(aac)}; ` +
        `feeder ${raw(feeder)}, feeder with sound ${raw(feederSound)}`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (Deno.args[0] === "--eyrie" || Deno.args[0] === "--feeder") {
  const [mode, dir, seconds, segmentS, container, sound] = Deno.args;
  await child(
    dir,
    Number(seconds),
    Number(segmentS),
    mode === "--eyrie",
    container as RecordingContainer,
    (sound ?? "none") as Sound,
  );
} else if (Deno.args.includes("--sound")) {
  await soundMain();
} else {
  await main();
}
