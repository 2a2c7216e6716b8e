import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import {
  reconcile,
  RecordingIndex,
  scanMp4,
  segmentPath,
  thumbnailPath,
} from "../../../actors/recorder/mod.ts";
import { countFrames, FPS, makeSegment, probeDuration } from "./_media.ts";

const T0 = Date.UTC(2026, 10, 22, 23, 59, 0, 0);
const MIN = 60_000;

Deno.test("reconcile() indexes real segments, then follows files deleted, added, truncated and cut by a crash", async () => {
  const root = await Deno.makeTempDir();
  const dir = join(root, "rec");
  const index = RecordingIndex.open(join(root, "index.sqlite"));
  try {
    const paths = [0, 1, 2, 3].map((i) => segmentPath("front", T0 + i * MIN)); // crosses midnight
    for (const p of paths) await makeSegment(join(dir, p), 30);
    await makeSegment(join(dir, segmentPath("back", T0)), 45);
    await Deno.writeTextFile(join(dir, thumbnailPath(paths[0])), "jpeg"); // thumbnails are expected
    await Deno.writeTextFile(join(dir, "README.txt"), "not a segment");
    await Deno.symlink("/etc", join(dir, "front", "elsewhere"));

    // First start: everything on disk is new.
    const first = await reconcile(dir, index);
    assert.deepEqual(first.added.sort(), [...paths, segmentPath("back", T0)].sort());
    assert.deepEqual(first.removed, []);
    assert.deepEqual(first.problems.map((p) => p.path).sort(), ["README.txt", "front/elsewhere"]);
    assert.equal(first.walkedAll, true);
    const row = index.getByPath(paths[0])!;
    assert.equal(row.frames, 30);
    assert.equal(row.keyframes, 1);
    assert.equal(row.complete, true);
    assert.equal(row.endMs, T0 + 1000);
    assert.equal(row.bytes, (await Deno.stat(join(dir, paths[0]))).size);
    assert.deepEqual([row.thumbnail, row.thumbnailBytes], [thumbnailPath(paths[0]), 4]);
    assert.deepEqual(first.thumbnails, [paths[0]]);
    assert.equal(index.getByPath(segmentPath("back", T0))!.endMs, T0 + 1500);

    // A second start with nothing changed changes nothing.
    const again = await reconcile(dir, index);
    assert.deepEqual([
      again.added,
      again.removed,
      again.remeasured,
      again.repaired,
      again.discarded,
      again.thumbnails,
    ], [
      [],
      [],
      [],
      [],
      [],
      [],
    ]);

    // While eyrie was down: one deleted, one added, one cut inside its last fragment.
    await Deno.remove(join(dir, paths[1]));
    await Deno.remove(join(dir, thumbnailPath(paths[0])));
    const added = segmentPath("front", T0 + 10 * MIN);
    await makeSegment(join(dir, added), 60);
    const cutSize = (await Deno.stat(join(dir, paths[2]))).size - 2000;
    await Deno.truncate(join(dir, paths[2]), cutSize);
    // And a segment that was being written when eyrie was killed: its row is still open.
    const open = index.openSegment(segmentPath("front", T0 + 20 * MIN));
    await makeSegment(join(dir, open.path), 45);
    await Deno.truncate(join(dir, open.path), (await Deno.stat(join(dir, open.path))).size - 1500);
    // An empty file (killed before the muxer wrote anything) and a file that is not MP4.
    const empty = segmentPath("front", T0 + 30 * MIN);
    await Deno.writeFile(join(dir, empty), new Uint8Array());
    const alien = segmentPath("front", T0 + 40 * MIN);
    await Deno.writeTextFile(join(dir, alien), "definitely not an mp4 file");
    // A segment cut inside its first fragment: nothing playable, left for a person.
    const stub = segmentPath("front", T0 + 50 * MIN);
    await makeSegment(join(dir, stub), 30);
    await Deno.truncate(join(dir, stub), 3000);

    const report = await reconcile(dir, index);
    assert.deepEqual(report.removed, [paths[1]]);
    assert.deepEqual(report.added, [added]);
    assert.deepEqual(report.remeasured.sort(), [paths[2], open.path].sort());
    assert.deepEqual(report.repaired.map((r) => r.path).sort(), [paths[2], open.path].sort());
    assert.deepEqual(report.discarded, [empty]);
    assert.deepEqual(report.thumbnails, [paths[0]]);
    assert.equal(index.getByPath(paths[0])!.thumbnail, null);
    assert.ok(report.problems.some((p) => p.path === alien && /not an MP4/.test(p.reason)));
    assert.ok(report.problems.some((p) => p.path === stub && /no whole fragment/.test(p.reason)));
    assert.equal(index.getByPath(stub), undefined);
    assert.equal((await Deno.stat(join(dir, stub))).size, 3000);

    assert.equal(index.getByPath(paths[1]), undefined);
    assert.equal(index.getByPath(added)!.frames, 60);
    assert.equal(index.getByPath(empty), undefined);
    assert.equal(index.getByPath(alien), undefined);
    assert.equal(await Deno.readTextFile(join(dir, alien)), "definitely not an mp4 file");
    await assert.rejects(Deno.stat(join(dir, empty)), Deno.errors.NotFound);

    for (const p of [paths[2], open.path]) {
      const r = index.getByPath(p)!;
      const file = join(dir, p);
      const scan = await scanMp4(file);
      assert.equal(r.complete, false, p);
      assert.equal(r.bytes, (await Deno.stat(file)).size);
      assert.equal(r.frames, scan.frames);
      assert.equal(r.frames, await countFrames(file));
      assert.equal(r.endMs, r.startMs + scan.durationMs);
      assert.ok(Math.abs((r.endMs! - r.startMs) / 1000 - (await probeDuration(file))!) <= 1 / FPS);
    }
    assert.equal(index.getByPath(paths[2])!.frames, 15); // the cut 500 ms fragment went
    assert.equal(index.getByPath(open.path)!.frames, 30);
  } finally {
    index.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("reconcile() drops the rows of an empty recordings dir", async () => {
  const root = await Deno.makeTempDir();
  const index = RecordingIndex.open(join(root, "index.sqlite"));
  try {
    index.addSegment(segmentPath("front", T0), {
      endMs: T0 + MIN,
      bytes: 10,
      frames: 1,
      keyframes: 1,
      complete: true,
    });
    const dir = join(root, "rec");
    await Deno.mkdir(dir);
    const report = await reconcile(dir, index);
    assert.deepEqual(report.removed, [segmentPath("front", T0)]);
    assert.equal(index.totalBytes(), 0);
  } finally {
    index.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("reconcile() deletes thumbnails whose segment is gone, of an empty segment, and half-written ones", async () => {
  const root = await Deno.makeTempDir();
  const dir = join(root, "rec");
  const index = RecordingIndex.open(join(root, "index.sqlite"));
  const put = async (path: string, text: string) => {
    await Deno.mkdir(dirname(join(dir, path)), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  };
  try {
    const kept = segmentPath("front", T0);
    await makeSegment(join(dir, kept), 30);
    await put(thumbnailPath(kept), "jpeg");
    // A full disk: the segment failed and went, its thumbnail stayed (issue 14).
    const gone = segmentPath("front", T0 + MIN);
    await put(thumbnailPath(gone), "jpeg");
    // Killed before the muxer wrote a byte, with its thumbnail already written.
    const empty = segmentPath("front", T0 + 2 * MIN);
    await put(empty, "");
    await put(thumbnailPath(empty), "jpeg");
    // Killed while the thumbnail was being written.
    const partial = `${thumbnailPath(segmentPath("front", T0 + 3 * MIN))}.part`;
    await put(partial, "jp");

    const report = await reconcile(dir, index);
    assert.deepEqual(report.added, [kept]);
    assert.deepEqual(report.discarded, [empty]);
    assert.deepEqual(
      report.orphans.sort(),
      [partial, thumbnailPath(gone), thumbnailPath(empty)].sort(),
    );
    assert.deepEqual(report.problems, []);
    for (const p of [partial, thumbnailPath(gone), thumbnailPath(empty)]) {
      await assert.rejects(Deno.stat(join(dir, p)), Deno.errors.NotFound, p);
    }
    assert.equal(await Deno.readTextFile(join(dir, thumbnailPath(kept))), "jpeg");
    assert.equal(index.getByPath(kept)!.thumbnailBytes, 4);
  } finally {
    index.close();
    await Deno.remove(root, { recursive: true });
  }
});
