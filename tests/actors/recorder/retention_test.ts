import assert from "node:assert/strict";
import {
  decideRetention,
  floorMargin,
  type RetentionPolicy,
  type RetentionSegment,
} from "../../../actors/recorder/mod.ts";

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const NONE: RetentionPolicy = {
  maxBytes: Infinity,
  maxBytesPerCamera: Infinity,
  maxAgeS: Infinity,
  minFreeBytes: 0,
};

/** Segments of one minute, `ago` minutes before NOW, ids in start order per call. */
function seg(
  id: number,
  camera: string,
  ago: number,
  bytes: number,
  open = false,
): RetentionSegment {
  const startMs = NOW - ago * MIN;
  return { id, camera, bytes, startMs, endMs: open ? null : startMs + MIN, open };
}

const ids = (d: ReturnType<typeof decideRetention>) => d.delete.map((x) => x.segment.id);

Deno.test("decideRetention() deletes nothing when every limit is met", () => {
  const d = decideRetention([seg(1, "a", 5, 100)], NONE, { nowMs: NOW, freeBytes: 1e9 });
  assert.deepEqual(d, { delete: [], bytesFreed: 0, freeAfter: 1e9, stopRecording: false });
});

Deno.test("decideRetention() deletes segments that ended more than max age ago, per camera override too", () => {
  const segments = [
    seg(1, "a", 200, 10),
    seg(2, "a", 61, 10),
    seg(3, "a", 59, 10),
    seg(4, "b", 30, 10),
  ];
  const policy = { ...NONE, maxAgeS: 3600, cameras: { b: { maxAgeS: 600 } } };
  const d = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 1e9 });
  // Segment 2 started 61 min ago and ended 60 min ago: not older than 1 h yet.
  assert.deepEqual(ids(d), [1, 4]);
  assert.deepEqual(d.delete.map((x) => x.reason), ["age", "age"]);
  assert.equal(d.bytesFreed, 20);
});

Deno.test("decideRetention() trims each camera to its size limit, oldest first", () => {
  const segments = [
    seg(1, "a", 10, 100),
    seg(2, "b", 9, 100),
    seg(3, "a", 8, 100),
    seg(4, "a", 7, 100),
    seg(5, "b", 6, 100),
  ];
  const policy = { ...NONE, maxBytesPerCamera: 150, cameras: { b: { maxBytes: 1000 } } };
  const d = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 1e9 });
  assert.deepEqual(ids(d), [1, 3]);
  assert.ok(d.delete.every((x) => x.reason === "camera_bytes"));
});

Deno.test("decideRetention() trims all cameras together to the total size, oldest first", () => {
  const segments = [seg(3, "a", 5, 100), seg(1, "a", 10, 100), seg(2, "b", 9, 100)];
  const d = decideRetention(segments, { ...NONE, maxBytes: 150 }, { nowMs: NOW, freeBytes: 1e9 });
  assert.deepEqual(ids(d), [1, 2]);
  assert.ok(d.delete.every((x) => x.reason === "total_bytes"));
});

Deno.test("decideRetention() deletes for the free-disk floor, counting what other limits free", () => {
  const segments = [
    seg(1, "a", 300, 100),
    seg(2, "a", 10, 100),
    seg(3, "a", 9, 100),
    seg(4, "a", 8, 100),
  ];
  const policy = { ...NONE, maxAgeS: 3600, minFreeBytes: 1000 };
  const d = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 750 });
  assert.deepEqual(d.delete.map((x) => [x.segment.id, x.reason]), [[1, "age"], [2, "free_floor"], [
    3,
    "free_floor",
  ]]);
  assert.equal(d.freeAfter, 1050);
  assert.equal(d.stopRecording, false);
});

Deno.test("decideRetention() never deletes the segment being written, even to meet the floor", () => {
  const segments = [seg(1, "a", 10, 100), seg(2, "a", 9, 5000, true), seg(3, "b", 8, 100)];
  const policy = { ...NONE, minFreeBytes: 300 };
  const d = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 100 });
  assert.deepEqual(ids(d), [1, 3]);
  assert.equal(d.stopRecording, false);
  assert.equal(d.freeAfter, 300);
});

Deno.test("decideRetention() deletes nothing for a floor that every closed segment could not meet", () => {
  // Something else filled the disk: losing the recordings would not let recording go on.
  const segments = [seg(1, "a", 10, 100), seg(2, "a", 9, 5000, true), seg(3, "b", 8, 100)];
  const policy = { ...NONE, minFreeBytes: 10_000 };
  const d = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 100 });
  assert.deepEqual(ids(d), []);
  assert.equal(d.stopRecording, true);
  assert.equal(d.freeAfter, 100);
  // Other limits still apply: an old segment goes for its age, not for the floor.
  const aged = decideRetention(segments, { ...policy, maxAgeS: 8.5 * 60 }, {
    nowMs: NOW,
    freeBytes: 100,
  });
  assert.deepEqual(aged.delete.map((x) => [x.segment.id, x.reason]), [[1, "age"]]);
});

Deno.test("decideRetention() keeps a margin above the floor, so writing until the next pass stays above it", () => {
  const segments = [
    seg(1, "a", 10, 100),
    seg(2, "a", 9, 100),
    seg(3, "a", 8, 100),
    seg(4, "a", 1, 100, true),
  ];
  const policy = { ...NONE, minFreeBytes: 1000, freeMarginBytes: 150 };
  // Above the floor but inside the margin: one segment goes, free is floor + margin again.
  const inside = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 1100 });
  assert.deepEqual(inside.delete.map((x) => [x.segment.id, x.reason]), [[1, "free_floor"]]);
  assert.equal(inside.freeAfter, 1200);
  // Under the floor: enough to reach floor + margin.
  const under = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 950 });
  assert.deepEqual(ids(under), [1, 2]);
  assert.equal(under.stopRecording, false);
  // The margin cannot be reached but the floor can: delete what there is, record on.
  const short = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 750 });
  assert.deepEqual(ids(short), [1, 2, 3]);
  assert.deepEqual([short.freeAfter, short.stopRecording], [1050, false]);
  assert.deepEqual(ids(decideRetention(segments, policy, { nowMs: NOW, freeBytes: 1150 })), []);
});

Deno.test("decideRetention() asks to stop only when the floor cannot be met", () => {
  const segments = [seg(1, "a", 10, 100), seg(2, "a", 1, 100, true)];
  const policy = { ...NONE, minFreeBytes: 1000 };
  assert.equal(
    decideRetention(segments, policy, { nowMs: NOW, freeBytes: 900 }).stopRecording,
    false,
  );
  assert.equal(
    decideRetention(segments, policy, { nowMs: NOW, freeBytes: 899 }).stopRecording,
    true,
  );
  assert.equal(decideRetention([], policy, { nowMs: NOW, freeBytes: 999 }).stopRecording, true);
});

Deno.test("decideRetention() lists deletions oldest first whatever limit chose them", () => {
  const segments = [
    seg(1, "a", 100, 10),
    seg(2, "b", 90, 500),
    seg(3, "a", 80, 10),
    seg(4, "b", 5, 10),
  ];
  const policy = { ...NONE, maxAgeS: 85 * 60, maxBytesPerCamera: 400 };
  const d = decideRetention(segments, policy, { nowMs: NOW, freeBytes: 1e9 });
  assert.deepEqual(d.delete.map((x) => [x.segment.id, x.reason]), [[1, "age"], [2, "age"]]);
  const d2 = decideRetention(segments, { ...policy, maxAgeS: Infinity }, {
    nowMs: NOW,
    freeBytes: 1e9,
  });
  assert.deepEqual(d2.delete.map((x) => [x.segment.id, x.reason]), [[2, "camera_bytes"]]);
});

Deno.test("decideRetention() refuses negative limits", () => {
  assert.throws(
    () => decideRetention([], { ...NONE, maxBytes: -1 }, { nowMs: NOW, freeBytes: 0 }),
    {
      name: "RangeError",
      message: /Total size limit -1/,
    },
  );
  assert.throws(() => decideRetention([], NONE, { nowMs: NOW, freeBytes: NaN }), RangeError);
});

Deno.test("with floorMargin() kept, writing between passes never takes the disk under the floor (health does not flap)", () => {
  const floor = 1_000_000;
  const perPass = 250_000; // what the cameras write between two checks
  const policy = { ...NONE, minFreeBytes: floor, freeMarginBytes: floorMargin(floor, perPass) };
  let free = 1_100_000;
  let segments: RetentionSegment[] = Array.from(
    { length: 20 },
    (_, i) => seg(i + 1, "a", 100 - i, 100_000),
  );
  let lowest = Infinity;
  for (let pass = 0; pass < 200; pass++) {
    const d = decideRetention(segments, policy, { nowMs: NOW, freeBytes: free });
    assert.equal(d.stopRecording, false);
    const gone = new Set(d.delete.map((x) => x.segment.id));
    segments = segments.filter((s) => !gone.has(s.id));
    free += d.bytesFreed;
    // Until the next pass: two segments of what the cameras write.
    for (let k = 0; k < 2; k++) {
      segments.push(seg(100 + pass * 2 + k, "a", -pass, perPass / 2));
      free -= perPass / 2;
      lowest = Math.min(lowest, free);
    }
  }
  assert.ok(lowest >= floor, `free went down to ${lowest}, under the floor ${floor}`);
  assert.equal(floorMargin(2_000_000_000, 10), 64 * 2 ** 20, "a large floor keeps 64 MiB");
  assert.equal(floorMargin(1_000_000, 5_000_000), 1_000_000, "never more than the floor again");
});
