/** The packetizer actor's RTP ring, read back by GStreamer's depayloaders (peers we did not write). */
import assert from "node:assert/strict";
import { FrameFlags } from "../../../actors/defs.ts";
import { RingReader } from "../../../actors/ring/mod.ts";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { parseRtpHeader } from "../../../transports/rtp/mod.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { encoderChild } from "../../../actors/encoder/spec.ts";
import { packetizerChild } from "../../../actors/packetizer/spec.ts";
import { cameraConfig, startTree, until } from "../_camera_tree.ts";

interface Packet {
  bytes: Uint8Array;
  flags: number;
}

/** Reads `count` RTP packets from the ring, starting at a keyframe's first packet. */
async function readPackets(rtp: SharedArrayBuffer, count: number, index = 9): Promise<Packet[]> {
  const r = new RingReader(rtp, index, { start: "keyframe" });
  const out: Packet[] = [];
  const deadline = Date.now() + 30_000;
  try {
    while (out.length < count) {
      if (Date.now() > deadline) throw new Error(`Only ${out.length} of ${count} packets arrived`);
      if (!r.next()) {
        await r.wait(100);
        continue;
      }
      const bytes = new Uint8Array(r.size);
      if (r.copyTo(bytes) < 0) continue;
      out.push({ bytes, flags: r.flags });
    }
  } finally {
    r.close();
  }
  return out;
}

/** Pushes packets through `appsrc ! <depay> ! <decoder> ! appsink`; returns the frames decoded. */
async function decodeWithGstreamer(
  packets: Packet[],
  caps: string,
  chain: string,
): Promise<number> {
  using p = Pipeline.parse(
    `appsrc name=src format=time caps="${caps}" ! ${chain} ! appsink name=out sync=false`,
  );
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  let frames = 0;
  let pts = 0;
  for (const pkt of packets) {
    src.push(pkt.bytes, { pts });
    if (pkt.flags & FrameFlags.MARKER) pts += 33_333_333;
    while (sink.pull({ timeoutMs: 0 }) !== null) frames++;
  }
  src.endOfStream();
  for (;;) {
    const s = await sink.pullAsync({ timeoutMs: 2000 });
    if (s === null) break;
    frames++;
  }
  const err = p.bus.pop({ timeoutMs: 0, types: ["error"] });
  if (err?.type === "error") throw err.error;
  return frames;
}

function frameCount(packets: Packet[]): number {
  return packets.filter((p) => p.flags & FrameFlags.MARKER).length;
}

Deno.test("H.264 packets from the packetizer actor decode in rtph264depay ! avdec_h264, every frame", async () => {
  await using tree = await startTree(
    cameraConfig({
      source: "test",
      pattern: "ball",
      width: 320,
      height: 240,
      fps: 30,
      encoder: "x264",
    }),
    [cameraChild, encoderChild, packetizerChild],
  );
  const packets = await readPackets(tree.node.rings.rtp, 400);
  // Cut after the last complete frame.
  const last = packets.findLastIndex((p) => p.flags & FrameFlags.MARKER);
  const whole = packets.slice(0, last + 1);
  let seq = parseRtpHeader(whole[0].bytes).sequenceNumber;
  let ts = parseRtpHeader(whole[0].bytes).timestamp;
  for (const p of whole.slice(1)) {
    const h = parseRtpHeader(p.bytes);
    assert.equal(h.sequenceNumber, (seq + 1) & 0xffff, "contiguous sequence numbers");
    assert.ok(((h.timestamp - ts) | 0) >= 0, "timestamps never go back");
    assert.equal(h.ssrc, tree.node.rtp.ssrc);
    assert.ok(p.bytes.length <= 1200, "fits the WebRTC MTU");
    seq = h.sequenceNumber;
    ts = h.timestamp;
  }
  const frames = await decodeWithGstreamer(
    whole,
    "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96",
    "rtph264depay ! avdec_h264",
  );
  assert.equal(frames, frameCount(whole));
  await until("stream parameters for SDP", () => tree.node.streamParameters !== undefined);
  assert.match(
    tree.node.streamParameters!.profileLevelId,
    /^42[0-9a-f]{4}$/,
    "constrained baseline",
  );
});

Deno.test("JPEG packets from the packetizer actor decode in rtpjpegdepay ! jpegdec, every frame", async () => {
  await using tree = await startTree(
    cameraConfig({ source: "test", width: 320, height: 240, fps: 30, codec: "mjpeg" }),
    [cameraChild, encoderChild, packetizerChild],
  );
  const packets = await readPackets(tree.node.rings.rtp, 200);
  const last = packets.findLastIndex((p) => p.flags & FrameFlags.MARKER);
  const whole = packets.slice(0, last + 1);
  assert.equal(parseRtpHeader(whole[0].bytes).payloadType, 26);
  const frames = await decodeWithGstreamer(
    whole,
    "application/x-rtp,media=video,clock-rate=90000,encoding-name=JPEG,payload=26",
    "rtpjpegdepay ! jpegdec",
  );
  assert.equal(frames, frameCount(whole));
});

Deno.test("a restarted packetizer continues the RTP sequence and keeps the SSRC", async () => {
  await using tree = await startTree(
    cameraConfig({ source: "test", width: 160, height: 120, fps: 30, encoder: "x264" }),
    [cameraChild, encoderChild, packetizerChild],
  );
  const before = await readPackets(tree.node.rings.rtp, 20);
  const live = tree.sup.child("packetizer")!;
  await live.stop("restart", 2000); // the supervisor restarts a permanent child that ended
  await until(
    "a new packetizer",
    () => tree.sup.child("packetizer") !== undefined && tree.sup.child("packetizer") !== live,
  );
  const after = await readPackets(tree.node.rings.rtp, 20, 10);
  const a = parseRtpHeader(before.at(-1)!.bytes), b = parseRtpHeader(after[0].bytes);
  assert.equal(b.ssrc, a.ssrc);
  assert.ok(
    ((b.sequenceNumber - a.sequenceNumber) & 0xffff) < 0x8000,
    "the sequence moves on, never back",
  );
});
