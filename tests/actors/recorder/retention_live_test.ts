// Retention while real recorders write 2 s segments: a size quota, an age
// limit, and the free-disk floor on a small tmpfs (a simulated quota where
// mounting is not allowed).
import assert from "node:assert/strict";
import { join } from "node:path";
import { freeDiskBytes } from "../../../actors/recorder/mod.ts";
import { until } from "../_camera_tree.ts";
import { bytesUnder, startRecording } from "./_recording_tree.ts";

const SEGMENT_S = 2;
const MAX_BYTES = 1_200_000;
const MAX_AGE_S = 3;
const CHECK_MS = 500;

async function sizeQuota(dir: string): Promise<void> {
  await using tree = await startRecording({
    dir,
    cameras: [{ id: "a" }],
    recording: { max_bytes: MAX_BYTES },
    segmentS: SEGMENT_S,
    checkEveryMs: CHECK_MS,
  });
  const rec = tree.recordings.dir;
  let most = 0;
  const deadline = Date.now() + 12_000;
  while (Date.now() < deadline) {
    most = Math.max(most, await bytesUnder(rec));
    await new Promise((r) => setTimeout(r, 100));
  }
  await tree.stopCameras();
  const index = tree.recordings.index;
  const rows = index.oldest();
  const largest = Math.max(...rows.map((s) => s.bytes + s.thumbnailBytes));
  const written = tree.stats("a")!.segments;
  assert.ok(rows.length < written, `retention deleted ${written - rows.length} of ${written}`);
  assert.ok(
    most <= MAX_BYTES + largest,
    `${most} bytes on disk at most, over ${MAX_BYTES} + one segment (${largest})`,
  );
  // The index knows every byte on disk, thumbnails included.
  assert.equal(index.totalBytes(), await bytesUnder(rec));
}

async function ageLimit(dir: string): Promise<void> {
  await using tree = await startRecording({
    dir,
    cameras: [{ id: "b", recording: { max_age: `${MAX_AGE_S}s` } }],
    segmentS: SEGMENT_S,
    checkEveryMs: CHECK_MS,
  });
  await new Promise((r) => setTimeout(r, 11_000));
  const now = Date.now();
  const rows = tree.recordings.index.oldest();
  const written = tree.stats("b")!.segments;
  assert.ok(rows.length < written, `age retention deleted ${written - rows.length} of ${written}`);
  for (const s of rows) {
    if (s.endMs === null) continue;
    // Ended within max_age, give or take one check and the segment closing.
    assert.ok(
      s.endMs >= now - MAX_AGE_S * 1000 - CHECK_MS - 1000,
      `${s.path} ended ${now - s.endMs} ms ago`,
    );
  }
}

Deno.test("retention keeps a camera under max_bytes plus one segment, and deletes segments past max_age", async () => {
  const a = await Deno.makeTempDir();
  const b = await Deno.makeTempDir();
  try {
    await Promise.all([sizeQuota(a), ageLimit(b)]);
  } finally {
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});

const DISK_BYTES = 8 * 2 ** 20;
const FLOOR = "3MiB";
const FLOOR_BYTES = 3 * 2 ** 20;

/** A tmpfs of DISK_BYTES at `at`; false where this process may not mount. */
async function mountTmpfs(at: string): Promise<boolean> {
  const r = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${DISK_BYTES}`, "tmpfs", at],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => null);
  return r?.success ?? false;
}

Deno.test("recording stops with a health problem when the disk reaches its free-space floor, and resumes when space returns", async () => {
  const dir = await Deno.makeTempDir();
  const rec = join(dir, "rec");
  await Deno.mkdir(rec);
  const mounted = await mountTmpfs(rec);
  let busy = "";
  const filler = join(rec, "other-data.bin");
  try {
    // Without a tmpfs, a quota: the disk is DISK_BYTES, less what is in the dir.
    const quota = async () => DISK_BYTES - await bytesUnder(rec);
    const freeBytes = mounted ? undefined : quota;
    await using tree = await startRecording({
      dir,
      cameras: [{ id: "c" }],
      recording: { min_free: FLOOR },
      segmentS: SEGMENT_S,
      checkEveryMs: 300,
      freeBytes,
    });
    const { recordings } = tree;
    await until("a closed segment", () => recordings.index.oldest().some((s) => s.endMs !== null));
    assert.equal(recordings.diskFull, false);

    // Something else fills the disk to 512 KiB from full: every closed segment (one or two,
    // ~0.5 MB each) would not bring it back to the floor, so retention deletes none of them.
    const free = mounted ? await freeDiskBytes(rec) : await quota();
    await Deno.writeFile(filler, new Uint8Array(free - 512 * 1024));
    await until(
      "recording to stop",
      () => recordings.diskFull && tree.stats("c")?.state === "disk_full",
    );
    const problems = recordings.problems();
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^Recording paused: disk full at .*: .* free, floor 3\.1 MB/);
    assert.match(tree.stats("c")!.cause ?? "", /^disk full at .*: .* free, floor 3\.1 MB$/);
    await until("the open segment to close", () => recordings.index.openSegments().length === 0);
    const held = await bytesUnder(rec);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await bytesUnder(rec), held, "nothing written while stopped");
    assert.ok(recordings.freeBytes! < FLOOR_BYTES);

    // Space comes back: recording resumes, the problem goes.
    await Deno.remove(filler);
    await until(
      "recording to resume",
      () => !recordings.diskFull && recordings.index.openSegments().length === 1,
    );
    assert.deepEqual(recordings.problems(), []);
    await tree.stopCameras();
    assert.ok(recordings.freeBytes! >= FLOOR_BYTES);
  } finally {
    await Deno.remove(filler).catch(() => {});
    if (mounted) {
      const umount = await new Deno.Command("umount", { args: [rec], stderr: "piped" }).output();
      if (!umount.success) {
        // Something in this process still holds a file there: detach it and say so below.
        await new Deno.Command("umount", { args: ["-l", rec] }).output();
        busy = new TextDecoder().decode(umount.stderr);
      }
    }
    await Deno.remove(dir, { recursive: true });
  }
  if (busy !== "") throw new Error(`umount ${rec}: ${busy}`);
});
