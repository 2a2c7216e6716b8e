import assert from "node:assert/strict";
import {
  type Admission,
  LoginThrottle,
  MAX_ACCOUNT_FAILURES,
  MAX_FAILURES,
  MAX_TRACKED,
  WINDOW_MS,
} from "../../../ui/auth/throttle.ts";

function admitted(a: Admission) {
  assert.ok(a.ok, `refused: ${JSON.stringify(a)}`);
  return a.attempt;
}

Deno.test("LoginThrottle admits MAX_FAILURES attempts from an address, then says how long to wait", () => {
  const t = new LoginThrottle();
  const t0 = 1_000_000;
  for (let i = 0; i < MAX_FAILURES; i++) admitted(t.begin("10.0.0.1", `user${i}`, t0 + i * 1000));
  const refused = t.begin("10.0.0.1", "root", t0 + 5000);
  assert.deepEqual(refused, {
    ok: false,
    retryAfterS: Math.ceil((WINDOW_MS - 5000) / 1000),
    limited: "address",
  });
  assert.ok(t.begin("10.0.0.2", "root", t0 + 5000).ok, "other addresses are not affected");
  // Once the oldest failure leaves the window, one more try is allowed.
  assert.ok(!t.begin("10.0.0.1", "root", t0 + WINDOW_MS - 1).ok);
  assert.ok(t.begin("10.0.0.1", "root", t0 + WINDOW_MS).ok);
});

Deno.test("LoginThrottle counts an attempt when it admits it, so attempts in flight are counted", () => {
  const t = new LoginThrottle();
  // Fifty parallel sign-ins: each is admitted or not before any password check finishes.
  const answers = Array.from({ length: 50 }, () => t.begin("10.0.0.1", "root", 0));
  assert.equal(answers.filter((a) => a.ok).length, MAX_FAILURES);
});

Deno.test("LoginThrottle limits an account across addresses", () => {
  const t = new LoginThrottle();
  for (let i = 0; i < MAX_ACCOUNT_FAILURES; i++) admitted(t.begin(`10.0.0.${i}`, "alice", i));
  const refused = t.begin("10.0.1.1", "alice", 100);
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.limited, "account");
  assert.ok(t.begin("10.0.1.1", "bob", 100).ok, "other accounts are not affected");
});

Deno.test("a right password forgives only its own account's failures from its own address", () => {
  const t = new LoginThrottle();
  // Four guesses at alice, then a good sign-in as eve, over and over: alice's guesses stay counted.
  let guesses = 0;
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < MAX_FAILURES - 1; i++) if (t.begin("a", "alice", round).ok) guesses++;
    const eve = t.begin("a", "eve", round);
    if (eve.ok) t.succeed(eve.attempt);
  }
  assert.equal(guesses, MAX_FAILURES);
  // A user's own typos are forgiven by her right password.
  const u = new LoginThrottle();
  for (let i = 0; i < MAX_FAILURES - 1; i++) admitted(u.begin("b", "bob", i));
  u.succeed(admitted(u.begin("b", "bob", 10)));
  for (let i = 0; i < MAX_FAILURES; i++) admitted(u.begin("b", "bob", 20 + i));
});

Deno.test("LoginThrottle tracks at most MAX_TRACKED addresses, forgetting the oldest", () => {
  const t = new LoginThrottle();
  for (let i = 0; i < MAX_FAILURES; i++) t.begin("first", `n${i}`, i);
  assert.ok(!t.begin("first", "x", 10).ok);
  for (let i = 0; i < MAX_TRACKED; i++) t.begin(`spray-${i}`, `s${i % 1000}`, 100);
  assert.ok(t.begin("first", "x", 200).ok);
});
