// Segment scanners benchmark: how long eyrie's light scanners (scanMp4,
// scanMkv, scanAvi through repairSegment's door) take to measure a 60 s
// 720p30 segment of each container, whole and cut short, beside GStreamer
// reading the same file to its end (`filesrc ! <demuxer> ! fakesink`
// through ffi/, in the same process): the cheapest way GStreamer learns the
// frame count and where a crash-cut file stops. (GstDiscoverer reads only
// headers: for a crash-cut mkv or avi it finds no duration at all.)
//
//   deno run -A bench/segment_scan_bench.ts [--seconds 60]

import { join } from "node:path";
import { Pipeline } from "../ffi/gst/mod.ts";
import {
  CONTAINER,
  demuxPipeline,
  muxChainArgs,
  type RecordingContainer,
  scanAvi,
  scanMkv,
  scanMp4,
  type SegmentFormat,
} from "../actors/recorder/mod.ts";

const FPS = 30;
const RUNS = 5;

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i < 0 ? fallback : Number(Deno.args[i + 1]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function make(file: string, seconds: number, format: SegmentFormat): Promise<void> {
  const encoder = format.codec === "h264"
    ? "x264enc tune=zerolatency speed-preset=ultrafast bitrate=2000 key-int-max=30 " +
      "! video/x-h264,stream-format=byte-stream,alignment=au"
    : "jpegenc quality=85 ! image/jpeg";
  const out = await new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      ...`videotestsrc num-buffers=${seconds * FPS} pattern=smpte horizontal-speed=4 `.trim()
        .split(" "),
      "!",
      `video/x-raw,width=1280,height=720,framerate=${FPS}/1`,
      "!",
      ...encoder.split(" "),
      "!",
      ...muxChainArgs(file, format),
    ],
  }).output();
  if (!out.success) {
    throw new Error(`gst-launch-1.0 failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

async function scan(file: string, container: RecordingContainer): Promise<number> {
  switch (container) {
    case "mp4":
    case "mov":
      return (await scanMp4(file)).frames;
    case "mkv":
      return (await scanMkv(file)).frames;
    case "avi":
      return (await scanAvi(file)).frames;
  }
}

async function gstRead(file: string, format: SegmentFormat): Promise<number> {
  using p = Pipeline.parse(
    demuxPipeline(file, format.container, format.codec).replace(
      /appsink.*$/,
      "fakesink sync=false",
    ),
  );
  p.setState("playing", { timeoutMs: 5000 });
  const m = await p.bus.popAsync({ timeoutMs: 60_000, types: ["eos", "error"] });
  if (m?.type !== "eos") throw new Error(`GStreamer did not read ${file} to its end`);
  return 0;
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

async function main() {
  const seconds = arg("--seconds", 60);
  const dir = await Deno.makeTempDir({ prefix: "eyrie-scan-bench-" });
  try {
    const formats: SegmentFormat[] = [
      { container: "mp4", codec: "h264", fps: FPS },
      { container: "mkv", codec: "h264", fps: FPS },
      { container: "mov", codec: "h264", fps: FPS },
      { container: "avi", codec: "mjpeg", fps: FPS },
    ];
    console.log(`segments: ${seconds} s of 1280x720@${FPS}; median of ${RUNS} runs\n`);
    console.log(
      "| container | MB | frames | light scan, whole (ms) | light scan, cut (ms) | GStreamer reads it (ms) |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const f of formats) {
      const file = join(dir, `seg${CONTAINER[f.container].extension}`);
      const cut = join(dir, `cut${CONTAINER[f.container].extension}`);
      await make(file, seconds, f);
      const bytes = await Deno.readFile(file);
      await Deno.writeFile(cut, bytes.subarray(0, bytes.length - 5000));
      const frames = await scan(file, f.container);
      const whole = await time(() => scan(file, f.container), RUNS);
      const cutMs = await time(() => scan(cut, f.container), RUNS);
      const gst = await time(() => gstRead(file, f), 3);
      console.log(
        `| ${f.container} (${f.codec}) | ${(bytes.length / 1e6).toFixed(1)} | ${frames} | ${
          whole.toFixed(1)
        } | ${cutMs.toFixed(1)} | ${gst.toFixed(1)} |`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

await main();
