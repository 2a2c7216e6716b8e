import assert from "node:assert/strict";
import {
  DEC_MAX_QUEUED,
  DecodeGate,
  PassthroughDecoder,
} from "../../../actors/camera/passthrough_decode.ts";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import { cameraConfig } from "../_camera_tree.ts";

Deno.test("DecodeGate: keyframes only, or every access unit from a keyframe on, never a P-frame after a skipped one", () => {
  const g = new DecodeGate();
  // I P P I P P with nothing needing every picture: the keyframes.
  const gop = [true, false, false, true, false, false];
  assert.deepEqual(gop.map((k) => g.take(k, false)), [true, false, false, true, false, false]);
  // Every picture asked for mid-GOP: the rest of that GOP is skipped, all from the next keyframe.
  assert.deepEqual(
    [false, false, true, false, false].map((k) => g.take(k, true)),
    [false, false, true, true, true],
  );
  // A decoder that was behind loses the rest of its GOP.
  g.lost();
  assert.deepEqual([false, true, false].map((k) => g.take(k, true)), [false, true, true]);
  // Back to keyframes only at once.
  assert.deepEqual([false, true].map((k) => g.take(k, false)), [false, true]);
});

Deno.test("PassthroughDecoder decodes the keyframes only until every picture is asked for, then every one from the next keyframe", async () => {
  const cam = cameraConfig({
    source: "rtsp://127.0.0.1:8554/x",
    width: 320,
    height: 180,
    fps: 30,
    detection: { motion: false },
  });
  using dec = new PassthroughDecoder(cam, { fps: 30, threads: 1 });
  using src = Pipeline.parse(
    `videotestsrc num-buffers=60 pattern=ball ! video/x-raw,width=320,height=180,framerate=30/1 ! ` +
      `x264enc key-int-max=10 bframes=0 tune=zerolatency speed-preset=ultrafast ! ` +
      `h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! ` +
      `appsink name=out sync=false max-buffers=1000`,
  );
  src.setState("playing", { timeoutMs: 5000 });
  const es = src.appSink("out");
  const decodedPts: number[] = [];
  const keyPts: number[] = [];
  // 25 access units with nothing needing every picture (keyframes at 0, 10, 20), then every
  // picture asked for at the 25th (mid-GOP): the decoder starts again at the keyframe 30.
  for (let i = 0; i < 60; i++) {
    const s = es.pull({ timeoutMs: 5000 });
    assert.ok(s !== null, `access unit ${i}`);
    if (s.keyframe) keyPts.push(s.pts!);
    const before = dec.counters.decoded;
    dec.offer(s, i >= 25);
    // Decoding is on the decoder's own thread (one libav thread: a picture per access unit).
    if (dec.counters.decoded > before) {
      const raw = await dec.sink.pullAsync({ timeoutMs: 5000 });
      assert.ok(raw !== null, `picture of access unit ${i}`);
      decodedPts.push(raw.pts!);
    }
    assert.equal(dec.error(), null);
  }
  assert.equal(keyPts.length, 6);
  assert.equal(dec.counters.decoded, 3 + 30);
  assert.equal(decodedPts.length, 33);
  // The first three pictures are the keyframes; then every picture from the keyframe at 30 on.
  assert.deepEqual(decodedPts.slice(0, 3), keyPts.slice(0, 3));
  assert.equal(decodedPts[3], keyPts[3]);
  for (let i = 4; i < decodedPts.length; i++) assert.ok(decodedPts[i] > decodedPts[i - 1]);
  assert.ok(DEC_MAX_QUEUED > 1);
});
