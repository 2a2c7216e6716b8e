// Pipeline benchmark: whole-process CPU of eyrie's camera → encoder path for
// 600 frames of 720p30 (videotestsrc, x264 ultrafast/zerolatency, 2 Mb/s),
// beside gst-launch-1.0 doing the same capture and encode in one process, in
// the same run; plus the encode latency (frame pushed → access unit out).
//
//   deno run -A bench/pipeline_bench.ts [--runs 3] [--separate]
//
// Both sides are live (30 fps), so both take ~20 s per run; what is compared
// is CPU seconds (user + system), not wall time: of the whole run
// (/usr/bin/time: start-up and tear-down included), and of the steady state
// (frames 150 to 600: eyrie's child reads its own /proc/self/stat at those
// access units, gst-launch's is read at 5 s and 20 s). eyrie's side is a
// child process running the real camera and encoder actors as eyrie places
// them (one shared Worker; `--separate`: a Worker each), over
// SharedArrayBuffer rings, until 600 access units are out.
import { cameraChild } from "../actors/camera/spec.ts";
import { encoderChild } from "../actors/encoder/spec.ts";
import { MEDIA } from "../actors/system/children.ts";
import { onHost } from "../actors/system/placement.ts";
import { cpuSeconds } from "./_proc.ts";
import type { EncoderStats } from "../actors/encoder/protocol.ts";
import { RingReader } from "../actors/ring/mod.ts";
import { EventStream, Supervisor } from "../actors/supervisor/mod.ts";
import { CAMERA_FLAGS, CameraNode } from "../actors/system/mod.ts";
import { checkConfig } from "../ui/config/mod.ts";

const FRAMES = Number(Deno.env.get("BENCH_FRAMES") ?? 600);
/** Access units before the steady-state window opens (start-up done, JIT warm). */
const STEADY_FROM = 150;
const SEPARATE = Deno.args.includes("--separate");
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
  const children = SEPARATE
    ? [cameraChild, encoderChild]
    : [onHost(MEDIA, cameraChild), onHost(MEDIA, encoderChild)];
  const sup = await Supervisor.start({
    id: "bench",
    flags: CAMERA_FLAGS,
    children: children.map((f) => f(node, node.ctx)!),
    events: node.ctx.events,
  });
  const r = new RingReader(node.rings.au, 5, { start: "next" });
  let n = 0;
  let cpu0 = 0;
  while (n < FRAMES) {
    if (r.next()) {
      if (++n === STEADY_FROM) cpu0 = cpuSeconds(Deno.pid);
    } else await r.wait(200);
  }
  const steady = cpuSeconds(Deno.pid) - cpu0;
  node.encoder?.cast({ type: "report" });
  await new Promise((res) => setTimeout(res, 100));
  const stats = node.stats.get("encoder") as EncoderStats;
  await sup.stop("shutdown", 5000);
  console.log(
    JSON.stringify({
      p50: stats.latencyP50Ms,
      p95: stats.latencyP95Ms,
      dropped: stats.dropped,
      steady,
    }),
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
/** gst-launch's CPU seconds over frames STEADY_FROM..FRAMES of a live run (read by the clock). */
async function gstSteady(): Promise<number> {
  // Two seconds of frames beyond the window, so that the process is still there to be read.
  const args = gst.map((a) => (a === `num-buffers=${FRAMES}` ? `num-buffers=${FRAMES + 60}` : a));
  const child = new Deno.Command("gst-launch-1.0", { args, stdout: "null", stderr: "null" })
    .spawn();
  const at = (frames: number) => new Promise((r) => setTimeout(r, (frames / 30) * 1000));
  await at(STEADY_FROM);
  const c0 = cpuSeconds(child.pid);
  await at(FRAMES - STEADY_FROM);
  const c1 = cpuSeconds(child.pid);
  await child.status;
  return c1 - c0;
}

const self = new URL(import.meta.url).pathname;
const rows: {
  gst: number;
  eyrie: number;
  gstSteady: number;
  steady: number;
  p50: number;
  p95: number;
  dropped: number;
}[] = [];
for (let i = 0; i < runs; i++) {
  const g = await timed("gst-launch-1.0", gst);
  const gs = await gstSteady();
  const e = await timed(Deno.execPath(), [
    "run",
    "-A",
    self,
    "--child",
    ...(SEPARATE ? ["--separate"] : []),
  ]);
  const lat = JSON.parse(e.out.trim().split("\n").at(-1)!);
  rows.push({ gst: g.cpu, eyrie: e.cpu, gstSteady: gs, ...lat });
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f2 = (n: number) => n.toFixed(2);
console.log(
  `| run | gst-launch CPU s | eyrie CPU s | ratio | steady: gst-launch s | steady: eyrie s | ` +
    `steady ratio | encode p50 ms | encode p95 ms | dropped |`,
);
console.log(`| --- | --: | --: | --: | --: | --: | --: | --: | --: | --: |`);
rows.forEach((r, i) =>
  console.log(
    `| ${i + 1} | ${f2(r.gst)} | ${f2(r.eyrie)} | ${f2(r.eyrie / r.gst)} | ${f2(r.gstSteady)} | ` +
      `${f2(r.steady)} | ${f2(r.steady / r.gstSteady)} | ${r.p50} | ${r.p95} | ${r.dropped} |`,
  )
);
console.log(
  `| median | ${f2(med(rows.map((r) => r.gst)))} | ${f2(med(rows.map((r) => r.eyrie)))} | ` +
    `${f2(med(rows.map((r) => r.eyrie / r.gst)))} | ${f2(med(rows.map((r) => r.gstSteady)))} | ` +
    `${f2(med(rows.map((r) => r.steady)))} | ${
      f2(med(rows.map((r) => r.steady / r.gstSteady)))
    } | ` +
    `${med(rows.map((r) => r.p50))} | ${med(rows.map((r) => r.p95))} | |`,
);
console.log(`\nWorkers: ${SEPARATE ? "camera and encoder each in its own" : "one, shared"}.`);
