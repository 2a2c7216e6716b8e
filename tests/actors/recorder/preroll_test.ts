import assert from "node:assert/strict";
import { PreRollBuffer } from "../../../actors/recorder/mod.ts";

const FRAME_NS = 1e9 / 30;
const GOP = 30;

/** AU `i` of a 30 fps stream with a keyframe every 30: `size` bytes all equal to i % 256. */
function au(i: number, size = 100): [Uint8Array, { ptsNs: number; keyframe: boolean }] {
  return [new Uint8Array(size).fill(i % 256), { ptsNs: i * FRAME_NS, keyframe: i % GOP === 0 }];
}

function held(buf: PreRollBuffer): number[] {
  return buf.frames().map((f) => Math.round(f.ptsNs / FRAME_NS));
}

Deno.test("PreRollBuffer keeps the last N seconds from the keyframe at or before them", () => {
  const buf = new PreRollBuffer({ seconds: 2 });
  for (let i = 0; i <= 100; i++) buf.push(...au(i));
  // Newest is 100; 2 s before it is 40; the keyframe at or before 40 is 30.
  assert.deepEqual(held(buf), Array.from({ length: 71 }, (_, k) => 30 + k));
  assert.equal(buf.frames()[0].keyframe, true);
  assert.ok(buf.spanNs >= 2e9);
  assert.equal(buf.bytes, 71 * 100);
  // The bytes are the ones pushed.
  for (const f of buf.frames()) {
    assert.ok(f.data.every((b) => b === Math.round(f.ptsNs / FRAME_NS) % 256));
  }
});

Deno.test("PreRollBuffer drops frames until the first keyframe", () => {
  const buf = new PreRollBuffer({ seconds: 5 });
  for (let i = 10; i < 40; i++) assert.equal(buf.push(...au(i)), i >= 30);
  assert.deepEqual(held(buf), Array.from({ length: 10 }, (_, k) => 30 + k));
});

Deno.test("PreRollBuffer drops whole GOPs from the front when its bytes run out", () => {
  // 25 frames of 100 bytes fit; a GOP is 30 frames.
  const buf = new PreRollBuffer({ seconds: 10, maxBytes: 2500 });
  for (let i = 0; i < 75; i++) buf.push(...au(i));
  // A GOP longer than the buffer cannot be held whole: when it overflows it
  // goes, and the buffer waits for the next keyframe. What is left is the
  // start of the GOP at 60.
  assert.deepEqual(held(buf), Array.from({ length: 15 }, (_, k) => 60 + k));
  assert.ok(buf.bytes <= 2500);
  const frames = buf.frames();
  assert.equal(frames[0].keyframe, true);
  for (const f of frames) {
    assert.ok(f.data.every((b) => b === Math.round(f.ptsNs / FRAME_NS) % 256));
  }
});

Deno.test("PreRollBuffer wraps its storage without splitting or corrupting an AU", () => {
  const buf = new PreRollBuffer({ seconds: 1, maxBytes: 10_000 });
  // Sizes that do not divide the storage: AUs must wrap whole.
  for (let i = 0; i < 500; i++) {
    const [data, meta] = au(i, 37 + (i * 13) % 200);
    buf.push(data, meta);
    const frames = buf.frames();
    assert.equal(frames[0].keyframe, true, `after ${i}`);
    for (const f of frames) {
      const n = Math.round(f.ptsNs / FRAME_NS);
      assert.equal(f.data.length, 37 + (n * 13) % 200);
      assert.ok(f.data.every((b) => b === n % 256), `frame ${n} after push ${i}`);
    }
  }
});

Deno.test("PreRollBuffer keeps to its frame bound", () => {
  const buf = new PreRollBuffer({ seconds: 60, maxFrames: 40 });
  for (let i = 0; i < 100; i++) buf.push(...au(i));
  assert.deepEqual(held(buf), Array.from({ length: 40 }, (_, k) => 60 + k)); // exactly full
  buf.push(...au(100)); // a 41st frame: the GOP at 60 goes
  assert.deepEqual(held(buf), Array.from({ length: 11 }, (_, k) => 90 + k));
});

Deno.test("PreRollBuffer refuses an AU larger than itself and starts again at the next keyframe", () => {
  const buf = new PreRollBuffer({ seconds: 5, maxBytes: 1000 });
  buf.push(...au(0));
  assert.equal(buf.push(new Uint8Array(1001), { ptsNs: FRAME_NS, keyframe: false }), false);
  assert.equal(buf.count, 0);
  assert.equal(buf.push(...au(2)), false);
  assert.equal(buf.push(...au(30)), true);
});

Deno.test("PreRollBuffer.clear() forgets everything", () => {
  const buf = new PreRollBuffer({ seconds: 5 });
  for (let i = 0; i < 40; i++) buf.push(...au(i));
  buf.clear();
  assert.deepEqual([buf.count, buf.bytes, buf.spanNs, buf.frames().length], [0, 0, 0, 0]);
});

Deno.test("PreRollBuffer refuses bounds out of range", () => {
  assert.throws(() => new PreRollBuffer({ seconds: -1 }), { name: "RangeError", message: /-1 s/ });
  assert.throws(() => new PreRollBuffer({ seconds: 61 }), RangeError);
  assert.throws(() => new PreRollBuffer({ seconds: 1, maxBytes: 0 }), RangeError);
  assert.throws(() => new PreRollBuffer({ seconds: 1, maxBytes: 2 ** 30 }), RangeError);
  assert.throws(() => new PreRollBuffer({ seconds: 1, maxFrames: 0 }), RangeError);
});
