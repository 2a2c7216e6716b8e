import assert from "node:assert/strict";
import type { Admission } from "../../../actors/viewer/admission.ts";
import { OfferQueue } from "../../../actors/viewer/offer_queue.ts";

const start: Admission = { kind: "start" };
const wait: Admission = { kind: "wait", why: "busy" };

Deno.test("OfferQueue starts waiting offers in arrival order, telling the caller before each waiter", async () => {
  const q = new OfferQueue();
  const a = q.wait("a", 0);
  const b = q.wait("b", 1);
  const c = q.wait("a", 2);
  assert.equal(q.size, 3);
  assert.equal(q.count("a"), 2);
  const started: string[] = [];
  let slots = 2;
  q.drain(10, () => (slots > 0 ? start : wait), (key) => {
    started.push(key);
    slots--;
  });
  assert.deepEqual(started, ["a", "b"]);
  assert.equal(await a, null);
  assert.equal(await b, null);
  assert.equal(q.size, 1);
  slots = 1;
  q.drain(20, () => (slots > 0 ? start : wait), (key) => started.push(key));
  assert.equal(await c, null);
  assert.equal(q.size, 0);
});

Deno.test("OfferQueue lets a later offer pass one that must go on waiting (its client is at its cap)", async () => {
  const q = new OfferQueue();
  const capped = q.wait("flood", 0);
  const other = q.wait("other", 1);
  q.drain(5, (key) => (key === "flood" ? wait : start), () => {});
  assert.equal(await other, null);
  assert.equal(q.count("flood"), 1);
  q.clear({ ok: false, problem: "busy", message: "stopping" });
  assert.equal((await capped)?.message, "stopping");
});

Deno.test("OfferQueue hands a refusal to the waiter and passes each one how long it waited", async () => {
  const q = new OfferQueue();
  const p = q.wait("a", 100);
  const waited: number[] = [];
  q.drain(350, (_key, ms) => {
    waited.push(ms);
    return { kind: "refuse", refusal: { ok: false, problem: "busy", message: "too late" } };
  }, () => assert.fail("not started"));
  assert.deepEqual(waited, [250]);
  assert.equal((await p)?.problem, "busy");
  assert.equal(q.size, 0);
});
