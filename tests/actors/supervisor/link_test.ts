import assert from "node:assert/strict";
import {
  Link,
  LINK_RETRY,
  LINK_SUMMARY_EVERY_MS,
  retryDelayMs,
} from "../../../actors/supervisor/mod.ts";

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

Deno.test("retryDelayMs() grows from 1 s to a minute and stays within the jitter", () => {
  const mid = () => 0.5;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => retryDelayMs(LINK_RETRY, n, mid)),
    [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000],
  );
  assert.equal(retryDelayMs(LINK_RETRY, 1, () => 0), 800);
  assert.equal(retryDelayMs(LINK_RETRY, 100, () => 0.999999), 72_000);
  for (let i = 0; i < 1000; i++) {
    const d = retryDelayMs(LINK_RETRY, 7);
    assert.ok(d >= 48_000 && d <= 72_000, `delay ${d}`);
  }
});

Deno.test("a link notes going offline once per cause, not once per try", () => {
  const c = clock();
  const link = new Link({ what: "source rtsp://x", now: c.now, random: () => 0.5 });
  assert.equal(link.state.state, "connecting");
  const first = link.down("connection refused by 127.0.0.1:8554");
  assert.equal(first.delayMs, 1_000);
  assert.equal(first.note?.message, "source rtsp://x: offline");
  assert.equal(first.note?.fields.cause, "connection refused by 127.0.0.1:8554");
  const notes = [];
  for (let i = 0; i < 20; i++) {
    c.advance(1_000);
    link.connecting();
    assert.equal(link.state.state, "connecting");
    notes.push(link.down("connection refused by 127.0.0.1:8554").note);
  }
  assert.deepEqual(notes.filter((n) => n !== null), []);
  const state = link.state;
  assert.deepEqual(state, {
    state: "offline",
    since: 1_000_000,
    cause: "connection refused by 127.0.0.1:8554",
    retryAt: c.now() + 60_000,
    attempt: 21,
  });
  // A new cause is news.
  assert.equal(link.down("no route to host").note?.fields.cause, "no route to host");
  assert.equal(link.outages, 1);
});

Deno.test("a link that stays offline logs a summary every ten minutes", () => {
  const c = clock();
  const link = new Link({ what: "destination", now: c.now, random: () => 0.5 });
  link.down("refused");
  let summaries = 0;
  for (let t = 0; t < 3 * LINK_SUMMARY_EVERY_MS; t += 60_000) {
    c.advance(60_000);
    const note = link.down("refused").note;
    if (note !== null) {
      assert.equal(note.message, "destination: still offline");
      summaries++;
    }
  }
  assert.equal(summaries, 3);
});

Deno.test("a link that comes back notes how long it was down and starts its backoff over", () => {
  const c = clock();
  const link = new Link({ what: "source", now: c.now, random: () => 0.5 });
  assert.equal(link.up()?.message, "source: up");
  assert.equal(link.up(), null);
  link.down("refused");
  c.advance(5_000);
  link.down("refused");
  c.advance(2_000);
  const note = link.up();
  assert.equal(note?.message, "source: up again");
  assert.deepEqual(note?.fields, { down_s: 7, tries: 2 });
  assert.equal(link.down("refused").delayMs, 1_000);
  assert.equal(link.outages, 2);
});
