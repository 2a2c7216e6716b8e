// Pipeline benchmark: whole-process CPU of eyrie's camera → encoder path for
// 600 frames of 720p30 (videotestsrc, x264 ultrafast/zerolatency, 2 Mb/s),
// beside gst-launch-1.0 doing the same capture and encode in one process, in
// the same run; plus the encode latency (frame pushed → access unit out).
//
//   deno run -A bench/pipeline_bench.ts [--runs 3]
//
// Both sides are live (30 fps), so both take ~20 s per run; what is compared
// is CPU seconds (user + system, /usr/bin/time), not wall time. eyrie's side
// is a child process running the real camera and encoder actors (Workers,
// SharedArrayBuffer rings, FFI copies) until 600 access units are out.
import { cameraChild } from "../actors/camera/spec.ts";
import { encoderChild } from "../actors/encoder/spec.ts";
import type { EncoderStats } from "../actors/encoder/protocol.ts";
import { RingReader } from "../actors/ring/mod.ts";
import { EventStream, Supervisor } from "../actors/supervisor/mod.ts";
import { CAMERA_FLAGS, CameraNode } from "../actors/system/mod.ts";
import { checkConfig } from "../ui/config/mod.ts";

const FRAMES = Number(Deno.env.get("BENCH_FRAMES") ?? 600);
const CAMERA = {
  id: "bench",
  source: "test",
  width: 1280,
  height: 720,
  fps: 30,
  bitrate_kbps: 2000,
  encoder: "x264",
  detection: { motion: false },
};

if (Deno.args[0] === "--child") {
  const cam = checkConfig({ camera: [CAMERA] }, "").camera[0];
  const node = new CameraNode(cam, { log: () => {}, events: new EventStream(), dataDir: "/tmp" });
  const sup = await Supervisor.start({
    id: "bench",
    flags: CAMERA_FLAGS,
    children: [cameraChild(node, node.ctx)!, encoderChild(node, node.ctx)!],
    events: node.ctx.events,
  });
  const r = new RingReader(node.rings.au, 5, { start: "next" });
  let n = 0;
  while (n < FRAMES) {
    if (r.next()) n++;
    else await r.wait(200);
  }
  node.encoder?.cast({ type: "report" });
  await new Promise((res) => setTimeout(res, 100));
  const stats = node.stats.get("encoder") as EncoderStats;
  await sup.stop("shutdown", 5000);
  console.log(
    JSON.stringify({ p50: stats.latencyP50Ms, p95: stats.latencyP95Ms, dropped: stats.dropped }),
  );
  Deno.exit(0);
}

async function timed(cmd: string, args: string[]): Promise<{ cpu: number; out: string }> {
  const o = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "CPU %U %S", cmd, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(o.stderr);
  const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
  if (o.code !== 0 || m === null) throw new Error(`${cmd} failed: ${err}`);
  return { cpu: Number(m[1]) + Number(m[2]), out: new TextDecoder().decode(o.stdout) };
}

const runs = Number(Deno.args[Deno.args.indexOf("--runs") + 1] || 3);
const gst = [
  "-q",
  "videotestsrc",
  "is-live=true",
  `num-buffers=${FRAMES}`,
  "!",
  "video/x-raw,format=I420,width=1280,height=720,framerate=30/1",
  "!",
  "x264enc",
  "speed-preset=ultrafast",
  "tune=zerolatency",
  "bitrate=2000",
  "key-int-max=30",
  "bframes=0",
  "!",
  "video/x-h264,profile=constrained-baseline,stream-format=byte-stream,alignment=au",
  "!",
  "h264parse",
  "config-interval=-1",
  "!",
  "fakesink",
];
const self = new URL(import.meta.url).pathname;
const rows: { gst: number; eyrie: number; p50: number; p95: number; dropped: number }[] = [];
for (let i = 0; i < runs; i++) {
  const g = await timed("gst-launch-1.0", gst);
  const e = await timed(Deno.execPath(), ["run", "-A", self, "--child"]);
  const lat = JSON.parse(e.out.trim().split("\n").at(-1)!);
  rows.push({ gst: g.cpu, eyrie: e.cpu, ...lat });
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `| run | gst-launch CPU s | eyrie CPU s | ratio | encode p50 ms | encode p95 ms | dropped |`,
);
console.log(`| --- | --: | --: | --: | --: | --: | --: |`);
rows.forEach((r, i) =>
  console.log(
    `| ${i + 1} | ${r.gst.toFixed(2)} | ${r.eyrie.toFixed(2)} | ${
      (r.eyrie / r.gst).toFixed(2)
    } | ${r.p50} | ${r.p95} | ${r.dropped} |`,
  )
);
console.log(
  `| median | ${med(rows.map((r) => r.gst)).toFixed(2)} | ${
    med(rows.map((r) => r.eyrie)).toFixed(2)
  } | ${med(rows.map((r) => r.eyrie / r.gst)).toFixed(2)} | ${med(rows.map((r) => r.p50))} | ${
    med(rows.map((r) => r.p95))
  } | |`,
);
