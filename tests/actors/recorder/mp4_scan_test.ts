import assert from "node:assert/strict";
import { join } from "node:path";
import { repairMp4, scanMp4 } from "../../../actors/recorder/mp4_scan.ts";
import { countFrames, decodeErrors, FPS, makeSegment, probeDuration } from "./_media.ts";

async function withSegment(frames: number, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "seg.mp4");
    await makeSegment(path, frames);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("scanMp4() measures a closed segment as ffprobe does", async () => {
  await withSegment(45, async (path) => {
    const scan = await scanMp4(path);
    assert.equal(scan.damage, null);
    assert.equal(scan.finalised, true);
    assert.equal(scan.fragmented, true);
    assert.equal(scan.frames, 45);
    assert.equal(scan.frames, await countFrames(path));
    assert.equal(scan.keyframes, 2); // key-int-max=30
    assert.equal(scan.fragments, 3); // 500 ms fragments
    assert.equal(scan.validBytes, scan.fileBytes);
    assert.ok(Math.abs(scan.durationMs / 1000 - (await probeDuration(path))!) <= 1 / FPS);
  });
});

Deno.test("repairMp4() cuts a segment broken inside a fragment back to its last whole fragment", async () => {
  await withSegment(90, async (path) => {
    const whole = await scanMp4(path);
    // Cut 3000 bytes: past the mfra (~100 bytes), inside the last fragment's samples.
    await Deno.truncate(path, whole.fileBytes - 3000);
    const cut = await scanMp4(path);
    assert.match(cut.damage!, /"mdat".*the file ends/);
    assert.ok(cut.validBytes < cut.fileBytes);

    const repair = await repairMp4(path);
    assert.equal(repair.leftAlone, null);
    assert.equal(repair.truncatedBytes, cut.fileBytes - cut.validBytes);
    assert.equal((await Deno.stat(path)).size, cut.validBytes);
    const after = await scanMp4(path);
    assert.equal(after.damage, null);
    assert.equal(after.finalised, false);
    assert.equal(after.frames, whole.frames - 15); // the last 500 ms fragment went
    assert.equal(await decodeErrors(path), "");
    assert.equal(await countFrames(path), after.frames);
    assert.ok(Math.abs(after.durationMs / 1000 - (await probeDuration(path))!) <= 1 / FPS);
  });
});

Deno.test("repairMp4() cuts the zeros a power cut leaves after the last box", async () => {
  await withSegment(30, async (path) => {
    const whole = await scanMp4(path);
    using f = await Deno.open(path, { append: true });
    await f.write(new Uint8Array(4096));
    const repair = await repairMp4(path);
    assert.equal(repair.truncatedBytes, 4096);
    assert.equal((await Deno.stat(path)).size, whole.fileBytes);
    assert.equal((await scanMp4(path)).frames, 30);
  });
});

Deno.test("repairMp4() leaves a file alone when more is damaged than a crash explains", async () => {
  await withSegment(60, async (path) => {
    const size = (await Deno.stat(path)).size;
    await Deno.truncate(path, size - 3000);
    const repair = await repairMp4(path, { maxDiscardBytes: 100 });
    assert.equal(repair.truncatedBytes, 0);
    assert.match(repair.leftAlone!, /would cut \d+ bytes, over the 100/);
    assert.equal((await Deno.stat(path)).size, size - 3000);
  });
});

Deno.test("repairMp4() leaves alone a file with no whole fragment", async () => {
  await withSegment(30, async (path) => {
    // Keep ftyp, moov and the start of the first fragment only.
    const bytes = await Deno.readFile(path);
    const moofAt = bytes.findIndex((_, i) =>
      bytes[i] === 0x6d && bytes[i + 1] === 0x6f && bytes[i + 2] === 0x6f && bytes[i + 3] === 0x66
    ) - 4;
    await Deno.truncate(path, moofAt + 2000);
    const repair = await repairMp4(path);
    assert.match(repair.leftAlone!, /no whole fragment/);
    assert.equal(repair.scan.frames, 0);
  });
});

Deno.test("scanMp4() refuses a file that is not MP4 and never changes it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "x.mp4");
    await Deno.writeTextFile(path, "\x1aE\xdf\xa3 this is Matroska, not MP4");
    await assert.rejects(scanMp4(path), { name: "SyntaxError" });
    await assert.rejects(repairMp4(path), SyntaxError);
    await Deno.writeTextFile(path, "0000moov not first");
    await assert.rejects(scanMp4(path), { name: "SyntaxError", message: /starts with "moov"/ });
    assert.equal(await Deno.readTextFile(path), "0000moov not first");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
