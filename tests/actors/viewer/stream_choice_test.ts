import assert from "node:assert/strict";
import {
  DOWN_REPORTS,
  initialStream,
  MAX_UP_AFTER_MS,
  nextStream,
  RETRY_WINDOW_MS,
  type StreamState,
  UP_AFTER_MS,
} from "../../../actors/viewer/stream_choice.ts";

/** Feeds one report a second, each with this loss, from `atMs`. */
function feed(s: StreamState, losses: number[], atMs: number): [StreamState, number] {
  let t = atMs;
  for (const loss of losses) {
    s = nextStream(s, loss, t);
    t += 1000;
  }
  return [s, t];
}

Deno.test("initialStream(): auto starts on main; a pinned choice stays; without a sub stream always main", () => {
  assert.deepEqual([initialStream("auto", true).stream, initialStream("auto", true).adaptive], [
    "main",
    true,
  ]);
  assert.equal(initialStream("sub", true).stream, "sub");
  assert.equal(initialStream("sub", true).adaptive, false);
  assert.equal(initialStream("main", true).adaptive, false);
  assert.equal(initialStream("auto", false).adaptive, false);
  assert.equal(initialStream("sub", false).stream, "main");
});

Deno.test("nextStream(): one lossy report is a burst; two in a row move the viewer down", () => {
  let [s] = feed(initialStream("auto", true), [0.3, 0, 0.3, 0], 0);
  assert.equal(s.stream, "main");
  [s] = feed(s, Array(DOWN_REPORTS).fill(0.25), 10_000);
  assert.equal(s.stream, "sub");
  assert.equal(s.switches, 1);
});

Deno.test("nextStream(): back up after UP_AFTER_MS of clean reports; any loss restarts the wait", () => {
  let [s, t] = feed(initialStream("auto", true), [0.3, 0.3], 0);
  const clean = Math.floor(UP_AFTER_MS / 1000);
  [s, t] = feed(s, [...Array(clean - 2).fill(0), 0.05], t);
  assert.equal(s.stream, "sub", "5 % loss is not clean");
  [s, t] = feed(s, Array(clean).fill(0), t);
  assert.equal(s.stream, "sub");
  [s] = feed(s, [0], t);
  assert.equal(s.stream, "main");
  assert.equal(s.switches, 2);
});

Deno.test("nextStream(): a move up that fails soon doubles the wait, up to its cap; a lasting one resets it", () => {
  let [s, t] = feed(initialStream("auto", true), [0.3, 0.3], 0);
  const waits: number[] = [];
  for (let i = 0; i < 6; i++) {
    waits.push(s.upAfterMs);
    [s, t] = feed(s, Array(Math.ceil(s.upAfterMs / 1000) + 1).fill(0), t);
    assert.equal(s.stream, "main");
    [s, t] = feed(s, [0.3, 0.3], t); // the link still cannot carry the main stream
    assert.equal(s.stream, "sub");
  }
  assert.deepEqual(waits, [UP_AFTER_MS, 16_000, 32_000, 64_000, MAX_UP_AFTER_MS, MAX_UP_AFTER_MS]);
  [s, t] = feed(s, Array(MAX_UP_AFTER_MS / 1000 + 1).fill(0), t);
  [s, t] = feed(s, Array(RETRY_WINDOW_MS / 1000 + 1).fill(0), t);
  [s] = feed(s, [0.3, 0.3], t);
  assert.equal(s.stream, "sub");
  assert.equal(s.upAfterMs, UP_AFTER_MS, "it held the main stream past the retry window");
});

Deno.test("nextStream(): a pinned viewer never moves", () => {
  const [s] = feed(initialStream("main", true), Array(20).fill(0.5), 0);
  assert.equal(s.stream, "main");
  const [t] = feed(initialStream("sub", true), Array(60).fill(0), 0);
  assert.equal(t.stream, "sub");
});
