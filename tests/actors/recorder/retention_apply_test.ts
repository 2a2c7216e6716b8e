import assert from "node:assert/strict";
import { join } from "node:path";
import {
  decideRetention,
  enforceRetention,
  freeDiskBytes,
  RecordingIndex,
  retentionSegments,
  segmentPath,
  thumbnailPath,
} from "../../../actors/recorder/mod.ts";
import { run } from "./_media.ts";

const T0 = Date.UTC(2026, 10, 21, 23, 0, 0);
const MIN = 60_000;

async function fixture(fn: (dir: string, index: RecordingIndex) => Promise<void>) {
  const root = await Deno.makeTempDir();
  const dir = join(root, "rec");
  const index = RecordingIndex.open(join(root, "index.sqlite"));
  try {
    await fn(dir, index);
  } finally {
    index.close();
    await Deno.remove(root, { recursive: true });
  }
}

async function write(dir: string, index: RecordingIndex, startMs: number, bytes: number) {
  const path = segmentPath("front", startMs);
  await Deno.mkdir(join(dir, path, ".."), { recursive: true });
  await Deno.writeFile(join(dir, path), new Uint8Array(bytes));
  return index.addSegment(path, {
    endMs: startMs + MIN,
    bytes,
    frames: 1,
    keyframes: 1,
    complete: true,
  });
}

Deno.test("enforceRetention() deletes the oldest files, their thumbnails, rows and emptied day folders", async () => {
  await fixture(async (dir, index) => {
    const old = await write(dir, index, T0, 1000); // 2026-11-21
    index.setThumbnail(old.id, 4);
    await Deno.writeTextFile(join(dir, thumbnailPath(old.path)), "jpeg");
    const mid = await write(dir, index, T0 + 90 * MIN, 1000); // 2026-11-22
    const open = index.openSegment(segmentPath("front", T0 + 91 * MIN));
    await Deno.writeFile(join(dir, open.path), new Uint8Array(5000));

    const result = await enforceRetention(
      { maxBytes: 10, maxBytesPerCamera: Infinity, maxAgeS: Infinity, minFreeBytes: 0 },
      { dir, index, nowMs: T0 + 100 * MIN, freeBytes: 1e12 },
    );
    assert.deepEqual(result, {
      deleted: [old.id, mid.id],
      bytesFreed: 2004,
      failed: [],
      stopRecording: false,
    });
    await assert.rejects(Deno.stat(join(dir, old.path)), Deno.errors.NotFound);
    await assert.rejects(Deno.stat(join(dir, thumbnailPath(old.path))), Deno.errors.NotFound);
    await assert.rejects(Deno.stat(join(dir, "front", "2026-11-21")), Deno.errors.NotFound);
    assert.equal((await Deno.stat(join(dir, open.path))).size, 5000); // the open one stays
    assert.deepEqual(index.oldest().map((s) => s.id), [open.id]);
  });
});

Deno.test("applyRetention() counts a file already gone as deleted", async () => {
  await fixture(async (dir, index) => {
    const seg = await write(dir, index, T0, 100);
    await Deno.remove(join(dir, seg.path));
    const policy = { maxBytes: 0, maxBytesPerCamera: Infinity, maxAgeS: Infinity, minFreeBytes: 0 };
    const result = await enforceRetention(policy, { dir, index, nowMs: T0, freeBytes: 0 });
    assert.deepEqual(result.deleted, [seg.id]);
    assert.equal(index.get(seg.id), undefined);
  });
});

Deno.test("applyRetention() keeps the row of a file it cannot remove, and says why", async () => {
  await fixture(async (dir, index) => {
    const seg = await write(dir, index, T0, 100);
    // A directory in place of the file: remove() without recursive fails on a non-empty one.
    await Deno.remove(join(dir, seg.path));
    await Deno.mkdir(join(dir, seg.path, "x"), { recursive: true });
    const policy = { maxBytes: 0, maxBytesPerCamera: Infinity, maxAgeS: Infinity, minFreeBytes: 0 };
    const result = await enforceRetention(policy, { dir, index, nowMs: T0, freeBytes: 0 });
    assert.deepEqual(result.deleted, []);
    assert.equal(result.failed[0].id, seg.id);
    assert.ok(index.get(seg.id));
  });
});

Deno.test("retentionSegments() marks rows without an end as open", async () => {
  await fixture(async (dir, index) => {
    await write(dir, index, T0, 100);
    const open = index.openSegment(segmentPath("front", T0 + MIN));
    const segs = retentionSegments(index);
    assert.deepEqual(segs.map((s) => s.open), [false, true]);
    const d = decideRetention(segs, {
      maxBytes: 0,
      maxBytesPerCamera: 0,
      maxAgeS: 0,
      minFreeBytes: 0,
    }, {
      nowMs: T0 + 10 * MIN,
      freeBytes: 0,
    });
    assert.ok(!d.delete.some((x) => x.segment.id === open.id));
  });
});

Deno.test("freeDiskBytes() agrees with df on the available bytes of the recordings disk", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ours = await freeDiskBytes(dir);
    const df = await run("df", ["--output=avail,size", "-B1", dir]);
    const [avail, size] = df.stdout.trim().split("\n")[1].trim().split(/\s+/).map(Number);
    assert.ok(ours > 0);
    // Other tests write and delete files meanwhile: agree to 0.5% of the disk.
    assert.ok(Math.abs(ours - avail) <= size * 0.005, `${ours} vs df ${avail}`);
    await assert.rejects(
      freeDiskBytes(join(dir, "missing")),
      /Cannot read free space of ".*missing"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
