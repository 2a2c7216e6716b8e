import assert from "node:assert/strict";
import { GstError, Pipeline } from "../../../ffi/gst/mod.ts";

const LOOPBACK = "appsrc name=src format=time is-live=true caps=application/x-eyrie " +
  "! appsink name=out sync=false";

function bytes(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

Deno.test("AppSrc pushes bytes whose pts, dts, duration and keyframe flag arrive unchanged", () => {
  using p = Pipeline.parse(LOOPBACK);
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  const cases = [
    { pts: 0, dts: 0, duration: 33_333_333, keyframe: true },
    { pts: 66_666_666, dts: 33_333_333, duration: 33_333_333, keyframe: false },
    { pts: 3_600_000_000_000_000, dts: null, duration: null, keyframe: false },
    { pts: null, dts: null, duration: 1, keyframe: true },
  ];
  const got = new Uint8Array(4096);
  for (const [n, c] of cases.entries()) {
    const sent = bytes(1000 + n, n);
    src.push(sent, c);
    const s = sink.pull({ timeoutMs: 5000 });
    assert.ok(s !== null);
    assert.equal(s.pts, c.pts);
    assert.equal(s.dts, c.dts);
    assert.equal(s.duration, c.duration);
    assert.equal(s.keyframe, c.keyframe);
    assert.equal(s.video.media, "application/x-eyrie");
    assert.equal(s.copyTo(got), sent.length);
    assert.deepEqual(got.subarray(0, sent.length), sent);
  }
});

Deno.test("AppSrc pushes a copy of a view on a SharedArrayBuffer", () => {
  using p = Pipeline.parse(LOOPBACK);
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  const sab = new SharedArrayBuffer(10_000);
  const slot = new Uint8Array(sab, 1234, 5000);
  slot.set(bytes(5000, 9));
  src.push(slot, { pts: 0 });
  slot.fill(0); // the pushed buffer is a copy: this must not reach it
  const s = sink.pull({ timeoutMs: 5000 });
  const got = new Uint8Array(5000);
  assert.equal(s?.copyTo(got), 5000);
  assert.deepEqual(got, bytes(5000, 9));
});

Deno.test("AppSrc pushBorrowed() lends the bytes themselves: a write after the push reaches the pipeline", () => {
  using p = Pipeline.parse(LOOPBACK);
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  const sab = new SharedArrayBuffer(10_000);
  const slot = new Uint8Array(sab, 1234, 5000);
  slot.set(bytes(5000, 3));
  src.pushBorrowed(slot, { pts: 33_333_333, duration: 33_333_333, keyframe: false });
  const s = sink.pull({ timeoutMs: 5000 });
  assert.ok(s !== null);
  assert.equal(s.pts, 33_333_333);
  assert.equal(s.duration, 33_333_333);
  assert.equal(s.keyframe, false);
  // No copy was made: the sample is a view of the slot, which is why the caller must keep
  // the slot intact until the pipeline is done with it (and check that it was).
  slot.fill(7);
  const got = new Uint8Array(5000);
  assert.equal(s.copyTo(got), 5000);
  assert.deepEqual(got, new Uint8Array(5000).fill(7));
  assert.throws(() => src.pushBorrowed(new Uint8Array(0), { pts: 0 }), RangeError);
});

Deno.test("queuedBuffers and queuedBytes count what the pipeline has not taken yet", () => {
  using p = Pipeline.parse(LOOPBACK);
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  // A live appsrc does not stream in PAUSED, so pushes wait in its queue.
  assert.equal(p.setState("paused", { timeoutMs: 0 }), "no_preroll");
  for (let n = 0; n < 3; n++) src.push(bytes(100, n), { pts: n });
  assert.equal(src.queuedBuffers, 3);
  assert.equal(src.queuedBytes, 300);
  p.setState("playing", { timeoutMs: 0 });
  for (let n = 0; n < 3; n++) assert.equal(sink.pull({ timeoutMs: 5000 })?.pts, n);
  assert.equal(src.queuedBuffers, 0);
});

Deno.test("max-buffers with leaky-type=downstream caps frames in flight, dropping the oldest", () => {
  using p = Pipeline.parse(
    "appsrc name=src format=time is-live=true max-buffers=2 leaky-type=downstream " +
      "caps=application/x-eyrie ! appsink name=out sync=false",
  );
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("paused", { timeoutMs: 0 });
  for (let n = 0; n < 5; n++) src.push(bytes(10, n), { pts: n });
  assert.equal(src.queuedBuffers, 2);
  p.setState("playing", { timeoutMs: 0 });
  assert.equal(sink.pull({ timeoutMs: 5000 })?.pts, 3);
  assert.equal(sink.pull({ timeoutMs: 5000 })?.pts, 4);
});

Deno.test("push() queues before the first start and throws 'flushing' once stopped", () => {
  using p = Pipeline.parse(LOOPBACK);
  const src = p.appSrc("src");
  src.push(bytes(10, 0), { pts: 0 });
  assert.equal(src.queuedBuffers, 1);
  p.setState("playing", { timeoutMs: 0 });
  assert.equal(p.appSink("out").pull({ timeoutMs: 5000 })?.pts, 0);
  p.setState("ready", { timeoutMs: 5000 });
  assert.throws(() => src.push(bytes(10, 1), { pts: 1 }), (e) => {
    assert.ok(e instanceof GstError);
    assert.equal(e.element, "src");
    assert.equal(e.domain, "gst-flow");
    assert.match(e.message, /refused a buffer: flushing/);
    return true;
  });
});

Deno.test("endOfStream() drains to an eos message, and a later push throws 'eos'", () => {
  using p = Pipeline.parse(LOOPBACK);
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  src.push(bytes(10, 0), { pts: 0 });
  src.endOfStream();
  assert.equal(sink.pull({ timeoutMs: 5000 })?.pts, 0);
  assert.equal(sink.pull({ timeoutMs: 5000 }), null);
  assert.equal(sink.eos, true);
  assert.equal(p.bus.pop({ timeoutMs: 5000, types: ["eos"] })?.type, "eos");
  assert.throws(() => src.push(bytes(10, 1), { pts: 1 }), /refused a buffer: eos/);
});

Deno.test("setCaps() sets the caps downstream sees, and rejects caps GStreamer cannot parse", () => {
  using p = Pipeline.parse("appsrc name=src format=time is-live=true ! appsink name=out");
  const src = p.appSrc("src");
  assert.throws(() => src.setCaps("video/x-raw,width=(int)abc"), {
    name: "SyntaxError",
    message: 'Cannot parse caps "video/x-raw,width=(int)abc"',
  });
  src.setCaps("video/x-raw,format=GRAY8,width=4,height=2,framerate=5/1");
  p.setState("playing", { timeoutMs: 0 });
  src.push(new Uint8Array(8), { pts: 0 });
  const s = p.appSink("out").pull({ timeoutMs: 5000 });
  assert.equal(s?.video.format, "GRAY8");
  assert.equal(s?.video.width, 4);
  assert.deepEqual(s?.video.framerate, { num: 5, den: 1 });
});

Deno.test("push() rejects timestamps that are not whole nanoseconds ≥ 0", () => {
  using p = Pipeline.parse(LOOPBACK);
  const src = p.appSrc("src");
  p.setState("playing", { timeoutMs: 0 });
  assert.throws(() => src.push(new Uint8Array(1), { pts: -1 }), RangeError);
  assert.throws(() => src.push(new Uint8Array(1), { pts: 1.5 }), RangeError);
  assert.throws(() => src.push(new Uint8Array(1), { pts: 0, duration: NaN }), RangeError);
  assert.equal(src.queuedBuffers, 0, "nothing was pushed");
});
