// Writes `count` seeded entries as fast as it can, then closes the ring.
import { RingWriter } from "../../../actors/ring/mod.ts";
import { fill, sizeFor } from "./_pattern.ts";

interface Job {
  sab: SharedArrayBuffer;
  count: number;
  maxSize: number;
  keyEvery: number;
  /** Spin this many iterations between entries, to pace the writer. */
  spin: number;
}

self.onmessage = (e: MessageEvent<Job>) => {
  const { sab, count, maxSize, keyEvery, spin } = e.data;
  const w = new RingWriter(sab);
  let sink = 0;
  for (let n = 0; n < count; n++) {
    const seq = w.nextSeq;
    const size = sizeFor(seq, maxSize);
    fill(w.reserve(size), seq, size);
    w.commit(size, {
      pts: seq * 1000,
      captureNs: seq,
      durationNs: 1000,
      flags: seq % keyEvery === 0 ? 1 : 0,
      format: 16,
      width: 0,
      height: 0,
      aux: seq,
    });
    for (let i = 0; i < spin; i++) sink += i;
  }
  w.close();
  self.postMessage({ done: count, sink });
};
