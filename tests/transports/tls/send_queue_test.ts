import assert from "node:assert/strict";
import { SendQueue } from "../../../transports/tls/mod.ts";

/** Offers frames written "K" (keyframe) or "p" (predicted), each `bytes` long; returns what was queued. */
function offerAll(queue: SendQueue<string>, frames: string, bytes = 10): string {
  let queued = "";
  for (const [i, kind] of [...frames].entries()) {
    if (queue.offer(`${kind}${i}`, bytes, kind === "K")) queued += kind;
  }
  return queued;
}

function drain(queue: SendQueue<string>): string[] {
  const out: string[] = [];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) out.push(item);
  return out;
}

Deno.test("SendQueue drops predicted frames until the first keyframe", () => {
  const queue = new SendQueue<string>({ maxItems: 10 });
  assert.equal(offerAll(queue, "ppKpp"), "Kpp");
  assert.deepEqual(drain(queue), ["K2", "p3", "p4"]);
  assert.deepEqual(queue.stats, { offered: 5, dropped: 2, droppedBytes: 20 });
});

Deno.test("SendQueue that overflows on a predicted frame drops every frame up to the next keyframe", () => {
  const dropped: string[] = [];
  const queue = new SendQueue<string>({ maxItems: 3, onDrop: (item) => dropped.push(item) });
  assert.equal(offerAll(queue, "Kpp"), "Kpp");
  // Full: p3 is dropped, and p4, p5 depend on it, so they go too; K6 starts over.
  assert.equal(offerAll(queue, "ppp"), "");
  assert.ok(queue.awaitingKeyframe);
  assert.deepEqual(drain(queue), ["K0", "p1", "p2"]);
  assert.equal(offerAll(queue, "pKp"), "Kp");
  assert.deepEqual(drain(queue), ["K1", "p2"]);
  assert.deepEqual(dropped, ["p0", "p1", "p2", "p0"]);
  assert.deepEqual(queue.stats, { offered: 9, dropped: 4, droppedBytes: 40 });
});

Deno.test("SendQueue replaces its stale contents with a keyframe that does not fit", () => {
  const dropped: string[] = [];
  const queue = new SendQueue<string>({ maxItems: 3, onDrop: (item) => dropped.push(item) });
  assert.equal(offerAll(queue, "KppK"), "KppK");
  assert.deepEqual(dropped, ["K0", "p1", "p2"]);
  assert.deepEqual(drain(queue), ["K3"]);
  assert.equal(queue.length, 0);
  assert.equal(queue.bytes, 0);
});

Deno.test("SendQueue bounds bytes as well as items, and refuses a frame larger than the byte bound", () => {
  const queue = new SendQueue<string>({ maxItems: 100, maxBytes: 25 });
  assert.equal(offerAll(queue, "Kpp"), "Kp"); // 10 + 10, the third would make 30
  assert.equal(queue.bytes, 20);
  assert.equal(queue.offer("huge", 26, true), false);
  assert.equal(queue.awaitingKeyframe, true);
  assert.equal(queue.bytes, 20);
  assert.deepEqual(queue.stats, { offered: 4, dropped: 2, droppedBytes: 36 });
});

Deno.test("SendQueue keeps order over a thousand rounds of offers and shifts", () => {
  const queue = new SendQueue<string>({ maxItems: 4 });
  const seen: string[] = [];
  for (let round = 0; round < 1000; round++) {
    queue.offer(`K${round}`, 1, true);
    queue.offer(`p${round}`, 1, false);
    const item = queue.shift();
    if (item) seen.push(item);
  }
  seen.push(...drain(queue));
  assert.equal(seen.length + queue.stats.dropped, 2000);
  const order = seen.map((item) => Number(item.slice(1)) * 2 + (item[0] === "p" ? 1 : 0));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
});

Deno.test("SendQueue rejects bounds that are not whole numbers above 0", () => {
  assert.throws(() => new SendQueue({ maxItems: 0 }), /Invalid maxItems "0"/);
  assert.throws(() => new SendQueue({ maxBytes: 1.5 }), /Invalid maxBytes "1.5"/);
});
