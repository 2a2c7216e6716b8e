/**
 * A real H.264 stream across the TLS transport: GStreamer's x264enc encodes
 * 60 frames into an Annex-B byte-stream file (one AUD per access unit), the
 * test splits it at the AUDs, sends every access unit with its keyframe flag,
 * and compares what the receiver got byte for byte.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { FrameFlags, FrameFormat } from "../../../actors/defs.ts";
import { isKeyframe } from "../../../transports/rtp/h264/mod.ts";
import { type AccessUnit, listenAuReceiver, sendAccessUnits } from "../../../transports/tls/mod.ts";
import { makePki } from "../../certs/_pki.ts";
import { run, tempDir, within } from "../../certs/_run.ts";
import { concat } from "./_cases.ts";
import { NETWORK_TIMEOUT_MS, take } from "./_stream.ts";

const FRAMES = 60;
const FRAME_NS = 1_000_000_000 / 30;

/** Offsets of the access unit delimiters (start code + NAL type 9) in an Annex-B stream. */
function audOffsets(stream: Uint8Array): number[] {
  const offsets: number[] = [];
  for (let i = 0; i + 3 < stream.length; i++) {
    if (
      stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1 && (stream[i + 3] & 0x1f) === 9
    ) {
      offsets.push(i > 0 && stream[i - 1] === 0 ? i - 1 : i);
    }
  }
  return offsets;
}

Deno.test("60 access units that x264enc wrote arrive over mTLS byte for byte, keyframes flagged", async () => {
  await using tmp = await tempDir();
  const file = join(tmp.path, "test.h264");
  const gst = await run("gst-launch-1.0", [
    "-q",
    "videotestsrc",
    `num-buffers=${FRAMES}`,
    "!",
    "video/x-raw,width=320,height=240,framerate=30/1",
    "!",
    "x264enc",
    "tune=zerolatency",
    "speed-preset=ultrafast",
    "key-int-max=15",
    "aud=true",
    "!",
    "h264parse",
    "!",
    "video/x-h264,stream-format=byte-stream,alignment=au",
    "!",
    "filesink",
    `location=${file}`,
  ]);
  assert.equal(gst.code, 0, gst.stderr);
  const stream = await Deno.readFile(file);
  const offsets = audOffsets(stream);
  assert.equal(offsets.length, FRAMES);
  assert.equal(offsets[0], 0);
  const units: AccessUnit[] = offsets.map((start, i) => {
    const data = stream.subarray(start, offsets[i + 1] ?? stream.length);
    return {
      flags: isKeyframe(data) ? FrameFlags.KEYFRAME : 0,
      format: FrameFormat.H264,
      ptsNs: Math.round(i * FRAME_NS),
      captureNs: 1_000_000 + Math.round(i * FRAME_NS),
      data,
    };
  });
  const keyframes = units.flatMap((unit, i) => (unit.flags & FrameFlags.KEYFRAME ? [i] : []));
  assert.deepEqual(keyframes, [0, 15, 30, 45]);

  const pki = await makePki(tmp.path, "p256");
  const receiver = await listenAuReceiver({ certsDir: pki.dir, name: "console" });
  try {
    const received = take(receiver, FRAMES);
    const stats = await within(
      sendAccessUnits(units, {
        host: "127.0.0.1",
        port: receiver.port,
        certsDir: pki.dir,
        name: "alice",
        pins: [receiver.fingerprint256],
        maxQueuedAccessUnits: FRAMES,
      }),
      NETWORK_TIMEOUT_MS,
      "the stream to be sent",
    );
    assert.equal(stats.sent, FRAMES);
    assert.equal(stats.dropped, 0);
    const got = await received;
    for (const [i, unit] of got.entries()) {
      assert.equal(unit.seq, i);
      assert.equal(unit.flags, units[i].flags, `flags of AU ${i}`);
      assert.equal(unit.ptsNs, units[i].ptsNs);
      assert.equal(unit.captureNs, units[i].captureNs);
      assert.ok(Buffer.from(unit.data).equals(units[i].data), `bytes of AU ${i}`);
      assert.equal(unit.peer?.cn, "alice");
    }
    // Put back together, the access units are the file GStreamer wrote.
    assert.ok(Buffer.from(concat(got.map((unit) => unit.data))).equals(stream));
  } finally {
    await within(receiver.close(), NETWORK_TIMEOUT_MS, "the receiver to close");
  }
});
