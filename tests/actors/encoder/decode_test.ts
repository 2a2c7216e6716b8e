/** The camera → encoder path, checked by decoders the project did not write. */
import assert from "node:assert/strict";
import { FrameFlags } from "../../../actors/defs.ts";
import { cameraConfig, readAccessUnits, run, startTree, until } from "../_camera_tree.ts";

async function frameCount(file: string, format: string): Promise<number> {
  const r = await run("ffprobe", [
    "-v",
    "error",
    "-f",
    format,
    "-count_frames",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=nb_read_frames",
    "-of",
    "csv=p=0",
    file,
  ]);
  assert.equal(r.code, 0, r.out);
  return Number(r.out.trim());
}

Deno.test("300 H.264 access units from the encoder actor all decode (ffprobe and avdec_h264)", async () => {
  await using tree = await startTree(
    cameraConfig({
      source: "test",
      pattern: "ball",
      width: 320,
      height: 240,
      fps: 30,
      encoder: "x264",
    }),
  );
  const { bytes, units } = await readAccessUnits(tree.node.rings.au, 300);
  assert.ok(units[0].flags & FrameFlags.KEYFRAME, "starts on a keyframe");
  assert.ok(units[0].flags & FrameFlags.CONFIG, "the keyframe carries SPS/PPS");
  for (let i = 1; i < units.length; i++) {
    assert.ok(units[i].pts > units[i - 1].pts, "pts increase");
    assert.ok(units[i].captureNs > 0, "capture time carried through");
  }
  const file = await Deno.makeTempFile({ suffix: ".h264" });
  try {
    await Deno.writeFile(file, bytes);
    assert.equal(await frameCount(file, "h264"), 300);
    const gst = await run("gst-launch-1.0", [
      "-q",
      "filesrc",
      `location=${file}`,
      "!",
      "h264parse",
      "!",
      "avdec_h264",
      "!",
      "fakesink",
    ]);
    assert.equal(gst.code, 0, gst.out);
  } finally {
    await Deno.remove(file);
  }
  await until("encoder stats", () => tree.node.stats.has("encoder"));
  const stats = tree.node.stats.get("encoder") as { element: string; latencyP50Ms: number };
  assert.equal(stats.element, "x264enc");
});

Deno.test("300 MJPEG frames from the encoder actor all decode (ffprobe and jpegdec)", async () => {
  await using tree = await startTree(
    cameraConfig({ source: "test", width: 320, height: 240, fps: 30, codec: "mjpeg" }),
  );
  const { bytes, units } = await readAccessUnits(tree.node.rings.au, 300);
  assert.ok(units.every((u) => u.flags & FrameFlags.KEYFRAME), "every JPEG is a keyframe");
  const file = await Deno.makeTempFile({ suffix: ".mjpeg" });
  try {
    await Deno.writeFile(file, bytes);
    assert.equal(await frameCount(file, "mjpeg"), 300);
    const gst = await run("gst-launch-1.0", [
      "-q",
      "filesrc",
      `location=${file}`,
      "!",
      "jpegparse",
      "!",
      "jpegdec",
      "!",
      "fakesink",
    ]);
    assert.equal(gst.code, 0, gst.out);
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("a keyframe request makes the next access unit an IDR with SPS/PPS", async () => {
  await using tree = await startTree(
    cameraConfig({ source: "test", width: 320, height: 240, fps: 30, gop: 600, encoder: "x264" }),
  );
  await readAccessUnits(tree.node.rings.au, 5);
  await until("encoder running", () => tree.node.encoder !== undefined);
  tree.node.requestKeyframe();
  const { units } = await readAccessUnits(tree.node.rings.au, 15, { reader: 6 });
  // The reader starts at the last keyframe (the first IDR); a second one arrives well before the GOP of 600.
  const keys = units.filter((u) => u.flags & FrameFlags.KEYFRAME);
  assert.ok(keys.length >= 2, `a forced IDR among ${units.length} AUs`);
});

Deno.test("an encoder that is not here is a clear error naming the element and its package", async () => {
  await using tree = await startTree(
    cameraConfig({ source: "test", width: 320, height: 240, encoder: "nvenc" }),
  );
  await until(
    "start failure",
    () => tree.events.some((e) => e.type === "start_failed" && e.child === "encoder"),
  );
  const failed = tree.events.find((e) => e.type === "start_failed" && e.child === "encoder");
  assert.match(
    failed?.type === "start_failed" ? failed.message : "",
    /No working encoder \(nvh264enc: not available: no such hardware, or not installed \(Debian package gstreamer1\.0-plugins-bad\)\)/,
  );
});
