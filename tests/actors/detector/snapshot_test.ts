// Snapshot JPEGs, decoded back by GStreamer's jpegdec (a decoder the project did not write).
import assert from "node:assert/strict";
import { SnapshotEncoder, snapshotSize } from "../../../actors/detector/snapshot.ts";
import { colourFrame } from "./_frames.ts";

/** Decodes a JPEG to a GRAY8 plane with gst-launch. */
async function decodeGray(jpeg: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-snapshot-" });
  try {
    await Deno.writeFile(`${dir}/in.jpg`, jpeg);
    const out = await new Deno.Command("gst-launch-1.0", {
      args: [
        "-q",
        "filesrc",
        `location=${dir}/in.jpg`,
        "!",
        "jpegdec",
        "!",
        "videoconvert",
        "!",
        `video/x-raw,format=GRAY8,width=${width},height=${height}`,
        "!",
        "filesink",
        `location=${dir}/out.gray`,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return await Deno.readFile(`${dir}/out.gray`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("SnapshotEncoder turns I420 frames into JPEGs that jpegdec reads back as the same picture", async () => {
  using enc = new SnapshotEncoder(320, 180);
  const rect = { x: 100, y: 60, w: 80, h: 40 };
  for (const level of [255, 128]) {
    const frame = colourFrame(320, 180, { rects: [{ ...rect, rgb: [level, level, level] }] });
    const jpeg = enc.encode(frame.data);
    assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], "a JPEG starts with SOI");
    assert.ok(jpeg.length < 40_000, `${jpeg.length} bytes`);
    const gray = await decodeGray(jpeg, 320, 180);
    assert.equal(gray.length, 320 * 180);
    const inside = gray[(rect.y + 20) * 320 + rect.x + 40];
    const outside = gray[10 * 320 + 10];
    // BT.601 limited range: RGB level L has Y ≈ 16 + 0.859 L.
    assert.ok(Math.abs(inside - (16 + 0.859 * level)) <= 6, `inside ${inside} for ${level}`);
    assert.ok(Math.abs(outside - 16) <= 6, `outside ${outside}`);
  }
});

/** The bright run's length along a row or a column of a GRAY8 plane. */
function brightRun(gray: Uint8Array, width: number, at: { row?: number; col?: number }): number {
  let n = 0;
  const len = at.row !== undefined ? width : gray.length / width;
  for (let i = 0; i < len; i++) {
    const v = at.row !== undefined ? gray[at.row * width + i] : gray[i * width + at.col!];
    if (v > 128) n++;
  }
  return n;
}

Deno.test("A 4:3 camera's snapshot keeps its shape: a square stays square, not stretched to 16:9", async () => {
  const size = snapshotSize({ width: 320, height: 180 }, { width: 640, height: 480 });
  assert.deepEqual(size, { width: 240, height: 180 });
  assert.deepEqual(snapshotSize({ width: 320, height: 180 }, { width: 1280, height: 720 }), {
    width: 320,
    height: 180,
  });
  using enc = new SnapshotEncoder(320, 180, { out: size });
  // A 120x120 square of the camera's picture, as the 320x180 analysis frame squeezes it: 60x45.
  const frame = colourFrame(320, 180, {
    rects: [{ x: 100, y: 60, w: 60, h: 45, rgb: [255, 255, 255] }],
  });
  const jpeg = enc.encode(frame.data);
  const gray = await decodeGray(jpeg, 240, 180);
  assert.equal(gray.length, 240 * 180, "jpegdec reads a 240x180 picture");
  const wide = brightRun(gray, 240, { row: 82 });
  const tall = brightRun(gray, 240, { col: 97 });
  assert.ok(Math.abs(wide - 45) <= 3 && Math.abs(tall - 45) <= 3, `square is ${wide}x${tall}`);
});

Deno.test("SnapshotEncoder refuses a frame shorter than its size needs", () => {
  using enc = new SnapshotEncoder(64, 36);
  assert.throws(
    () => enc.encode(new Uint8Array(100)),
    /A 64x36 I420 frame needs 3456 bytes, got 100/,
  );
  assert.throws(
    () => new SnapshotEncoder(64, 36, { quality: 0 }),
    /quality must be 1 to 100, got 0/,
  );
});
