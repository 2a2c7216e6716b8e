import assert from "node:assert/strict";
import {
  MAX_CONNECTING,
  MAX_CONNECTING_PER_CLIENT,
  MAX_WAIT_MS,
  MAX_WAITING_PER_CLIENT,
} from "../../../actors/viewer/admission.ts";
import { type GateSession, OfferGate, type Turn } from "../../../actors/viewer/offer_gate.ts";

function gate(sessions: GateSession[] = [], maxViewers = 50) {
  return new OfferGate({ maxViewers, sessions: () => sessions, cpu: () => 0.1 });
}

const from = (address: string, user: string | null = null) => ({ address, user });

Deno.test("OfferGate holds a burst beyond the connecting limit and lets each wait through as a turn ends", async () => {
  const g = gate();
  const turns: Turn[] = [];
  for (let i = 0; i < MAX_CONNECTING; i++) {
    const t = await g.enter(from(`192.0.2.${i}`), 0);
    assert.ok(!("ok" in t));
    turns.push(t as Turn);
  }
  let started = false;
  const waiting = g.enter(from("192.0.2.99"), 0).then((t) => {
    started = true;
    return t as Turn;
  });
  assert.equal(g.waiting, 1);
  g.drain(10);
  await Promise.resolve();
  assert.equal(started, false, "nobody finished yet");
  turns[0].release();
  g.drain(20);
  assert.equal((await waiting).key, "address 192.0.2.99");
  assert.equal(g.waiting, 0);
  assert.deepEqual(g.refused, { too_many_viewers: 0, busy: 0, client_busy: 0, rejected: 0 });
});

Deno.test("OfferGate counts one client's connecting sessions, refuses its surplus and times out its waits", async () => {
  const mallory = from("192.0.2.66");
  const sessions: GateSession[] = Array.from(
    { length: MAX_CONNECTING_PER_CLIENT },
    () => ({ state: "connecting", clientKey: "address 192.0.2.66" }),
  );
  const g = gate(sessions);
  const waits = Array.from({ length: MAX_WAITING_PER_CLIENT }, () => g.enter(mallory, 0));
  const refused = await g.enter(mallory, 0);
  assert.equal("ok" in refused && refused.problem, "client_busy");
  // Someone else starts at once.
  assert.ok(!("ok" in await g.enter(from("192.0.2.7"), 0)));
  g.drain(MAX_WAIT_MS);
  for (const w of await Promise.all(waits)) assert.equal("ok" in w && w.problem, "client_busy");
  assert.equal(g.refused.client_busy, MAX_WAITING_PER_CLIENT + 1);
});

Deno.test("OfferGate refuses at max_viewers at once and counts closed sessions out", async () => {
  const sessions: GateSession[] = [
    { state: "connected", clientKey: "a" },
    { state: "closed", clientKey: "a" },
  ];
  const g = gate(sessions, 2);
  const t = await g.enter(from("192.0.2.1"), 0);
  assert.ok(!("ok" in t), "the closed session does not count");
  const r = await g.enter(from("192.0.2.2"), 0);
  assert.equal("ok" in r && r.problem, "too_many_viewers");
  (t as Turn).release();
  (t as Turn).release(); // idempotent
  assert.ok(!("ok" in await g.enter(from("192.0.2.3"), 0)));
});
