// Detection benchmark: motion per frame against a memcpy and a one-pass
// anchor, and YOLO pre/post-processing against inference on a 640 graph.
//
//   deno run -A bench/detect_bench.ts
//
// Prints a markdown table. Timings are wall-clock medians of batches on one
// thread (the loops never wait, so wall time is CPU time here).
import { FrameFormat } from "../actors/defs.ts";
import {
  createBackground,
  createCandidates,
  createChangeMask,
  createDecodeState,
  createReadings,
  decodeYolo,
  differenceMask,
  layoutZones,
  letterboxGeometry,
  measureZones,
  MotionDetector,
  nms,
  openMaskPacked,
  seedBackground,
  YoloModel,
} from "../actors/detector/mod.ts";
import { DetectorCore, SNAPSHOTS_PER_S } from "../actors/detector/core.ts";
import { SnapshotEncoder } from "../actors/detector/snapshot.ts";
import { addNoise, colourFrame, fillRect, grayPlane } from "../tests/actors/detector/_frames.ts";
import { cameraConfig } from "../tests/actors/_camera_tree.ts";
import { buildBenchModel } from "../tests/actors/detector/_models.ts";
import { seededRandom } from "../tests/actors/detector/_onnx.ts";
import { type Anchor, yoloOutput } from "../tests/actors/detector/_tensors.ts";

const BATCHES = 9;

/** Median over batches of the mean time per call, in µs. */
function timeUs(fn: (i: number) => void, callsPerBatch: number): number {
  for (let i = 0; i < callsPerBatch; i++) fn(i); // warm-up (JIT)
  const per: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = performance.now();
    for (let i = 0; i < callsPerBatch; i++) fn(i);
    per.push(((performance.now() - t0) * 1000) / callsPerBatch);
  }
  return median(per);
}

/**
 * Like {@linkcode timeUs} for two functions, their batches interleaved, so
 * that a load that comes and goes on a shared machine weighs on both alike.
 */
function timePairUs(
  a: (i: number) => void,
  b: (i: number) => void,
  callsPerBatch: number,
): [number, number] {
  for (let i = 0; i < callsPerBatch; i++) {
    a(i);
    b(i);
  }
  const per: [number[], number[]] = [[], []];
  for (let batch = 0; batch < BATCHES; batch++) {
    for (const [k, fn] of [a, b].entries()) {
      const t0 = performance.now();
      for (let i = 0; i < callsPerBatch; i++) fn(i);
      per[k].push(((performance.now() - t0) * 1000) / callsPerBatch);
    }
  }
  return [median(per[0]), median(per[1])];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const fmt = (us: number) => us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(a < b ? 2 : 1)}×`;

/** 30 noisy frames with a moving 10 %-wide square, cycled. */
function scene(width: number, height: number): Uint8Array[] {
  const side = Math.round(width / 10);
  return Array.from({ length: 30 }, (_, i) => {
    const p = grayPlane(width, height, { level: 70 });
    fillRect(p, width, { x: Math.round((i * width) / 40), y: height >> 2, w: side, h: side }, 190);
    addNoise(p, 6, i + 1);
    return p;
  });
}

function motionRows(width: number, height: number): string[] {
  const frames = scene(width, height);
  const n = width * height;
  const sink = new Uint8Array(n);
  let acc = 0;
  const memcpy = timeUs((i) => sink.set(frames[i % 30]), 2000);
  const onePass = timeUs((i) => {
    const f = frames[i % 30];
    let s = 0;
    for (let k = 0; k < n; k++) s += f[k];
    acc += s;
  }, 1000);
  let t = 0;
  const detector = new MotionDetector(width, height);
  // The actor's per-frame work around the same step (budgets, triggers), on I420 frames.
  const i420 = frames.map((f) => {
    const out = new Uint8Array((n * 3) / 2).fill(128);
    out.set(f);
    return out;
  });
  const det = cameraConfig({ detection: { width, height } }).detection;
  let events = 0;
  let tc = 0;
  const core = new DetectorCore(det, {
    now: () => tc,
    out: { events: (es) => (events += es.length), trigger: () => {}, detectError: () => {} },
  });
  const [total, actor] = timePairUs(
    (i) => detector.step(frames[i % 30], t += 200),
    (i) => core.frame(i420[i % 30], (tc += 200) * 1e6),
    300,
  );
  // The same steps one at a time.
  const bg = createBackground(width, height);
  seedBackground(bg, frames[0]);
  const change = createChangeMask(width, height);
  const scratch = new Uint32Array(n / 4);
  const layout = layoutZones(width, height);
  const readings = createReadings(layout);
  const diffOptions = { background: bg, threshold: 30, alpha: 0.05 };
  const diff = timeUs((i) => differenceMask(change, frames[i % 30], diffOptions), 1000);
  const open = timeUs(() => openMaskPacked(change.words, scratch, { width, height }), 1000);
  const measure = timeUs(() => measureZones(readings, change.bits, layout), 1000);
  if (acc < 0) console.log(acc); // keep the one-pass loop alive
  const size = `${width}x${height}`;
  const row = (what: string, us: number, share = "") =>
    `| ${what} ${size} | ${fmt(us)} | ${ratio(us, memcpy)} | ${ratio(us, onePass)} | ${share} |`;
  // The actor's cost per event: a snapshot of the frame.
  using encoder = new SnapshotEncoder(width, height);
  const jpeg = timeUs((i) => encoder.encode(i420[i % 30]), 50);
  if (events < 0) console.log(events);
  return [
    row(
      "motion: MotionDetector.step",
      total,
      `${(total * 5 / 1e4).toFixed(2)} % of a core at 5 fps`,
    ),
    row(
      "actor: DetectorCore.frame (motion + budgets + triggers)",
      actor,
      `${ratio(actor, total)} the step alone`,
    ),
    row(
      "actor: snapshot JPEG (appsrc ! jpegenc ! appsink)",
      jpeg,
      `${(jpeg * SNAPSHOTS_PER_S / 1e4).toFixed(2)} % of a core at ${SNAPSHOTS_PER_S}/s (the cap)`,
    ),
    row("motion: difference + threshold + learning", diff),
    row("motion: 3x3 opening (packed)", open),
    row("motion: measure one zone", measure),
    row("anchor: memcpy (TypedArray.set)", memcpy),
    row("anchor: one JS pass (sum of bytes)", onePass),
  ];
}

async function yoloRows(
  threads: number,
  bytes: Uint8Array,
): Promise<{ rows: string[]; inferMs: number }> {
  await using model = await YoloModel.load(bytes, { threads });
  const frame = colourFrame(640, 360, {
    format: FrameFormat.I420,
    background: [90, 110, 100],
    rects: [
      { x: 60, y: 80, w: 120, h: 200, rgb: [230, 220, 210] },
      { x: 380, y: 150, w: 200, h: 110, rgb: [200, 30, 30] },
    ],
  });
  const pre: number[] = [], infer: number[] = [], post: number[] = [];
  let found = 0;
  for (let i = 0; i < 23; i++) {
    found = (await model.detect(frame)).length;
    if (i < 3) continue; // warm-up
    pre.push(model.timings.preMs);
    infer.push(model.timings.inferMs);
    post.push(model.timings.postMs);
  }
  const [p, inf, q] = [median(pre), median(infer), median(post)];
  return {
    inferMs: inf,
    rows: [
      `| YOLO 640 (${threads} thread${threads > 1 ? "s" : ""}): inference | ${
        fmt(inf * 1000)
      } | | | |`,
      `| YOLO 640 (${threads} thread${
        threads > 1 ? "s" : ""
      }): pre (letterbox 640x360 I420 → RGB) | ${fmt(p * 1000)} | | | ${
        ((100 * p) / inf).toFixed(1)
      } % of inference |`,
      `| YOLO 640 (${threads} thread${
        threads > 1 ? "s" : ""
      }): post (decode + NMS, ${found} found) | ${fmt(q * 1000)} | | | ${
        ((100 * q) / inf).toFixed(1)
      } % of inference |`,
      `| YOLO 640 (${threads} thread${threads > 1 ? "s" : ""}): pre + post | ${
        fmt((p + q) * 1000)
      } | | | **${((100 * (p + q)) / inf).toFixed(1)} %** of inference |`,
    ],
  };
}

/** Decode + NMS on a crafted busy output: 600 anchors above 0.25 in 60 overlapping clusters of 4 classes. */
function stressPost(inferMs: number): string {
  const random = seededRandom(3);
  const anchors: Anchor[] = Array.from({ length: 8400 }, (_, i) => {
    if (i % 14 !== 0) {
      return { cx: 320, cy: 320, w: 10, h: 10, scores: { [i % 80]: random() * 0.2 } };
    }
    const cluster = (i / 14) % 60;
    return {
      cx: 40 + (cluster % 10) * 60 + random() * 8,
      cy: 160 + Math.floor(cluster / 10) * 50 + random() * 8,
      w: 50 + random() * 10,
      h: 40 + random() * 10,
      scores: { [cluster % 4]: 0.3 + random() * 0.6 },
    };
  });
  const output = yoloOutput(anchors);
  const state = createDecodeState(80, 8400);
  const out = createCandidates(8400);
  const geometry = letterboxGeometry(640, 360, { size: 640 });
  let kept = 0;
  const us = timeUs(() => {
    decodeYolo(state, output, { confidence: 0.25, geometry, out });
    kept = nms(out, { iou: 0.45, maxDetections: 100 });
  }, 50);
  return `| YOLO post, busy scene (${out.count} candidates → ${kept} kept) | ${fmt(us)} | | | ${
    ((us / 10) / inferMs).toFixed(1)
  } % of 1-thread inference |`;
}

const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)?.[1] ??
  "unknown CPU";
console.log(
  `Machine: ${cpu}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, V8 ${Deno.version.v8}\n`,
);
console.log("| what | per frame | vs memcpy | vs one pass | share |");
console.log("|---|---|---|---|---|");
for (const [w, h] of [[320, 180], [640, 360]]) for (const row of motionRows(w, h)) console.log(row);
const { bytes, gflops } = buildBenchModel();
const one = await yoloRows(1, bytes);
for (const row of one.rows) console.log(row);
for (const row of (await yoloRows(2, bytes)).rows) console.log(row);
console.log(stressPost(one.inferMs));
console.log(
  `\nModel: buildBenchModel() in tests/actors/detector/_models.ts — [1,3,640,640] → [1,84,8400], ` +
    `${
      gflops.toFixed(1)
    } GFLOPs of 3x3/1x1 convolutions with SiLU (yolov8n: 8.7 GFLOPs), random weights.`,
);
