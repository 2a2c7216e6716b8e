// A writer or a reader of the ring benchmark, in its own Worker. Both sides
// time batches of work and leave their waits out, so the figures are the
// cost of moving entries (copies, metadata, sequence checks, wake-ups).
//   writer: writes `count` entries of `size` bytes from a source buffer (the
//           camera's copy), in batches of up to `batch` when every reader has
//           room, so no reader is overrun;
//   reader: drains whatever is ready, copying each entry out (the consumer's copy).
// The "bare" roles do the same copies through plain slots of a
// SharedArrayBuffer with one sequence word: the least any cross-thread
// handoff of these bytes costs, and the anchor the ring is compared with.
import { RingReader, RingWriter } from "../actors/ring/mod.ts";

interface Job {
  role: "writer" | "reader" | "bare-writer" | "bare-reader";
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
  /** Bare roles: slots in `sab` after its first 64 bytes (the sequence word). */
  slots: number;
}

function waitForRoom(job: Job, progress: Int32Array, n: number): number {
  for (;;) {
    let slowest = Infinity;
    for (let r = 0; r < job.readers; r++) slowest = Math.min(slowest, Atomics.load(progress, r));
    const room = Math.min(job.batch, job.window - (n - slowest), job.count - n);
    if (room > 0) return room;
    Atomics.wait(progress, job.readers, Atomics.load(progress, job.readers), 1);
  }
}

function reportProgress(job: Job, progress: Int32Array, took: number): void {
  Atomics.store(progress, job.index, took);
  Atomics.add(progress, job.readers, 1);
  Atomics.notify(progress, job.readers);
}

self.onmessage = (e: MessageEvent<Job>) => {
  const job = e.data;
  const progress = new Int32Array(job.progress);
  const src = new Uint8Array(job.size).map((_, i) => i & 0xff);
  const dst = new Uint8Array(job.size);
  let busyMs = 0;
  switch (job.role) {
    case "writer": {
      const w = new RingWriter(job.sab);
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
      for (let n = 0; n < job.count;) {
        const room = waitForRoom(job, progress, n);
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
      return;
    }
    case "bare-writer": {
      const seq = new Int32Array(job.sab, 0, 1);
      const slots = Array.from(
        { length: job.slots },
        (_, i) => new Uint8Array(job.sab, 64 + i * job.size, job.size),
      );
      for (let n = 0; n < job.count;) {
        const room = waitForRoom(job, progress, n);
        const t = performance.now();
        for (let i = 0; i < room; i++, n++) {
          slots[n % job.slots].set(src);
          Atomics.store(seq, 0, n + 1);
          Atomics.notify(seq, 0);
        }
        busyMs += performance.now() - t;
      }
      self.postMessage({ usPerEntry: (busyMs * 1000) / job.count });
      return;
    }
    case "reader": {
      const r = new RingReader(job.sab, job.index, { start: "next" });
      let took = 0;
      let first = 0;
      while (took < job.count) {
        if (r.waitSync(1000) === "closed" && r.lag === 0 && took > 0) break;
        const t = performance.now();
        while (r.next()) {
          r.copyTo(dst);
          if (took++ === 0) first = t;
        }
        busyMs += performance.now() - t;
        reportProgress(job, progress, took);
      }
      const seconds = (performance.now() - first) / 1000;
      self.postMessage({
        usPerEntry: (busyMs * 1000) / took,
        entriesPerSecond: took / seconds,
        drops: r.drops,
      });
      return;
    }
    case "bare-reader": {
      const seq = new Int32Array(job.sab, 0, 1);
      const slots = Array.from(
        { length: job.slots },
        (_, i) => new Uint8Array(job.sab, 64 + i * job.size, job.size),
      );
      let took = 0;
      let first = 0;
      while (took < job.count) {
        Atomics.wait(seq, 0, took, 1000);
        const t = performance.now();
        const ready = Atomics.load(seq, 0);
        if (took === 0 && ready > 0) first = t;
        for (; took < ready; took++) dst.set(slots[took % job.slots]);
        busyMs += performance.now() - t;
        reportProgress(job, progress, took);
      }
      const seconds = (performance.now() - first) / 1000;
      self.postMessage({
        usPerEntry: (busyMs * 1000) / took,
        entriesPerSecond: took / seconds,
        drops: 0,
      });
      return;
    }
  }
};
