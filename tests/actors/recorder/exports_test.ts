import assert from "node:assert/strict";
import {
  admitTranscode,
  ESTIMATE_AFTER_MS,
  type ExportEntry,
  Exports,
  KEEP_FINISHED,
  MAX_TRANSCODES,
} from "../../../actors/recorder/mod.ts";

const PX = 1280 * 720 * 30;

function request(camera: string, mediaMs = 60_000) {
  return { camera, format: "webm" as const, fromMs: 0, toMs: mediaMs, mediaMs, pixelRate: PX };
}

Deno.test("Exports admits one transcode per camera: a second is 429 with the time left as Retry-After", () => {
  let now = 1000;
  const ex = new Exports({ now: () => now });
  const a = ex.begin(request("front"));
  assert.ok(a.ok);
  now += 5000;
  ex.progress(a.entry, { doneMs: 20_000 });
  const again = ex.begin(request("front"));
  assert.ok(!again.ok);
  assert.equal(again.status, 429);
  // 20 s of media in 5 s of work: 40 s left take 10 s.
  assert.equal(again.retryAfterS, 10);
  assert.match(again.message, /front to webm is already running \(33% done, about 10 s left\)/);
  assert.ok(ex.begin(request("back")).ok);
});

Deno.test("Exports refuses a transcode with 503 when the machine runs its share, whatever the camera", () => {
  const ex = new Exports({ now: () => 0 });
  for (let i = 0; i < MAX_TRANSCODES; i++) assert.ok(ex.begin(request(`cam-${i}`)).ok);
  const full = ex.begin(request("other"));
  assert.ok(!full.ok);
  assert.equal(full.status, 503);
  assert.ok(full.retryAfterS >= 1);
});

Deno.test("Exports estimates from the last transcode's speed before its own, and from its own after", () => {
  let now = 0;
  const ex = new Exports({ now: () => now });
  const first = ex.begin(request("front", 60_000));
  assert.ok(first.ok);
  assert.equal(ex.etaS(first.entry), null); // nothing to go on
  now = 30_000; // 60 s of media in 30 s
  ex.end(first.entry, "done");
  const second = ex.begin(request("front", 120_000));
  assert.ok(second.ok);
  assert.equal(ex.etaS(second.entry), 60);
  now += ESTIMATE_AFTER_MS;
  ex.progress(second.entry, { doneMs: 4000 }); // four times faster than the last
  assert.equal(ex.etaS(second.entry), (116_000 * 1000) / 4000 / 1000);
  const [view] = ex.list();
  assert.equal(view.state, "running");
  assert.equal(view.progress, 0.033);
  assert.equal(view.total_s, 120);
});

Deno.test("Exports keeps the last finished transcodes for the console, newest first", () => {
  const ex = new Exports({ now: () => 0 });
  const ended: ExportEntry[] = [];
  for (let i = 0; i < KEEP_FINISHED + 3; i++) {
    const e = ex.begin(request("front"));
    assert.ok(e.ok);
    ex.end(e.entry, i % 2 === 0 ? "done" : "cancelled");
    ended.push(e.entry);
  }
  const list = ex.list();
  assert.equal(list.length, KEEP_FINISHED);
  assert.equal(list[0].id, ended.at(-1)!.id);
});

Deno.test("admitTranscode() is pure: what runs decides", () => {
  assert.deepEqual(admitTranscode([], "front", () => null), { ok: true });
});
