// Thumbnails from the camera's raw frames: JPEGs judged by ffprobe, and a running eyrie that
// records with thumbnails yet never maps gst-libav (no H.264 decoder).
import assert from "node:assert/strict";
import { join } from "node:path";
import { segmentPath, thumbnailPath, writeThumbnail } from "../../../actors/recorder/mod.ts";
import { startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import { run } from "./_media.ts";

const probe = (file: string) =>
  run("ffprobe", [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_name,width,height",
    "-of",
    "csv=p=0",
    file,
  ]);

/** An I420 frame: a horizontal luma ramp, neutral chroma. */
function i420(width: number, height: number): Uint8Array {
  const frame = new Uint8Array(width * height * 3 / 2).fill(128);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) frame[y * width + x] = Math.round((x / width) * 255);
  }
  return frame;
}

Deno.test("writeThumbnail() encodes a raw frame into a JPEG at most 320 wide, with no decoder", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = segmentPath("front", Date.UTC(2026, 11, 7, 16, 0, 0, 0));
    const bytes = await writeThumbnail(dir, path, i420(640, 360), {
      width: 640,
      height: 360,
      raw: "I420",
      timeoutMs: 5000,
    });
    const file = join(dir, thumbnailPath(path));
    assert.equal((await Deno.stat(file)).size, bytes);
    assert.equal((await probe(file)).stdout.trim(), "mjpeg,320,180");
    // A frame shorter than its caps say: an error, and nothing left behind.
    await assert.rejects(
      writeThumbnail(dir, segmentPath("front", 1000), new Uint8Array(100), {
        width: 640,
        height: 360,
        raw: "I420",
        timeoutMs: 5000,
      }),
      /A I420 frame of 640x360 has 345600 bytes, got 100/,
    );
    const names = [];
    for await (const e of Deno.readDir(join(dir, "front", "2026-12-07"))) names.push(e.name);
    assert.deepEqual(names, ["2026-12-07T16-00-00.000Z.jpg"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

async function jpegs(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      const p = join(dir, e.name);
      if (e.isDirectory) out.push(...await jpegs(p));
      else if (e.name.endsWith(".jpg")) out.push(p);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

Deno.test("a recording H.264 camera gets its segment's thumbnail from a raw frame: gst-libav is never mapped", async () => {
  await using cfg = await tempConfig(
    `[recording]\ndir = "REC"\n[[camera]]\nid = "front"\nsource = "test"\n` +
      `width = 640\nheight = 360\nfps = 15\nencoder = "x264"\n[camera.detection]\nmotion = false\n`,
  );
  const rec = join(cfg.dir, "rec");
  await Deno.writeTextFile(cfg.file, (await Deno.readTextFile(cfg.file)).replace("REC", rec));
  const eyrie = await startEyrie(cfg.file);
  try {
    const deadline = Date.now() + 30_000; // a hang guard: the first segment opens at once
    let files: string[] = [];
    while ((files = await jpegs(rec)).length === 0) {
      assert.ok(Date.now() < deadline, `no thumbnail: ${eyrie.logs().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal((await probe(files[0])).stdout.trim(), "mjpeg,320,180");
    const maps = await Deno.readTextFile(`/proc/${eyrie.process.pid}/maps`);
    assert.match(maps, /libgstx264\.so/, "GStreamer's plugins are in this process's maps");
    assert.doesNotMatch(maps, /libgstlibav|libavcodec/, "no H.264 decoder was loaded");
  } finally {
    assert.equal(await eyrie.stop(), 0, eyrie.logs().slice(-2000));
  }
});
