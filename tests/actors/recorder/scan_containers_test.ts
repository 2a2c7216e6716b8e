// The light scanners of Matroska and AVI, and reconcile over every
// container, on real files from gst-launch-1.0 (the chosen mux chains) and
// on the damage a crash or a disk can leave.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  MAX_REPAIR_DISCARD_BYTES,
  reconcile,
  RecordingIndex,
  repairAvi,
  repairMkv,
  repairSegment,
  scanAvi,
  scanMkv,
  segmentPath,
  thumbnailPath,
} from "../../../actors/recorder/mod.ts";
import { countFrames, FPS, makeSegment, probeDuration } from "./_media.ts";

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0, 0);
const MKV = { container: "mkv", codec: "h264", fps: FPS } as const;
const MKV_MJPEG = { container: "mkv", codec: "mjpeg", fps: FPS } as const;
const AVI = { container: "avi", codec: "mjpeg", fps: FPS } as const;

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("scanMkv() reads frames, keyframes, codec and duration of whole Matroska files", async () => {
  await inTempDir(async (dir) => {
    await makeSegment(join(dir, "h.mkv"), 45, MKV);
    await makeSegment(join(dir, "j.mkv"), 20, MKV_MJPEG);
    const h = await scanMkv(join(dir, "h.mkv"));
    assert.deepEqual([h.frames, h.keyframes, h.codec, h.finalised, h.damage], [
      45,
      2,
      "h264",
      true,
      null,
    ]);
    assert.equal(h.durationMs, 1500);
    const j = await scanMkv(join(dir, "j.mkv"));
    assert.deepEqual([j.frames, j.keyframes, j.codec, j.durationMs], [20, 20, "mjpeg", 667]);
  });
});

Deno.test("repairMkv() cuts a block the disk cut short and writes the duration of what is left", async () => {
  await inTempDir(async (dir) => {
    const file = join(dir, "cut.mkv");
    await makeSegment(file, 60, MKV);
    // Cut inside the last block, and take the Cues a clean close wrote with it: a crash's file.
    const whole = await scanMkv(file);
    await Deno.truncate(file, whole.fileBytes - 900);
    const before = await scanMkv(file);
    assert.equal(before.finalised, false);
    assert.match(before.damage!, /needs \d+ bytes/);
    const r = await repairMkv(file);
    assert.equal(r.leftAlone, null);
    assert.ok(r.truncatedBytes > 0);
    assert.equal(r.scan.damage, null);
    assert.equal(r.scan.frames, await countFrames(file));
    const probed = await probeDuration(file);
    assert.ok(probed !== null && Math.abs(probed - r.scan.durationMs / 1000) <= 1 / FPS);
    // Done once: a second repair changes nothing.
    const again = await repairMkv(file);
    assert.deepEqual([again.truncatedBytes, again.wroteDuration], [0, false]);
  });
});

Deno.test("repairMkv() and repairAvi() leave alone what a crash cannot explain", async () => {
  await inTempDir(async (dir) => {
    const mkv = join(dir, "x.mkv");
    await makeSegment(mkv, 30, MKV);
    const size = (await Deno.stat(mkv)).size;
    const r = await repairMkv(mkv, { maxDiscardBytes: 10 });
    assert.equal(r.leftAlone, null); // whole: nothing to cut
    await Deno.truncate(mkv, size - 2000);
    const tight = await repairMkv(mkv, { maxDiscardBytes: 10 });
    assert.match(tight.leftAlone!, /over the 10 a crash can explain/);
    assert.equal((await Deno.stat(mkv)).size, size - 2000);
    await Deno.writeFile(join(dir, "junk.mkv"), new Uint8Array(100));
    await assert.rejects(scanMkv(join(dir, "junk.mkv")), SyntaxError);
    await Deno.writeFile(join(dir, "junk.avi"), new TextEncoder().encode("RIFF\0\0\0\0WAVE"));
    await assert.rejects(scanAvi(join(dir, "junk.avi")), SyntaxError);
    assert.ok(MAX_REPAIR_DISCARD_BYTES > 2000);
  });
});

Deno.test("scanAvi() reads a whole AVI; repairAvi() gives a cut one its counts, sizes and index", async () => {
  await inTempDir(async (dir) => {
    const file = join(dir, "a.avi");
    await makeSegment(file, 40, AVI);
    const whole = await scanAvi(file);
    assert.deepEqual(
      [whole.frames, whole.keyframes, whole.codec, whole.finalised, whole.durationMs],
      [40, 40, "mjpeg", true, 1333],
    );
    // What a crash leaves: frames written, but not the header, sizes or idx1 (cut, with its last chunk).
    const bytes = await Deno.readFile(file);
    const movi = new TextDecoder("latin1").decode(bytes).indexOf("idx1");
    const crashed = bytes.slice(0, movi - 700);
    const view = new DataView(crashed.buffer);
    view.setUint32(4, 0, true); // RIFF size as avimux leaves it until the end
    await Deno.writeFile(file, crashed);
    const cut = await scanAvi(file);
    assert.equal(cut.finalised, false);
    assert.equal(cut.frames, 39);
    const r = await repairAvi(file);
    assert.equal(r.rebuilt, true);
    assert.equal(r.scan.finalised, false); // the muxer did not close it
    assert.equal(r.scan.frames, 39);
    assert.equal(await countFrames(file), 39);
    const probed = await probeDuration(file);
    assert.ok(probed !== null && Math.abs(probed - 39 / FPS) <= 0.001, `${probed}`);
    assert.deepEqual((await scanAvi(file)).damage, null);
  });
});

Deno.test("reconcile() indexes segments of every container with their codec, and keeps thumbnails by stem", async () => {
  const root = await Deno.makeTempDir();
  const dir = join(root, "rec");
  const index = RecordingIndex.open(join(root, "index.sqlite"));
  try {
    const mkv = segmentPath("a", T0, "mkv");
    const mov = segmentPath("b", T0, "mov");
    const avi = segmentPath("c", T0, "avi");
    await makeSegment(join(dir, mkv), 30, MKV);
    await makeSegment(join(dir, mov), 30, { container: "mov", codec: "h264", fps: FPS });
    await makeSegment(join(dir, avi), 30, AVI);
    await Deno.writeTextFile(join(dir, thumbnailPath(avi)), "jpeg");
    // A thumbnail whose segment (in any container) is gone.
    await Deno.writeTextFile(join(dir, thumbnailPath(segmentPath("c", T0 + 60_000, "avi"))), "x");
    const report = await reconcile(dir, index);
    assert.deepEqual(report.added.sort(), [mkv, mov, avi].sort());
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.orphans, [thumbnailPath(segmentPath("c", T0 + 60_000, "avi"))]);
    assert.deepEqual(
      [mkv, mov, avi].map((p) => index.getByPath(p)!).map((
        r,
      ) => [r.codec, r.frames, r.endMs! - T0]),
      [["h264", 30, 1000], ["h264", 30, 1000], ["mjpeg", 30, 1000]],
    );
    assert.equal(index.getByPath(avi)!.thumbnailBytes, 4);
    // A crash-cut AVI is repaired at the next start, its row re-measured.
    const file = join(dir, avi);
    const bytes = await Deno.readFile(file);
    const at = new TextDecoder("latin1").decode(bytes).indexOf("idx1");
    await Deno.writeFile(file, bytes.slice(0, at - 100));
    const again = await reconcile(dir, index);
    assert.deepEqual(again.remeasured, [avi]);
    const row = index.getByPath(avi)!;
    assert.deepEqual([row.frames, row.complete], [29, false]);
    assert.equal(row.bytes, (await Deno.stat(file)).size);
    assert.equal((await repairSegment(file)).truncatedBytes, 0);
  } finally {
    index.close();
    await Deno.remove(root, { recursive: true });
  }
});
