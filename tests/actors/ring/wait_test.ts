import assert from "node:assert/strict";
import { createByteRing, RingReader, RingWriter, waitWord } from "../../../actors/ring/mod.ts";
import { TICK_MS } from "../../../actors/ring/_tick.ts";
import { H_WRITE_SEQ } from "../../../actors/ring/_layout.ts";

const META = {
  pts: 0,
  captureNs: 0,
  durationNs: 0,
  flags: 0,
  format: 0,
  width: 0,
  height: 0,
  aux: 0,
};

Deno.test("wait() of a tick or more times out on a ring nobody writes, and a later write ends the next wait", async () => {
  const sab = createByteRing({ entries: 8, dataBytes: 4096 });
  const w = new RingWriter(sab);
  const r = new RingReader(sab, 0, { start: "next" });
  // Timed-out waits, one after another, while nothing comes (each leaves its waitAsync pending).
  for (let i = 0; i < 3; i++) assert.equal(await r.wait(TICK_MS), "timed-out");
  const waiting = r.wait(60_000);
  setTimeout(() => w.write(new Uint8Array([1, 2, 3]), META), 0);
  assert.equal(await waiting, "ready");
  assert.ok(r.next());
  assert.deepEqual([...r.view()], [1, 2, 3]);
  // Ready at once when an entry waits; closed when the writer left.
  w.write(new Uint8Array([4]), META);
  assert.equal(await r.wait(60_000), "ready");
  assert.ok(r.next());
  const closing = r.wait(60_000);
  setTimeout(() => w.close(), 0);
  assert.equal(await closing, "closed");
  r.close();
  // Deno.test's sanitizers fail the test if the shared tick's interval outlived the waits.
});

Deno.test("a commit with notify: false leaves every waiting reader waiting", async () => {
  const sab = createByteRing({ entries: 16, dataBytes: 4096 });
  const w = new RingWriter(sab);
  const readers = [0, 1, 2].map((i) => new RingReader(sab, i, { start: "next" }));
  const woken: string[] = [];
  const waits = readers.map((r, i) => r.wait(60_000).then((o) => woken.push(`${i}:${o}`)));
  // A commit without notify: the entry is there, and the three waits are still registered
  // (a tick may end a wait() early, but its waitAsync stays until a notify).
  w.reserve(2).set([7, 7]);
  w.commit(2, META, { notify: false });
  assert.equal(Atomics.notify(new Int32Array(sab), H_WRITE_SEQ), 3);
  await Promise.all(waits);
  assert.deepEqual(woken.sort(), ["0:ready", "1:ready", "2:ready"]);
  for (const r of readers) {
    assert.ok(r.next());
    r.close();
  }
  w.close();
});

Deno.test("waitWord() times out on the coarse clock, with one pending wait however often it timed out", async () => {
  const view = new Int32Array(new SharedArrayBuffer(8));
  for (let i = 0; i < 3; i++) await waitWord(view, 1, 0, TICK_MS);
  // Three timed-out calls, one waiter left in V8: it is reused, not piled up.
  Atomics.store(view, 1, 1);
  assert.equal(Atomics.notify(view, 1), 1);
  // A word that already differs answers at once; a notify ends a long wait.
  await waitWord(view, 1, 0, 60_000);
  const waiting = waitWord(view, 1, 1, 60_000);
  setTimeout(() => {
    Atomics.store(view, 1, 2);
    Atomics.notify(view, 1);
  }, 0);
  await waiting;
  assert.equal(Atomics.load(view, 1), 2);
});
