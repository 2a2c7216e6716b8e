// Footprint: memory, CPU and start-up of `eyrie run` with 1, 2 and 4 test
// cameras (720p30, x264, continuous recording, motion detection) and 0 or 1
// Chromium viewers, beside gst-launch-1.0 doing the same capture and encode
// in one process; then where the memory goes.
//
//   deno task bench footprint                     (about 12 minutes)
//   deno task bench footprint -- --cameras 1 --warmup 30
//   deno task bench footprint -- --env EYRIE_PLACEMENT=separate   (one Worker per actor)
//   deno task bench footprint -- --pi [--minutes 10] [--viewers 0] [--camera "max_bitrate_kbps = 2000"]
//     (the constrained run, see _pi_run.ts; --camera adds TOML lines to the camera)
//
// Start-up: spawn → the encoder's "first access unit" log line of every
// camera (the slowest), and spawn → "eyrie is running" (console listening,
// the whole tree started). Memory after WARMUP_S (the AU and RTP rings have
// been written through once): RSS each second for WINDOW_S (median), PSS and
// the anonymous/file-backed split at the end (/proc/PID/smaps_rollup); CPU
// over the same window. PSS divides shared pages among the processes that map
// them, so it drops when other deno or GStreamer processes run on the machine.

import { checkConfig } from "../ui/config/mod.ts";
import { createCameraRings } from "../actors/system/rings.ts";
import { anchorArgs, EyrieRun, FPS, sampleWindow, type Window } from "./_footprint_run.ts";
import type { Load } from "./_footprint_worker.ts";
import { type MemoryParts, memoryParts } from "./_smaps.ts";
import { piRun } from "./_pi_run.ts";

const args = Deno.args;
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const WARMUP_S = Number(opt("--warmup", "45"));
const WINDOW_S = 10;
const CAMERAS = opt("--cameras", "1,2,4").split(",").map(Number);
const ENV: Record<string, string> = Object.fromEntries(
  args.flatMap((a, i) => (args[i - 1] === "--env" ? [a.split("=", 2)] : [])),
);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (n: number, d = 1) => n.toFixed(d);

if (args.includes("--pi")) {
  await piRun({
    minutes: Number(opt("--minutes", "10")),
    env: ENV,
    camera: opt("--camera", ""),
    viewers: opt("--viewers", "1") === "0" ? 0 : 1,
  });
  Deno.exit(0);
}

async function isolates(k: number, load: Load) {
  const o = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_footprint_isolates.ts", import.meta.url).pathname,
      String(k),
      load,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  return JSON.parse(new TextDecoder().decode(o.stdout).trim().split("\n").at(-1)!);
}

interface Row {
  cameras: number;
  viewers: 0 | 1;
  firstMs: number;
  consoleMs: number;
  w: Window;
  drop: number;
  viewer: { decoded: number; dropped: number } | null;
  parts?: MemoryParts;
}

async function scenario(cameras: number, viewers: 0 | 1, env = ENV): Promise<Row> {
  await using run = await EyrieRun.start({ cameras, viewers, env });
  const firstMs = await run.firstFrameMs();
  const consoleMs = run.logAt("eyrie is running") ?? NaN;
  if (viewers === 1) await run.addViewer();
  await sleep(Math.max(0, WARMUP_S * 1000 - (Date.now() - run.spawnedAt)));
  const before = await run.frames();
  const t0 = performance.now();
  const w = await sampleWindow(run.pid, WINDOW_S);
  const after = await run.frames();
  const expected = cameras * FPS * (performance.now() - t0) / 1000;
  const drop = Math.max(0, 1 - (after.encoded - before.encoded) / expected);
  const parts = cameras === 1 && viewers === 0 ? memoryParts(run.pid) : undefined;
  return { cameras, viewers, firstMs, consoleMs, w, drop, viewer: await run.viewerFrames(), parts };
}

async function anchor(cameras: number): Promise<Window> {
  const live = new Deno.Command("gst-launch-1.0", {
    args: anchorArgs(cameras),
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await sleep(15_000);
    return await sampleWindow(live.pid, WINDOW_S);
  } finally {
    live.kill("SIGINT");
    await live.status;
  }
}

async function anchorFirstFrameMs(): Promise<number> {
  const t0 = performance.now();
  const o = await new Deno.Command("gst-launch-1.0", {
    args: anchorArgs(1, "num-buffers=1"),
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!o.success) throw new Error(new TextDecoder().decode(o.stderr));
  return performance.now() - t0;
}

console.log(`load average before: ${Deno.loadavg().map((l) => f(l, 2)).join(" ")}`);
if (Object.keys(ENV).length > 0) console.log(`environment: ${JSON.stringify(ENV)}`);
const anchorFirst = await anchorFirstFrameMs();
const rows: Row[] = [];
const anchors = new Map<number, Window>();
for (const n of CAMERAS) {
  anchors.set(n, await anchor(n));
  for (const v of [0, 1] as const) rows.push(await scenario(n, v));
}

console.log(
  "\n| cameras | viewers | first frame ms | console ms | RSS MB | PSS MB | anon MB | file MB " +
    "| Workers | CPU % | drops % | anchor RSS MB | anchor PSS MB | anchor CPU % | RSS ÷ anchor " +
    "| CPU ÷ anchor |",
);
console.log(
  "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: " +
    "| ---: | ---: | ---: | ---: |",
);
for (const r of rows) {
  const a = anchors.get(r.cameras)!;
  console.log(
    `| ${r.cameras} | ${r.viewers} | ${f(r.firstMs, 0)} | ${f(r.consoleMs, 0)} | ` +
      `${f(r.w.rssMedian)} | ${f(r.w.pss)} | ${f(r.w.anon)} | ${f(r.w.file)} | ${r.w.workers} | ` +
      `${f(r.w.cpu)} | ${f(r.drop * 100, 2)} | ${f(a.rssMedian)} | ${f(a.pss)} | ${f(a.cpu)} | ` +
      `${f(r.w.rssMedian / a.rssMedian, 2)} | ${f(r.w.cpu / a.cpu, 2)} |`,
  );
}
console.log(`\ngst-launch anchor, start → exit after one encoded frame: ${f(anchorFirst, 0)} ms.`);
const by = (c: number, v: number) => rows.find((r) => r.cameras === c && r.viewers === v);
for (const v of [0, 1]) {
  const one = by(1, v);
  const more = CAMERAS.filter((c) => c > 1).map((c) => [c, by(c, v)] as const);
  for (const [c, r] of more) {
    if (one === undefined || r === undefined) continue;
    console.log(
      `Each camera past the first (${v} viewer${v === 1 ? "" : "s"}, 1 → ${c}): ` +
        `${f((r.w.rssMedian - one.w.rssMedian) / (c - 1))} MB RSS, ` +
        `${f((r.w.pss - one.w.pss) / (c - 1))} MB PSS.`,
    );
  }
}
for (const r of rows.filter((r) => r.viewer !== null)) {
  console.log(
    `Viewer of ${r.cameras} camera(s): ${r.viewer!.decoded} frames decoded, ` +
      `${r.viewer!.dropped} dropped by Chromium.`,
  );
}

// ── Where the memory goes: one camera, no viewer.
const one = by(1, 0);
if (one?.parts !== undefined) {
  const p = one.parts;
  const cam = checkConfig({ camera: [{ id: "x", width: 1280, height: 720, fps: FPS }] }, "")
    .camera[0];
  const rings = Object.values(createCameraRings(cam)).reduce((s, b) => s + b.byteLength, 0) / 1e6;
  // The marginal cost of a Worker: five against one (the first also touches shared code pages).
  const per = async (load: Load) =>
    ((await isolates(5, load)).rss - (await isolates(1, load)).rss) / 4;
  const isolate = await per("empty");
  const runtime = await per("runtime");
  const werift = await per("werift");
  const onnx = await per("onnxruntime");
  const glibc = await scenario(1, 0, { ...ENV, EYRIE_MALLOC: "glibc" });
  const workersMb = one.w.workers * runtime;
  const anonKnown = workersMb + rings;
  console.log(`\nWhere the memory goes (1 camera, no viewer, RSS ${f(one.w.rssMedian)} MB):\n`);
  console.log("| part | MB | how it was measured |");
  console.log("| --- | ---: | --- |");
  const row = (what: string, mb: number, how: string) =>
    console.log(`| ${what} | ${f(mb)} | ${how} |`);
  row("deno executable (file-backed)", p.deno, "smaps of the running eyrie");
  row(
    "GStreamer, its base libraries and plugins",
    p.gstreamer,
    `smaps; plugins: ${p.plugins.join(", ")}`,
  );
  row("gst-libav (FFmpeg) and its dependencies", p.libav, "smaps, by library name");
  row("x264", p.x264, "smaps");
  row("other shared libraries", p.otherLibraries, "smaps");
  row("onnxruntime", p.onnxruntime, "smaps (loaded only with a model)");
  row("malloc main arena ([heap])", p.heap, "smaps");
  row("anonymous memory", p.anonymous, "smaps");
  row(
    `… of which ${one.w.workers} Worker isolates`,
    workersMb,
    `${one.w.workers} × ${f(runtime)} MB, the marginal RSS of a Worker that loaded the actor ` +
      `runtime, rings and GStreamer bindings (an empty Worker: ${f(isolate)} MB); approximate`,
  );
  row(
    "… of which the camera's rings (SharedArrayBuffers)",
    rings,
    "their sizes; all written through",
  );
  row(
    "… of which the rest (V8 of the main thread, x264 and GStreamer buffers, thread arenas, stacks)",
    p.anonymous - anonKnown,
    "remainder",
  );
  row("other mappings", p.other, "smaps (Deno's caches, vdso)");
  console.log(
    `\nmalloc: glibc's own settings (EYRIE_MALLOC=glibc) give ${f(glibc.w.rssMedian)} MB RSS ` +
      `against ${f(one.w.rssMedian)} MB with main.ts's two arenas and fixed mmap threshold ` +
      `(${f(glibc.w.rssMedian - one.w.rssMedian)} MB more).`,
  );
  console.log(
    `Loaded in a Worker, beyond an empty one: werift ${f(werift - isolate)} MB, onnxruntime-node ` +
      `${f(onnx - isolate)} MB; the actor runtime, rings and GStreamer bindings ` +
      `${f(runtime - isolate)} MB.`,
  );
}
console.log(`\nload average after: ${Deno.loadavg().map((l) => f(l, 2)).join(" ")}`);
