import assert from "node:assert/strict";
import {
  admit,
  admitWaiting,
  clientKey,
  type Load,
  MAX_CONNECTING,
  MAX_CONNECTING_PER_CLIENT,
  MAX_WAIT_MS,
  MAX_WAITING,
  MAX_WAITING_PER_CLIENT,
  MAX_WORKER_CPU,
} from "../../../actors/viewer/admission.ts";

const calm: Load = {
  sessions: 3,
  connecting: 1,
  waiting: 0,
  maxViewers: 10,
  cpu: 0.1,
  mine: { connecting: 0, waiting: 0 },
};

Deno.test("admit() starts a viewer below every limit", () => {
  assert.deepEqual(admit(calm), { kind: "start" });
});

Deno.test("admit() refuses at max_viewers, counting connecting sessions and offers being answered", () => {
  const r = admit({ ...calm, sessions: 10 });
  assert.equal(r.kind, "refuse");
  assert.equal(r.kind === "refuse" && r.refusal.problem, "too_many_viewers");
  assert.match(r.kind === "refuse" ? r.refusal.message : "", /10 of at most 10 viewers/);
  assert.equal(admit({ ...calm, maxViewers: 0, sessions: 0 }).kind, "refuse");
});

Deno.test("admit() makes a burst wait its turn instead of refusing it", () => {
  const handshakes = admit({ ...calm, connecting: MAX_CONNECTING });
  assert.equal(handshakes.kind, "wait");
  assert.match(handshakes.kind === "wait" ? handshakes.why : "", /8 viewers are connecting/);
  const cpu = admit({ ...calm, cpu: MAX_WORKER_CPU + 0.05 });
  assert.equal(cpu.kind, "wait");
  assert.match(
    cpu.kind === "wait" ? cpu.why : "",
    /at capacity \(its Worker uses 90 % of a core\)/,
  );
});

Deno.test("admit() caps one client's connecting offers, then refuses it (not others) when it also has too many waiting", () => {
  const full = { ...calm, mine: { connecting: MAX_CONNECTING_PER_CLIENT, waiting: 0 } };
  assert.equal(admit(full).kind, "wait");
  const flood = admit({ ...full, mine: { ...full.mine, waiting: MAX_WAITING_PER_CLIENT } });
  assert.equal(flood.kind === "refuse" && flood.refusal.problem, "client_busy");
  // Another client at the same moment starts at once.
  assert.equal(admit({ ...calm, connecting: MAX_CONNECTING_PER_CLIENT }).kind, "start");
});

Deno.test("admit() bounds the queue for everyone", () => {
  const r = admit({ ...calm, connecting: MAX_CONNECTING, waiting: MAX_WAITING });
  assert.equal(r.kind === "refuse" && r.refusal.problem, "busy");
});

Deno.test("admitWaiting() starts a waiting offer once it may, and refuses it after MAX_WAIT_MS", () => {
  const busy = { ...calm, connecting: MAX_CONNECTING };
  assert.equal(admitWaiting(busy, MAX_WAIT_MS - 1).kind, "wait");
  assert.equal(admitWaiting(calm, MAX_WAIT_MS - 1).kind, "start");
  const late = admitWaiting(busy, MAX_WAIT_MS);
  assert.equal(late.kind === "refuse" && late.refusal.problem, "busy");
  assert.match(late.kind === "refuse" ? late.refusal.message : "", /Waited 3 s: 8 viewers/);
  const mine = admitWaiting(
    { ...calm, mine: { connecting: MAX_CONNECTING_PER_CLIENT, waiting: 0 } },
    MAX_WAIT_MS,
  );
  assert.equal(mine.kind === "refuse" && mine.refusal.problem, "client_busy");
  const gone = admitWaiting({ ...busy, sessions: 10 }, 0);
  assert.equal(gone.kind === "refuse" && gone.refusal.problem, "too_many_viewers");
});

Deno.test("clientKey() is the user when the request has one, else the address", () => {
  assert.equal(clientKey({ address: "192.0.2.1", user: "user:alice" }), "user user:alice");
  assert.equal(clientKey({ address: "192.0.2.1", user: null }), "address 192.0.2.1");
  assert.notEqual(
    clientKey({ address: "192.0.2.1", user: "user:alice" }),
    clientKey({ address: "192.0.2.1", user: "user:bob" }),
    "two users behind one address are two clients",
  );
});
