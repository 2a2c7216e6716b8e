import assert from "node:assert/strict";
import { ReorderBuffer } from "../../../transports/rtp/mod.ts";

function drain(r: ReorderBuffer): [number, number][] {
  const out: [number, number][] = [];
  for (let p = r.peek(); p !== null; p = r.peek()) {
    out.push([p[0], r.takeLost()]);
    r.pop();
  }
  return out;
}

const pkt = (seq: number) => Uint8Array.of(seq & 0xff);

Deno.test("ReorderBuffer releases packets in sequence order across the 16-bit wrap", () => {
  const r = new ReorderBuffer({ window: 4 });
  const got: [number, number][] = [];
  for (const seq of [65534, 0, 65535, 1]) {
    r.push(pkt(seq), seq);
    got.push(...drain(r));
  }
  assert.deepEqual(got.map(([b]) => b), [254, 255, 0, 1]);
});

Deno.test("ReorderBuffer declares a gap lost once a packet a window ahead arrives", () => {
  const r = new ReorderBuffer({ window: 3 });
  const got: [number, number][] = [];
  for (const seq of [10, 12, 13, 14]) {
    r.push(pkt(seq), seq);
    got.push(...drain(r));
  }
  assert.deepEqual(got, [[10, 0], [12, 1], [13, 0], [14, 0]]);
});

Deno.test("ReorderBuffer rejects duplicates and late packets", () => {
  const r = new ReorderBuffer({ window: 4 });
  assert.equal(r.push(pkt(5), 5), "queued");
  drain(r);
  assert.equal(r.push(pkt(5), 5), "late");
  assert.equal(r.push(pkt(7), 7), "queued");
  assert.equal(r.push(pkt(7), 7), "duplicate");
});

Deno.test("ReorderBuffer follows a sender that restarted far behind", () => {
  const r = new ReorderBuffer({ window: 4 });
  r.push(pkt(5000), 5000);
  drain(r);
  r.push(pkt(10), 10);
  r.push(pkt(11), 11);
  assert.deepEqual(drain(r), [[10, 0], [11, 0]]);
});

Deno.test("ReorderBuffer.flush() releases what waits behind a gap at the end of a stream", () => {
  const r = new ReorderBuffer({ window: 8 });
  for (const seq of [1, 3, 4]) r.push(pkt(seq), seq);
  assert.deepEqual(drain(r), [[1, 0]]);
  r.flush();
  assert.deepEqual(drain(r), [[3, 1], [4, 0]]);
  assert.equal(r.peek(), null);
});

Deno.test("ReorderBuffer copies packets, so the caller may reuse its buffer", () => {
  const r = new ReorderBuffer({ window: 4 });
  const buf = Uint8Array.of(1, 2, 3);
  r.push(buf, 2);
  buf.fill(0);
  assert.deepEqual([...r.peek()!], [1, 2, 3]);
});
