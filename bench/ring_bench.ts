// Ring benchmark: raw frames (720p and 1080p I420) through a frame ring from
// a writer Worker to 1 and 3 reader Workers, and access units (8 KB and
// 100 KB) through a byte ring, beside a plain memcpy of the same bytes in the
// same run.
//
//   deno run -A bench/ring_bench.ts
//
// Per entry: the writer's reserve + copy in + commit, and each reader's
// next() + copyTo() (sequence checks included), in µs, as a ratio to one
// Uint8Array.set of the same size. The writer stays at most 2 entries ahead
// of the slowest reader, so the figures are copies and checks, not overruns.
import { createByteRing, createFrameRing } from "../actors/ring/mod.ts";

const FRAME_720P = 1280 * 720 * 3 / 2;
const FRAME_1080P = 1920 * 1080 * 3 / 2;

/**
 * µs per memcpy of `size` bytes into one of `slots` rotating destinations (the
 * same memory footprint as the ring, so both miss the cache alike): the
 * median of 15 batches.
 */
function memcpyUs(size: number, slots: number): number {
  const src = new Uint8Array(size).map((_, i) => i & 0xff);
  const dst = Array.from({ length: slots }, () => new Uint8Array(size));
  const n = Math.max(slots * 4, Math.round(2e8 / size));
  for (let i = 0; i < n; i++) dst[i % slots].set(src);
  const samples: number[] = [];
  for (let b = 0; b < 15; b++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) dst[i % slots].set(src);
    samples.push(((performance.now() - t) * 1000) / n);
  }
  samples.sort((a, b) => a - b);
  return samples[7];
}

interface Result {
  writeUs: number;
  readers: { usPerEntry: number; entriesPerSecond: number; drops: number }[];
}

interface Job {
  count: number;
  size: number;
  window: number;
  batch: number;
  readers: number;
  slots: number;
}

async function runJob(sab: SharedArrayBuffer, job: Job, bare: boolean): Promise<Result> {
  const progress = new SharedArrayBuffer(4 * (job.readers + 1));
  const url = new URL("./_ring_worker.ts", import.meta.url);
  const spawn = (extra: Record<string, unknown>) =>
    new Promise<Record<string, number>>((resolve, reject) => {
      const w = new Worker(url, { type: "module" });
      w.onmessage = (e) => {
        w.terminate();
        resolve(e.data);
      };
      w.onerror = (e) => reject(new Error(e.message));
      w.postMessage({ sab, progress, ...job, ...extra });
    });
  const prefix = bare ? "bare-" : "";
  const readerRuns = Array.from(
    { length: job.readers },
    (_, index) => spawn({ role: `${prefix}reader`, index }),
  );
  await new Promise((resolve) => setTimeout(resolve, 300)); // readers attached before the first write
  const writer = await spawn({ role: `${prefix}writer`, index: 0 });
  const rs = await Promise.all(readerRuns);
  return {
    writeUs: writer.usPerEntry,
    readers: rs.map((r) => ({
      usPerEntry: r.usPerEntry,
      entriesPerSecond: r.entriesPerSecond,
      drops: r.drops,
    })),
  };
}

function bareSab(job: Job): SharedArrayBuffer {
  return new SharedArrayBuffer(64 + job.slots * job.size);
}

const f = (n: number, d = 1) => n.toFixed(d);
const rows: string[] = [];
rows.push(
  "| ring | entry | readers | memcpy µs | bare handoff µs/entry | ring µs/entry | ring ÷ bare | ring ÷ memcpy | ring write / read µs busy | drops |",
);
rows.push("| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: |");

function mean(r: Result): number {
  return r.readers.reduce((s, x) => s + x.usPerEntry, 0) / r.readers.length;
}

/** µs per entry delivered to every reader: the slowest reader's wall time per entry. */
function wall(r: Result): number {
  return 1e6 / Math.min(...r.readers.map((x) => x.entriesPerSecond));
}

function row(
  kind: string,
  name: string,
  readers: number,
  copy: number,
  bare: Result,
  ring: Result,
  d: number,
) {
  const drops = ring.readers.reduce((s, x) => s + x.drops, 0);
  rows.push(
    `| ${kind} | ${name} | ${readers} | ${f(copy, d)} | ${f(wall(bare), d)} | ${
      f(wall(ring), d)
    } | ${f(wall(ring) / wall(bare), 2)}× | ${f(wall(ring) / copy, 2)}× | ${f(ring.writeUs, d)} / ${
      f(mean(ring), d)
    } | ${drops} |`,
  );
}

/** The better of `runs` runs of both (the machine is shared: others only add time). */
async function measure(
  make: () => SharedArrayBuffer,
  job: Job,
  runs = 3,
): Promise<[Result, Result]> {
  let best: [Result, Result] | undefined;
  for (let i = 0; i < runs; i++) {
    const bare = await runJob(bareSab(job), job, true);
    const ring = await runJob(make(), job, false);
    if (best === undefined || mean(ring) + ring.writeUs < mean(best[1]) + best[1].writeUs) {
      best = [bare, ring];
    }
  }
  return best!;
}

for (
  const [name, size, count] of [["720p I420 (1.38 MB)", FRAME_720P, 600], [
    "1080p I420 (3.11 MB)",
    FRAME_1080P,
    400,
  ]] as const
) {
  const copy = memcpyUs(size, 4);
  for (const readers of [1, 3]) {
    const job = { count, size, window: 2, batch: 1, readers, slots: 4 };
    const [bare, ring] = await measure(() => createFrameRing({ slots: 4, slotBytes: size }), job);
    row("frame", name, readers, copy, bare, ring, 1);
  }
}

for (
  const [name, size, count] of [["8 KB AU", 8 * 1024, 200_000], [
    "100 KB AU",
    100 * 1024,
    40_000,
  ]] as const
) {
  const dataBytes = 8 << 20;
  const slots = Math.floor(dataBytes / size);
  const copy = memcpyUs(size, slots);
  const window = Math.min(256, Math.floor(slots / 2));
  const job = { count, size, window, batch: 64, readers: 1, slots };
  const [bare, ring] = await measure(() => createByteRing({ entries: 512, dataBytes }), job);
  row("bytes", name, 1, copy, bare, ring, 2);
}

console.log(rows.join("\n"));
