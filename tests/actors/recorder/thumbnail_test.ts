// Thumbnails from a real x264 keyframe, judged by ffprobe.
import assert from "node:assert/strict";
import { join } from "node:path";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import {
  segmentPath,
  thumbnailPath,
  thumbnailSize,
  writeThumbnail,
} from "../../../actors/recorder/mod.ts";
import { run, sourceArgs } from "./_media.ts";

/** The first access unit x264 makes: an IDR with SPS and PPS. */
function firstKeyframe(): Uint8Array {
  using p = Pipeline.parse([...sourceArgs({ frames: 1 }), "!", "appsink", "name=out"].join(" "));
  p.setState("playing", { timeoutMs: 5000 });
  const s = p.appSink("out").pull({ timeoutMs: 5000 });
  assert.ok(s !== null && s.keyframe);
  const out = new Uint8Array(s.size);
  s.copyTo(out);
  return out;
}

Deno.test("thumbnailSize() keeps the aspect ratio at most 320 wide with even sides", () => {
  assert.deepEqual(thumbnailSize(1280, 720), { width: 320, height: 180 });
  assert.deepEqual(thumbnailSize(1920, 1080), { width: 320, height: 180 });
  assert.deepEqual(thumbnailSize(640, 480), { width: 320, height: 240 });
  assert.deepEqual(thumbnailSize(200, 150), { width: 200, height: 150 });
  assert.deepEqual(thumbnailSize(1080, 1920), { width: 320, height: 568 });
  assert.throws(() => thumbnailSize(0, 720), RangeError);
});

Deno.test("writeThumbnail() decodes a keyframe into a JPEG beside its segment, under its real name only when whole", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = segmentPath("front", Date.UTC(2026, 10, 22, 14, 3, 5, 123));
    const bytes = await writeThumbnail(dir, path, firstKeyframe(), {
      width: 320,
      height: 240,
      timeoutMs: 5000,
    });
    const file = join(dir, thumbnailPath(path));
    assert.equal((await Deno.stat(file)).size, bytes);
    const probe = await run("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "stream=codec_name,width,height",
      "-of",
      "csv=p=0",
      file,
    ]);
    assert.equal(probe.stdout.trim(), "mjpeg,320,240");
    const names = [];
    for await (const e of Deno.readDir(join(dir, "front", "2026-11-22"))) names.push(e.name);
    assert.deepEqual(names, ["2026-11-22T14-03-05.123Z.jpg"]); // no partial file left

    // Garbage instead of a keyframe: an error, and nothing written.
    await assert.rejects(
      writeThumbnail(dir, segmentPath("front", 1000), new Uint8Array([0, 0, 0, 1, 0x65, 1, 2]), {
        width: 320,
        height: 240,
        timeoutMs: 3000,
      }),
    );
    // Stopped: nothing is written, nothing is left open.
    const stop = new AbortController();
    const stopped = writeThumbnail(dir, segmentPath("front", 2000), firstKeyframe(), {
      width: 320,
      height: 240,
      timeoutMs: 3000,
      signal: stop.signal,
    });
    stop.abort(new Error("stopping"));
    await assert.rejects(stopped, /stopping/);
    const left: string[] = [];
    for await (const e of Deno.readDir(join(dir, "front", "1970-01-01"))) left.push(e.name);
    assert.deepEqual(left, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
