import assert from "node:assert/strict";
import { createByteRing, createFrameRing, RingReader } from "../../../actors/ring/mod.ts";
import { matches } from "./_pattern.ts";

interface Tally {
  accepted: number;
  drops: number;
  last: number;
}

/**
 * Reads until the writer has finished and the ring is drained. Every accepted
 * entry must carry its own seeded bytes, in order.
 */
async function drain(
  r: RingReader,
  copy: Uint8Array,
  options: { slowEvery: number; writer: { done: boolean } },
): Promise<Tally> {
  let accepted = 0;
  let last = -1;
  for (;;) {
    if (r.next()) {
      const n = r.copyTo(copy);
      if (n < 0) continue; // overwritten while copying: counted by the reader, never used
      assert.ok(r.seq > last, `sequence ${r.seq} after ${last}`);
      assert.ok(matches(copy.subarray(0, n), r.seq), `entry ${r.seq} is not torn`);
      assert.equal(r.aux, r.seq);
      last = r.seq;
      accepted++;
      if (options.slowEvery > 0 && accepted % options.slowEvery === 0) {
        await new Promise((done) => setTimeout(done, 1));
      }
      continue;
    }
    // A ring reports "closed" before its writer attaches and after it leaves.
    // wait() answers at once then, so yield to the event loop (macrotask) to
    // let the writer's "done" message in.
    const outcome = await r.wait(50);
    if (outcome === "closed") {
      if (options.writer.done) {
        if (r.lag === 0) break;
        continue;
      }
      await new Promise((done) => setTimeout(done, 1));
    }
  }
  return { accepted, drops: r.drops, last };
}

function startWriter(job: Record<string, unknown>, state: { done: boolean }): Promise<void> {
  const worker = new Worker(new URL("./_writer_worker.ts", import.meta.url), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.onmessage = () => {
      state.done = true;
      worker.terminate();
      resolve();
    };
    worker.onerror = (e) => {
      e.preventDefault();
      worker.terminate();
      reject(new Error(e.message));
    };
    worker.postMessage(job);
  });
}

Deno.test("three readers of a byte ring written by a Worker see every entry intact or counted as dropped", async () => {
  const count = 20_000;
  const sab = createByteRing({ entries: 256, dataBytes: 1 << 18 });
  const readers = [0, 1, 2].map((i) => new RingReader(sab, i, { start: "next" }));
  const copies = readers.map(() => new Uint8Array(4096));
  const writer = { done: false };
  const writing = startWriter({ sab, count, maxSize: 4096, keyEvery: 30, spin: 2000 }, writer);
  const tallies = await Promise.all(
    readers.map((r, i) => drain(r, copies[i], { slowEvery: i === 2 ? 50 : 0, writer })),
  );
  await writing;
  for (const t of tallies) {
    assert.ok(t.accepted > 0);
    assert.equal(t.last, count - 1, "every reader reaches the last entry");
    assert.ok(t.accepted + t.drops <= count);
  }
  for (const r of readers) r.close();
});

Deno.test("a reader that copies slowly from a tiny frame ring never returns a torn frame", async () => {
  const count = 3000;
  const sab = createFrameRing({ slots: 2, slotBytes: 64 * 1024 });
  const r = new RingReader(sab, 0, { start: "next" });
  const copy = new Uint8Array(64 * 1024);
  const writer = { done: false };
  const writing = startWriter({ sab, count, maxSize: 64 * 1024, keyEvery: 1, spin: 0 }, writer);
  const t = await drain(r, copy, { slowEvery: 5, writer });
  await writing;
  assert.ok(t.drops > 0, "a writer at full speed overruns a 2-slot ring");
  assert.ok(t.accepted > 0);
  r.close();
});
