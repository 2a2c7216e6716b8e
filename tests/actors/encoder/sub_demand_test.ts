/**
 * The sub stream is encoded only while something uses it: the real camera,
 * encoder and sub encoder actors on a test source; the main thread's word
 * (demand.ts) set as the viewer actor sets it.
 */
import assert from "node:assert/strict";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { encoderChild } from "../../../actors/encoder/spec.ts";
import { subEncoderChild } from "../../../actors/encoder/sub.ts";
import { Demand, LINGER_MS, setDemand } from "../../../actors/encoder/demand.ts";
import { FrameFlags } from "../../../actors/defs.ts";
import type { EncoderStats } from "../../../actors/encoder/protocol.ts";
import { RingReader } from "../../../actors/ring/mod.ts";
import { cameraConfig, startTree, until } from "../_camera_tree.ts";

Deno.test("Demand: wanted while used and for LINGER_MS after, by the caller's clock", () => {
  const sab = new SharedArrayBuffer(4);
  const d = new Demand(sab);
  assert.equal(d.wanted(0), false);
  setDemand(sab, 2);
  assert.equal(d.wanted(1000), true);
  setDemand(sab, 0);
  assert.equal(d.wanted(1000 + LINGER_MS - 1), true);
  assert.equal(d.wanted(1000 + LINGER_MS), false);
});

Deno.test("the sub encoder encodes nothing until the sub stream is used, then starts on a keyframe at once", async () => {
  const cam = cameraConfig({
    source: "test",
    width: 320,
    height: 180,
    fps: 30,
    encoder: "x264",
    detection: { motion: false },
    sub: { width: 160, height: 90, bitrate_kbps: 200 },
  });
  await using tree = await startTree(cam, [cameraChild, encoderChild, subEncoderChild]);
  const node = tree.node;
  const sub = () => node.stats.get("sub-encoder") as EncoderStats | undefined;
  const main = () => node.stats.get("encoder") as EncoderStats | undefined;
  // The main stream runs; the sub encoder reports, idle, with nothing encoded.
  await until("the main stream and the sub encoder's first reports", () => {
    return (main()?.accessUnits ?? 0) > 30 && sub() !== undefined;
  });
  const mainAt = main()!.accessUnits;
  await until("a second of main stream", () => main()!.accessUnits >= mainAt + 30);
  assert.equal(sub()!.idle, true);
  assert.equal(sub()!.accessUnits, 0);
  assert.equal(sub()!.framesIn, 0);

  // A viewer on the sub stream: its first access unit is a keyframe, at the sub stream's size.
  const reader = new RingReader(node.rings.subAu!, 6, { start: "next" });
  try {
    setDemand(node.subDemand, 1);
    await until("the sub stream's first access unit", () => reader.lag > 0, 5000);
    assert.ok(reader.next());
    assert.notEqual(reader.flags & FrameFlags.KEYFRAME, 0);
    assert.notEqual(reader.flags & FrameFlags.DISCONT, 0);
    assert.equal(reader.width, 160);
    await until("the sub encoder reports it runs", () => sub()!.idle === false && sub()!.fps > 10);
  } finally {
    reader.close();
  }
  // Nobody uses it any more: after the linger it is idle again, and the main stream went on.
  setDemand(node.subDemand, 0);
  await until("the sub encoder idle again", () => sub()!.idle, LINGER_MS + 5000);
  const idleAt = sub()!.framesIn;
  const mainNow = main()!.accessUnits;
  await until("another second of main stream", () => main()!.accessUnits >= mainNow + 30);
  assert.equal(sub()!.framesIn, idleAt);
});

Deno.test('the sub encoder on encoder = "auto" probes the hardware encoders first and falls back to x264 here, saying why', async () => {
  const cam = cameraConfig({
    source: "test",
    width: 320,
    height: 180,
    fps: 15,
    encoder: "auto",
    detection: { motion: false },
    sub: { width: 160, height: 90, bitrate_kbps: 200 },
  });
  await using tree = await startTree(cam, [cameraChild, encoderChild, subEncoderChild]);
  const node = tree.node;
  setDemand(node.subDemand, 1);
  await until("the sub stream encoding", () => {
    const s = node.stats.get("sub-encoder") as EncoderStats | undefined;
    return s !== undefined && s.accessUnits > 5;
  });
  const sub = node.stats.get("sub-encoder") as EncoderStats;
  // No V4L2 M2M, NVENC or VA device on this machine: each was probed and passed over.
  assert.equal(sub.element, "x264enc");
  assert.equal(sub.hardware, false);
  const passedOver = tree.logs.filter((r) =>
    r.actor === `${cam.id}/sub-encoder` && r.msg === "encoder unavailable"
  ).map((r) => (r.fields as { element: string }).element);
  assert.deepEqual(passedOver, ["v4l2h264enc", "nvh264enc", "vah264enc", "vaapih264enc"]);
  const started = tree.logs.find((r) =>
    r.actor === `${cam.id}/sub-encoder` && r.msg === "encoding"
  );
  assert.deepEqual(started?.fields, {
    element: "x264enc",
    hardware: false,
    kbps: 200,
    scaler: "videoscale",
  });
  const d = await node.subEncoder!.call("describe", {});
  assert.match(
    d.pipeline,
    /videoscale ! video\/x-raw,width=160,height=90 ! videoconvert ! x264enc/,
  );
});
