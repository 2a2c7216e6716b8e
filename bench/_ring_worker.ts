// A writer or a reader of the ring benchmark, in its own Worker. Both sides
// time batches of work and leave their waits out, so the figures are the
// cost of moving entries (copies, metadata, sequence checks, wake-ups).
//   writer: writes `count` entries of `size` bytes from a source buffer (the
//           camera's copy), in batches of up to `batch` when every reader has
//           room, so no reader is overrun;
//   reader: drains whatever is ready, copying each entry out (the consumer's copy).
import { RingReader, RingWriter } from "../actors/ring/mod.ts";

interface Job {
  role: "writer" | "reader";
  sab: SharedArrayBuffer;
  count: number;
  size: number;
  /** Entries the writer may be ahead of the slowest reader. */
  window: number;
  batch: number;
  index: number;
  /** Readers' progress counters (and a wake word after them). */
  progress: SharedArrayBuffer;
  readers: number;
}

self.onmessage = (e: MessageEvent<Job>) => {
  const job = e.data;
  const progress = new Int32Array(job.progress);
  if (job.role === "writer") {
    const w = new RingWriter(job.sab);
    const src = new Uint8Array(job.size).map((_, i) => i & 0xff);
    const meta = {
      pts: 0,
      captureNs: 0,
      durationNs: 0,
      flags: 1,
      format: 1,
      width: 0,
      height: 0,
      aux: 0,
    };
    let busyMs = 0;
    for (let n = 0; n < job.count;) {
      let slowest = Infinity;
      for (let r = 0; r < job.readers; r++) slowest = Math.min(slowest, Atomics.load(progress, r));
      const room = Math.min(job.batch, job.window - (n - slowest), job.count - n);
      if (room <= 0) {
        Atomics.wait(progress, job.readers, Atomics.load(progress, job.readers), 1);
        continue;
      }
      const t = performance.now();
      for (let i = 0; i < room; i++, n++) {
        meta.pts = n;
        w.reserve(job.size).set(src);
        w.commit(job.size, meta);
      }
      busyMs += performance.now() - t;
    }
    w.close();
    self.postMessage({ usPerEntry: (busyMs * 1000) / job.count });
  } else {
    const r = new RingReader(job.sab, job.index, { start: "next" });
    const dst = new Uint8Array(job.size);
    let took = 0;
    let busyMs = 0;
    const started = performance.now();
    while (took < job.count) {
      if (r.waitSync(1000) === "closed" && r.lag === 0 && took > 0) break;
      const t = performance.now();
      while (r.next()) {
        r.copyTo(dst);
        took++;
      }
      busyMs += performance.now() - t;
      Atomics.store(progress, job.index, took);
      Atomics.add(progress, job.readers, 1);
      Atomics.notify(progress, job.readers);
    }
    const seconds = (performance.now() - started) / 1000;
    self.postMessage({
      usPerEntry: (busyMs * 1000) / took,
      entriesPerSecond: took / seconds,
      drops: r.drops,
    });
  }
};
