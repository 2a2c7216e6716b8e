import assert from "node:assert/strict";
import { Pipeline } from "../../../ffi/gst/mod.ts";
import type { PullReply, PullRequest } from "./_pull_worker.ts";

const W = 320;
const H = 240;
const I420 = W * H * 3 / 2;
const RAW = `video/x-raw,format=I420,width=${W},height=${H},framerate=30/1`;

/** The pts videotestsrc gives frame n at 30/1: n * 1e9 / 30, rounded down. */
function ptsOf(n: number): number {
  return Number((BigInt(n) * 1_000_000_000n) / 30n);
}

Deno.test("AppSink pulls non-live frames with the right size, timestamps and caps, then EOS", () => {
  using p = Pipeline.parse(`videotestsrc num-buffers=10 ! ${RAW} ! appsink name=out sync=false`);
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  for (let n = 0; n < 10; n++) {
    const s = sink.pull({ timeoutMs: 5000 });
    assert.ok(s !== null, `frame ${n}`);
    assert.equal(s.size, I420);
    assert.equal(s.pts, ptsOf(n));
    assert.equal(s.duration, ptsOf(n + 1) - ptsOf(n));
    assert.equal(s.keyframe, true);
    assert.equal(s.video.media, "video/x-raw");
    assert.equal(s.video.format, "I420");
    assert.equal(s.video.width, W);
    assert.equal(s.video.height, H);
    assert.deepEqual(s.video.framerate, { num: 30, den: 1 });
  }
  assert.equal(sink.pull({ timeoutMs: 5000 }), null);
  assert.equal(sink.eos, true);
});

Deno.test("AppSink pulls live frames with rising timestamps", () => {
  using p = Pipeline.parse(
    `videotestsrc is-live=true ! ${RAW} ! appsink name=out max-buffers=2 drop=true sync=false`,
  );
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  let last = -1;
  for (let n = 0; n < 5; n++) {
    const s = sink.pull({ timeoutMs: 5000 });
    assert.ok(s !== null);
    assert.equal(s.size, I420);
    assert.equal(s.video.format, "I420");
    assert.ok(s.pts !== null && s.pts > last, `pts ${s.pts} after ${last}`);
    last = s.pts;
  }
  assert.equal(sink.eos, false);
});

Deno.test("copyTo() writes a frame into a view on a SharedArrayBuffer", () => {
  // White in I420 is Y=235, U=V=128: the planes tell a right copy from a wrong one.
  using p = Pipeline.parse(`videotestsrc pattern=white num-buffers=1 ! ${RAW} ! appsink name=out`);
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  const s = sink.pull({ timeoutMs: 5000 });
  assert.ok(s !== null);
  const GUARD = 64;
  const sab = new SharedArrayBuffer(GUARD + I420 + GUARD);
  new Uint8Array(sab).fill(0xee);
  const slot = new Uint8Array(sab, GUARD, I420);
  assert.equal(s.copyTo(slot), I420);
  const plain = new Uint8Array(I420);
  s.copyTo(plain);
  const all = new Uint8Array(sab);
  assert.ok(all.subarray(0, GUARD).every((b) => b === 0xee), "bytes before the slot untouched");
  assert.ok(all.subarray(GUARD + I420).every((b) => b === 0xee), "bytes after the slot untouched");
  assert.ok(slot.subarray(0, W * H).every((b) => b === 235), "Y plane is white");
  assert.ok(slot.subarray(W * H).every((b) => b === 128), "U and V planes are neutral");
  assert.deepEqual(slot, plain);
});

Deno.test("copyTo() refuses a destination that is too small and writes nothing", () => {
  using p = Pipeline.parse(`videotestsrc num-buffers=1 ! ${RAW} ! appsink name=out sync=false`);
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  const s = sink.pull({ timeoutMs: 5000 });
  assert.ok(s !== null);
  const small = new Uint8Array(I420 - 1);
  assert.throws(() => s.copyTo(small), {
    name: "RangeError",
    message: `A ${I420}-byte sample does not fit in a ${I420 - 1}-byte destination`,
  });
  assert.ok(small.every((b) => b === 0));
});

Deno.test("a Sample stays valid until the next pull or its release", () => {
  using p = Pipeline.parse(`videotestsrc num-buffers=3 ! ${RAW} ! appsink name=out sync=false`);
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  const first = sink.pull({ timeoutMs: 5000 });
  assert.ok(first !== null);
  assert.equal(first.pts, 0);
  const second = sink.pull({ timeoutMs: 5000 });
  assert.equal(second, first, "the sink reuses one Sample object");
  assert.equal(second?.pts, ptsOf(1));
  second?.release();
  assert.equal(first.released, true);
  assert.throws(() => first.pts, { name: "BadResource", message: /sample from .* was released/ });
  second?.release(); // a second release does nothing
  {
    using third = sink.pull({ timeoutMs: 5000 });
    assert.equal(third?.pts, ptsOf(2));
  }
  assert.equal(first.released, true, "`using` released it");
});

Deno.test("the video info follows a caps change mid-stream", () => {
  using p = Pipeline.parse(
    `videotestsrc is-live=true ! capsfilter name=cf caps=${RAW} ! appsink name=out sync=false`,
  );
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  const before = sink.pull({ timeoutMs: 5000 });
  assert.equal(before?.video.width, W);
  const info = before?.video;
  p.element("cf").set("caps", "video/x-raw,format=I420,width=160,height=120,framerate=30/1");
  let after = null;
  for (let n = 0; n < 30 && after?.video.width !== 160; n++) after = sink.pull({ timeoutMs: 5000 });
  assert.equal(after?.video.width, 160);
  assert.equal(after?.video.height, 120);
  assert.equal(after?.size, 160 * 120 * 3 / 2);
  assert.equal(info?.width, W, "an earlier info object does not change");
});

Deno.test("pullAsync() keeps the event loop running while it waits", async () => {
  using p = Pipeline.parse("appsrc name=src is-live=true format=time ! appsink name=out");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    assert.equal(await sink.pullAsync({ timeoutMs: 100 }), null);
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks > 0, "timers ran during the wait");
});

Deno.test("pullAsync() returns frames like pull()", async () => {
  using p = Pipeline.parse(`videotestsrc num-buffers=3 ! ${RAW} ! appsink name=out sync=false`);
  const sink = p.appSink("out");
  await p.setStateAsync("playing", { timeoutMs: 5000 });
  for (let n = 0; n < 3; n++) {
    const s = await sink.pullAsync({ timeoutMs: 5000 });
    assert.equal(s?.pts, ptsOf(n));
    assert.equal(s?.size, I420);
  }
  assert.equal(await sink.pullAsync({ timeoutMs: 5000 }), null);
  assert.equal(sink.eos, true);
});

Deno.test("only one pullAsync() may wait on a sink at a time", async () => {
  using p = Pipeline.parse("appsrc name=src is-live=true format=time ! appsink name=out");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  const first = sink.pullAsync({ timeoutMs: 50 });
  await assert.rejects(() => sink.pullAsync({ timeoutMs: 50 }), /already waiting/);
  assert.throws(() => sink.pull({ timeoutMs: 0 }), /already waiting/);
  assert.equal(await first, null);
});

Deno.test("disposing the pipeline ends a waiting pullAsync() with null", async () => {
  const p = Pipeline.parse("appsrc name=src is-live=true format=time ! appsink name=out");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  const pending = sink.pullAsync({ timeoutMs: 60_000 });
  p[Symbol.dispose]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<"stuck">((resolve) => {
    timer = setTimeout(() => resolve("stuck"), 10_000);
  });
  try {
    assert.equal(await Promise.race([pending, stuck]), null);
  } finally {
    clearTimeout(timer);
  }
  assert.throws(() => sink.eos, { name: "BadResource" });
});

Deno.test("a Worker pulls frames with the blocking pull() into a SharedArrayBuffer", async () => {
  const frames = 5;
  const sab = new SharedArrayBuffer(frames * I420);
  const worker = new Worker(new URL("./_pull_worker.ts", import.meta.url), { type: "module" });
  try {
    const reply = new Promise<PullReply>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<PullReply>) => resolve(e.data);
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new Error(e.message));
      };
    });
    const request: PullRequest = {
      description: `videotestsrc pattern=black num-buffers=${frames} ! ${RAW} ! appsink name=out`,
      frames,
      sab,
    };
    worker.postMessage(request);
    const { pts, sizes, format } = await reply;
    assert.deepEqual(pts, [0, 1, 2, 3, 4].map(ptsOf));
    assert.deepEqual(sizes, Array(frames).fill(I420));
    assert.equal(format, "I420");
    // Black in I420 is Y=16: the Worker's copies landed in the shared memory.
    const all = new Uint8Array(sab);
    for (let i = 0; i < frames; i++) {
      assert.ok(all.subarray(i * I420, i * I420 + W * H).every((b) => b === 16), `frame ${i}`);
    }
  } finally {
    worker.terminate();
  }
});
