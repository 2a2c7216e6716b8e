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

/**
 * 60 access units of x264 (GOP 10, no B-frames) offered to a decoder: keyframes only for the
 * first 25, every picture asked for from the 25th (mid-GOP: the keyframe before it is the 20th).
 * Returns the pts of the keyframes and of the pictures, in order.
 */
async function run(catchUp: boolean) {
  const cam = cameraConfig({
    source: "rtsp://127.0.0.1:8554/x",
    width: 320,
    height: 180,
    fps: 30,
    detection: { motion: false },
  });
  using dec = new PassthroughDecoder(cam, { fps: 30, threads: 1, catchUp });
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
  /** Access unit index → pts. */
  const auPts: number[] = [];
  /** The access unit being offered when each picture came. */
  const cameAt: number[] = [];
  for (let i = 0; i < 60; i++) {
    const s = es.pull({ timeoutMs: 5000 });
    assert.ok(s !== null, `access unit ${i}`);
    auPts.push(s.pts!);
    if (s.keyframe) keyPts.push(s.pts!);
    const before = dec.counters.decoded;
    dec.offer(s, i >= 25);
    // Decoding is on the decoder's own thread (one libav thread: a picture per access unit). A
    // burst of pictures (catching up) may lose its older ones at the sink (max-buffers=2,
    // drop): the newest is what counts.
    if (dec.counters.decoded > before) {
      for (;;) {
        const raw = await dec.sink.pullAsync({ timeoutMs: 5000 });
        assert.ok(raw !== null, `the picture of access unit ${i}`);
        decodedPts.push(raw.pts!);
        cameAt.push(i);
        if (raw.pts === s.pts) break;
      }
    }
    assert.equal(dec.error(), null);
  }
  return { keyPts, auPts, decodedPts, cameAt, counters: { ...dec.counters } };
}

Deno.test("PassthroughDecoder decodes the keyframes only until every picture is asked for, then every one from the next keyframe", async () => {
  const { keyPts, auPts, decodedPts, counters } = await run(false);
  assert.equal(keyPts.length, 6);
  // The first three pictures are the keyframes; then every picture from the keyframe at 30 on.
  assert.equal(counters.decoded, 3 + 30);
  assert.deepEqual(decodedPts, [...keyPts.slice(0, 3), ...auPts.slice(30)]);
  assert.equal(counters.caughtUp, 0);
});

Deno.test("PassthroughDecoder with catchUp hands over the GOP's P-frames at once when every picture is asked for mid-GOP", async () => {
  const { keyPts, auPts, decodedPts, cameAt, counters } = await run(true);
  // Keyframes 0, 10, 20; at the 25th the P-frames 21–24 it kept, then the 25th and all after.
  assert.equal(counters.caughtUp, 4);
  assert.equal(counters.decoded, 3 + 4 + 35);
  assert.deepEqual(decodedPts.slice(0, 3), keyPts.slice(0, 3));
  // The picture of the 25th access unit comes while it is offered, not at the next keyframe.
  assert.equal(cameAt[decodedPts.indexOf(auPts[25])], 25);
  assert.deepEqual(decodedPts.slice(decodedPts.indexOf(auPts[25])), auPts.slice(25));
  // What came of the catch-up is in order, from the GOP of the keyframe at 20.
  for (let i = 1; i < decodedPts.length; i++) assert.ok(decodedPts[i] > decodedPts[i - 1]);
  assert.ok(decodedPts.slice(3).every((p) => p > keyPts[2]));
  assert.ok(DEC_MAX_QUEUED > 1);
});

/** Every picture waiting at a decoder's sink, by pts. */
function drainPictures(dec: PassthroughDecoder, into: Map<number, Uint8Array>): void {
  for (
    let raw = dec.sink.pull({ timeoutMs: 0 });
    raw !== null;
    raw = dec.sink.pull({ timeoutMs: 0 })
  ) {
    const bytes = new Uint8Array(raw.size);
    raw.copyTo(bytes);
    into.set(raw.pts!, bytes);
  }
}

Deno.test("a decoder for detection only leaves out the B-frames no picture refers to, and the pictures it makes are the full decode's, byte for byte", async () => {
  const cam = cameraConfig({
    source: "rtsp://127.0.0.1:8554/x",
    width: 320,
    height: 180,
    fps: 30,
    detection: { motion: true },
  });
  using full = new PassthroughDecoder(cam, { fps: 30, threads: 1 });
  using thin = new PassthroughDecoder(cam, { fps: 30, threads: 1 });
  thin.referencesOnly = true;
  // x264 High with two B-frames that are not references (no B-pyramid), as many IP cameras send.
  using src = Pipeline.parse(
    `videotestsrc num-buffers=60 pattern=ball ! video/x-raw,width=320,height=180,framerate=30/1 ! ` +
      `x264enc key-int-max=30 bframes=2 b-pyramid=false threads=1 speed-preset=ultrafast ! ` +
      `video/x-h264,profile=high ! h264parse config-interval=-1 ! ` +
      `video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=out sync=false max-buffers=1000`,
  );
  src.setState("playing", { timeoutMs: 5000 });
  const es = src.appSink("out");
  const fullPictures = new Map<number, Uint8Array>();
  const thinPictures = new Map<number, Uint8Array>();
  for (let i = 0; i < 60; i++) {
    const s = es.pull({ timeoutMs: 5000 });
    assert.ok(s !== null, `access unit ${i}`);
    full.offer(s, true);
    thin.offer(s, true);
    // One libav thread each, fed at most a picture ahead: the sinks (two buffers) keep up.
    for (const [dec, pictures] of [[full, fullPictures], [thin, thinPictures]] as const) {
      const raw = await dec.sink.pullAsync({ timeoutMs: 200 });
      if (raw !== null) {
        const bytes = new Uint8Array(raw.size);
        raw.copyTo(bytes);
        pictures.set(raw.pts!, bytes);
      }
      drainPictures(dec, pictures);
    }
  }
  assert.equal(full.error(), null);
  assert.equal(thin.error(), null);
  // About two of every three access units are B-frames; none of them was decoded.
  assert.ok(thin.counters.skipped >= 30, `skipped ${thin.counters.skipped}`);
  assert.equal(thin.counters.decoded + thin.counters.skipped, full.counters.decoded);
  assert.equal(full.counters.skipped, 0);
  assert.ok(thinPictures.size >= 10, `${thinPictures.size} pictures without the B-frames`);
  for (const [pts, bytes] of thinPictures) {
    const same = fullPictures.get(pts);
    assert.ok(same !== undefined, `the full decode has the picture at ${pts}`);
    assert.deepEqual(bytes, same, `the picture at ${pts} is the full decode's`);
  }
});
