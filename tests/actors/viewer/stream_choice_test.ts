import assert from "node:assert/strict";
import {
  badReport,
  DOWN_JITTER_MS,
  DOWN_REMB,
  DOWN_REPORTS,
  initialStream,
  type LinkReport,
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
    s = nextStream(s, { fractionLost: loss, jitterMs: 2, rembKbps: null }, {
      nowMs: t,
      mainKbps: 2000,
    });
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

/** Feeds one report a second from `atMs`. */
function feedReports(
  s: StreamState,
  reports: LinkReport[],
  atMs: number,
  mainKbps = 2000,
): [StreamState, number] {
  let t = atMs;
  for (const r of reports) {
    s = nextStream(s, r, { nowMs: t, mainKbps });
    t += 1000;
  }
  return [s, t];
}

const CLEAN: LinkReport = { fractionLost: 0, jitterMs: 3, rembKbps: 2500 };

Deno.test("badReport(): loss, jitter past DOWN_JITTER_MS, or a REMB fallen under DOWN_REMB of the main stream's rate (on main only)", () => {
  const o = { mainKbps: 2000, rembPeakKbps: 2500 };
  assert.equal(badReport("main", CLEAN, o), null);
  assert.equal(badReport("main", { ...CLEAN, fractionLost: 0.2 }, o), "loss");
  assert.equal(badReport("main", { ...CLEAN, jitterMs: DOWN_JITTER_MS + 1 }, o), "jitter");
  assert.equal(badReport("main", { ...CLEAN, rembKbps: 2000 * DOWN_REMB - 1 }, o), "remb");
  // An estimate near an app-limited stream's rate is no congestion; no rate known, no judgement.
  assert.equal(badReport("main", { ...CLEAN, rembKbps: 1500 }, o), null);
  assert.equal(badReport("main", { ...CLEAN, rembKbps: 300 }, { ...o, mainKbps: 0 }), null);
  // Still climbing (its highest since the move is about where it is): not a fall.
  assert.equal(badReport("main", { ...CLEAN, rembKbps: 400 }, { ...o, rembPeakKbps: 420 }), null);
  // On the sub stream a low REMB is its own (app-limited) rate.
  assert.equal(badReport("sub", { ...CLEAN, rembKbps: 300 }, o), null);
});

Deno.test("nextStream(): a link that delays without losing (jitter) or whose REMB falls moves the viewer down; back up on clean, low-jitter reports", () => {
  const delayed = { ...CLEAN, jitterMs: 120 };
  let [s, t] = feedReports(initialStream("auto", true), [delayed, CLEAN, delayed], 0);
  assert.equal(s.stream, "main", "one report at a time is a burst");
  [s, t] = feedReports(s, [delayed], t);
  assert.equal(s.stream, "sub");
  // Up needs jitter under the down line too: loss-free reports with 60 ms of jitter keep it down.
  [s, t] = feedReports(s, Array(UP_AFTER_MS / 1000 + 2).fill({ ...CLEAN, jitterMs: 60 }), t);
  assert.equal(s.stream, "sub");
  // A REMB of the sub stream's rate does not hold it down.
  [s, t] = feedReports(s, Array(UP_AFTER_MS / 1000 + 1).fill({ ...CLEAN, rembKbps: 450 }), t);
  assert.equal(s.stream, "main");
  // Just moved up, the estimate climbs from the sub stream's rate: no move down for that.
  const climbing = [500, 560, 620, 700, 800].map((k) => ({ ...CLEAN, rembKbps: k }));
  [s, t] = feedReports(s, climbing, t);
  assert.equal(s.stream, "main");
  [s, t] = feedReports(s, Array(5).fill(CLEAN), t); // up to 2500
  const starved = { ...CLEAN, rembKbps: 600 };
  [s] = feedReports(s, [starved, starved], t);
  assert.equal(s.stream, "sub");
  assert.equal(s.downReason, "remb");
  assert.equal(s.switches, 3);
});
