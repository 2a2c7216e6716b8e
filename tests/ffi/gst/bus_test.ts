import assert from "node:assert/strict";
import { type BusMessage, GstError, Pipeline } from "../../../ffi/gst/mod.ts";

function drain(p: Pipeline): BusMessage[] {
  const out: BusMessage[] = [];
  for (let m = p.bus.pop({ timeoutMs: 0 }); m !== null; m = p.bus.pop({ timeoutMs: 0 })) {
    out.push(m);
  }
  return out;
}

Deno.test("Bus.pop() returns eos from the pipeline at the end of a finite stream", () => {
  using p = Pipeline.parse("videotestsrc num-buffers=3 ! fakesink");
  p.setState("playing", { timeoutMs: 5000 });
  const m = p.bus.pop({ timeoutMs: 5000, types: ["eos", "error"] });
  assert.deepEqual(m, { type: "eos", source: p.name });
});

Deno.test("Bus.pop() reports state changes with old, current and pending states", () => {
  using p = Pipeline.parse("videotestsrc name=v is-live=true ! fakesink");
  p.setState("playing", { timeoutMs: 5000 });
  const changes = drain(p).filter((m) => m.type === "state_changed" && m.source === p.name);
  assert.deepEqual(changes.at(-1), {
    type: "state_changed",
    source: p.name,
    old: "paused",
    current: "playing",
    pending: "void_pending",
  });
  assert.deepEqual(changes[0], {
    type: "state_changed",
    source: p.name,
    old: "null",
    current: "ready",
    pending: "playing",
  });
});

Deno.test("an error in the middle of a stream surfaces as a bus error naming the element", () => {
  using p = Pipeline.parse(
    "videotestsrc is-live=true ! identity name=broken error-after=5 ! appsink name=out sync=false",
  );
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  let frames = 0;
  while (sink.pull({ timeoutMs: 500 }) !== null) frames++;
  assert.equal(frames, 4, "frames before the failing one still arrive");
  const m = p.bus.pop({ timeoutMs: 5000, types: ["error"] });
  assert.ok(m?.type === "error");
  assert.ok(m.error instanceof GstError);
  assert.equal(m.source, "broken");
  assert.equal(m.error.element, "broken");
  assert.equal(m.error.message, "Failed after iterations as requested.");
  assert.match(m.error.debug, /identity/);
  assert.equal(m.error.domain, "gst-core-error-quark");
});

Deno.test("a caps renegotiation that fails mid-stream surfaces as a not-negotiated error", () => {
  using p = Pipeline.parse(
    "videotestsrc name=v is-live=true ! capsfilter name=cf caps=video/x-raw,format=I420 " +
      "! fakesink",
  );
  p.setState("playing", { timeoutMs: 5000 });
  p.element("cf").set("caps", "audio/x-raw");
  const m = p.bus.pop({ timeoutMs: 5000, types: ["error"] });
  assert.ok(m?.type === "error");
  assert.equal(m.error.element, "v");
  assert.match(m.error.debug, /not-negotiated/);
});

Deno.test("element messages carry their fields: splitmuxsink names each fragment it closes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-split-" });
  try {
    {
      using p = Pipeline.parse(
        "videotestsrc num-buffers=90 ! video/x-raw,width=160,height=120,framerate=30/1 " +
          "! x264enc key-int-max=30 speed-preset=ultrafast ! h264parse " +
          `! splitmuxsink location=${dir}/%02d.mp4 max-size-time=1000000000`,
      );
      p.setState("playing", { timeoutMs: 5000 });
      const closed: string[] = [];
      for (;;) {
        const m = await p.bus.popAsync({ timeoutMs: 10_000 });
        assert.ok(m !== null, "the pipeline stalled");
        if (m.type === "error") throw m.error;
        if (m.type === "eos") break;
        if (m.type === "element" && m.name === "splitmuxsink-fragment-closed") {
          assert.equal(typeof m.fields["running-time"], "bigint");
          closed.push(String(m.fields.location));
        }
      }
      assert.deepEqual(closed, [`${dir}/00.mp4`, `${dir}/01.mp4`, `${dir}/02.mp4`]);
    }
    for (const f of ["00", "01", "02"]) assert.ok((await Deno.stat(`${dir}/${f}.mp4`)).size > 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a filtered pop discards the messages it skips", () => {
  using p = Pipeline.parse("videotestsrc num-buffers=1 ! fakesink");
  p.setState("playing", { timeoutMs: 5000 });
  assert.equal(p.bus.pop({ timeoutMs: 5000, types: ["eos"] })?.type, "eos");
  assert.deepEqual(drain(p), [], "the state changes before the eos are gone");
});

Deno.test("popAsync() keeps the event loop running while it waits", async () => {
  using p = Pipeline.parse("fakesrc ! fakesink");
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    assert.equal(await p.bus.popAsync({ timeoutMs: 100, types: ["eos"] }), null);
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks > 0);
});
