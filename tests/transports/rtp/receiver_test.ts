import assert from "node:assert/strict";
import {
  codecOfPayloadType,
  H264Payloader,
  JpegPayloader,
  PacketBuffer,
  parseRtcp,
  type Payloader,
  RtpPacketizer,
  RtpReceiver,
  RtpSequencer,
  senderReport,
} from "../../../transports/rtp/mod.ts";
import { h264, jpegs } from "./_media.ts";

const FRAME_NS = 33_333_333;

/** RTP packets of `frames`, one array per frame. */
function packetize(
  frames: Uint8Array[],
  options: { codec: "h264" | "mjpeg"; ssrc?: number; payloadType?: number; firstPts?: number },
): Uint8Array[][] {
  const payloader: Payloader = options.codec === "h264"
    ? new H264Payloader({ mtu: 1200 })
    : new JpegPayloader({ mtu: 1200 });
  const p = new RtpPacketizer(payloader, {
    payloadType: options.payloadType ?? (options.codec === "h264" ? 96 : 26),
    ssrc: options.ssrc ?? 0x5eed,
    sequencer: new RtpSequencer({ initial: 65500 }),
  });
  const buf = new PacketBuffer({ slotBytes: 1200 });
  return frames.map((data, i) => {
    buf.clear();
    const n = p.packetize(
      { data, ptsNs: (options.firstPts ?? 0) + i * FRAME_NS, captureNs: 0 },
      buf,
    );
    return Array.from({ length: n }, (_, k) => buf.packet(k).slice());
  });
}

/** Feeds packets (arriving one frame interval apart per frame); returns the frames' keyframe flags. */
function receive(rx: RtpReceiver, frames: Uint8Array[][], startNs = 0): boolean[] {
  const out: boolean[] = [];
  frames.forEach((packets, f) => {
    for (const p of packets) {
      for (let r = rx.push(p, startNs + f * FRAME_NS); r.kind !== "more"; r = rx.pull()) {
        if (r.kind === "frame") out.push(r.keyframe);
      }
    }
  });
  return out;
}

function receiver(codec?: "h264" | "mjpeg"): RtpReceiver {
  return new RtpReceiver({ codec, ssrc: 42, cname: "test@eyrie" });
}

Deno.test("codecOfPayloadType(): 26 is JPEG, 96-127 H.264, the rest unknown", () => {
  assert.equal(codecOfPayloadType(26), "mjpeg");
  assert.equal(codecOfPayloadType(96), "h264");
  assert.equal(codecOfPayloadType(127), "h264");
  assert.equal(codecOfPayloadType(33), null);
  assert.equal(codecOfPayloadType(95), null);
});

Deno.test("RtpReceiver rebuilds every x264 access unit and every jpegenc frame, codec from the payload type", async () => {
  const aus = (await h264(30, { gop: 10 })).files;
  const rx = receiver();
  const keys = receive(rx, packetize(aus, { codec: "h264" }));
  assert.equal(keys.length, 30);
  assert.deepEqual(keys.map((k, i) => [i, k]).filter(([, k]) => k).map(([i]) => i), [0, 10, 20]);
  assert.deepEqual(rx.source, { ssrc: 0x5eed, payloadType: 96, codec: "h264" });
  assert.equal(rx.needsKeyframe, false);
  assert.equal(rx.counters.lost, 0);

  const jpgs = (await jpegs("420", 12)).files;
  const jx = receiver();
  assert.equal(receive(jx, packetize(jpgs, { codec: "mjpeg" })).length, 12);
  assert.equal(jx.source?.codec, "mjpeg");
});

Deno.test("a lost packet counts, drops H.264 frames to the next IDR, and the feedback asks for one (PLI)", async () => {
  const aus = (await h264(60, { gop: 30 })).files;
  const frames = packetize(aus, { codec: "h264" });
  // The first packet of frame 3 never arrives; when it was the frame's only one, the
  // depacketizer never sees frame 3 at all, so it drops one frame fewer.
  const seen3 = frames[3].length > 1 ? 1 : 0;
  frames[3] = frames[3].slice(1);
  const rx = receiver();
  const out: boolean[] = [];
  // The loss shows once the reorder window (16 packets) gives the packet up, some
  // frames later; from then until the IDR of frame 30 the feedback carries a PLI.
  const pliAt: number[] = [];
  frames.forEach((packets, f) => {
    for (const p of packets) {
      for (let r = rx.push(p, f * FRAME_NS); r.kind !== "more"; r = rx.pull()) {
        if (r.kind === "frame") out.push(r.keyframe);
      }
    }
    const rtcp = parseRtcp(rx.feedback(f * FRAME_NS)!);
    if (rtcp.some((p) => p.type === "pli" && p.mediaSsrc === 0x5eed)) pliAt.push(f);
  });
  assert.ok(pliAt.length > 0 && pliAt[0] > 3 && pliAt.at(-1) === 29, `PLI at ${pliAt}`);
  assert.deepEqual(pliAt, Array.from({ length: pliAt.length }, (_, i) => pliAt[0] + i));
  assert.equal(out.length, 60 - 27, "frames 3 to 29 are dropped");
  assert.equal(out[3], true, "the stream resumes at the IDR");
  assert.equal(rx.counters.lost, 1);
  assert.equal(rx.counters.droppedFrames, 26 + seen3);
  const [rr] = parseRtcp(rx.feedback(60 * FRAME_NS, { pli: false })!);
  assert.ok(rr.type === "rr" && rr.reports[0].cumulativeLost === 1);
});

Deno.test("another SSRC is foreign while the stream runs, and takes over after a second of silence", async () => {
  const jpgs = (await jpegs("420", 12)).files;
  const a = packetize(jpgs.slice(0, 4), { codec: "mjpeg", ssrc: 1 });
  const b = packetize(jpgs.slice(4, 8), { codec: "mjpeg", ssrc: 2 });
  const rx = receiver();
  assert.equal(receive(rx, a).length, 4);
  assert.equal(receive(rx, b.slice(0, 1), 4 * FRAME_NS).length, 0, "SSRC 2 while 1 is live");
  assert.ok(rx.counters.foreign > 0);
  assert.equal(receive(rx, b.slice(1), 2e9).length, 3, "SSRC 2 after 2 s of silence from 1");
  assert.equal(rx.source?.ssrc, 2);
});

Deno.test("an unknown payload type is foreign unless the codec is given", async () => {
  const aus = (await h264(10, { gop: 10 })).files;
  const frames = packetize(aus, { codec: "h264", payloadType: 33 });
  const auto = receiver();
  assert.equal(receive(auto, frames).length, 0);
  assert.equal(auto.counters.foreignPayloadType, 33);
  assert.equal(auto.source, undefined);
  assert.equal(receive(receiver("h264"), frames).length, 10);
});

Deno.test("interval() gives fps, kbps, loss and jitter since the last call", async () => {
  const jpgs = (await jpegs("420", 12)).files;
  const frames = packetize(jpgs, { codec: "mjpeg" });
  const rx = receiver();
  receive(rx, frames.slice(0, 1));
  rx.interval(0);
  const rest = frames.slice(1, 11);
  rest[4] = rest[4].slice(1); // one packet lost
  receive(rx, rest, FRAME_NS);
  // The last frames wait in the reorder window behind the gap: end the stream.
  for (let r = rx.flush(); r.kind !== "more"; r = rx.pull());
  const now = 11 * FRAME_NS;
  const bytes = rest.flat().reduce((n, p) => n + p.length, 0);
  const iv = rx.interval(now);
  assert.ok(Math.abs(iv.seconds - 11 / 30) < 1e-6);
  assert.ok(Math.abs(iv.fps - 9 / iv.seconds) < 1e-6, `fps ${iv.fps}`);
  assert.ok(Math.abs(iv.kbps - (bytes * 8) / iv.seconds / 1000) < 1e-6);
  assert.ok(Math.abs(iv.loss - 1 / (rest.flat().length + 1)) < 1e-9, `loss ${iv.loss}`);
  assert.ok(iv.jitterMs >= 0);
});

Deno.test("after a sender report, the RR echoes its NTP middle bits and the delay since it", async () => {
  const jpgs = (await jpegs("420", 12)).files;
  const rx = receiver();
  receive(rx, packetize(jpgs.slice(0, 2), { codec: "mjpeg" }));
  const sr = senderReport({
    ssrc: 0x5eed,
    unixMs: 1_700_000_000_000,
    rtpTimestamp: 0,
    packetCount: 2,
    octetCount: 1,
  });
  rx.senderReport(sr, 1e9);
  const [rr, sdes] = parseRtcp(rx.feedback(1.5e9)!);
  assert.ok(rr.type === "rr" && sdes.type === "sdes");
  assert.equal(rr.ssrc, 42);
  assert.equal(
    rr.reports[0].lastSr,
    ((sr.ntpSeconds & 0xffff) << 16 | sr.ntpFraction >>> 16) >>> 0,
  );
  assert.equal(rr.reports[0].delaySinceLastSr, 0.5 * 65536);
  assert.deepEqual(sdes.chunks[0].items, [{ type: 1, text: "test@eyrie" }]);
});
