import assert from "node:assert/strict";
import { Pipeline } from "../../../ffi/gst/mod.ts";

const BAD = { name: "BadResource" };

Deno.test("Pipeline dispose is idempotent and any use afterwards throws BadResource", () => {
  const p = Pipeline.parse("videotestsrc ! fakesink");
  p.setState("playing", { timeoutMs: 5000 });
  p[Symbol.dispose]();
  p[Symbol.dispose]();
  assert.equal(p.disposed, true);
  assert.throws(() => p.state, {
    name: "BadResource",
    message: `The pipeline "${p.name}" is disposed`,
  });
  assert.throws(() => p.bus, BAD);
  assert.throws(() => p.element("x"), BAD);
  assert.throws(() => p.setState("playing", { timeoutMs: 0 }), BAD);
  assert.throws(() => p.sendEos(), BAD);
});

Deno.test("disposing a pipeline disposes its bus and every element wrapper it handed out", () => {
  const p = Pipeline.parse(
    "appsrc name=src format=time is-live=true caps=application/x-eyrie ! identity name=id " +
      "! appsink name=out",
  );
  const bus = p.bus;
  const id = p.element("id");
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 0 });
  src.push(new Uint8Array(4), { pts: 0 });
  const sample = sink.pull({ timeoutMs: 5000 });
  assert.ok(sample !== null);
  p[Symbol.dispose]();
  for (const e of [id, src, sink]) assert.equal(e.disposed, true);
  assert.equal(sample.released, true);
  assert.throws(() => bus.pop({ timeoutMs: 0 }), {
    name: "BadResource",
    message: /bus of pipeline/,
  });
  assert.throws(() => id.get("silent"), {
    name: "BadResource",
    message: 'The element "id" is disposed',
  });
  assert.throws(() => src.push(new Uint8Array(1), { pts: 0 }), BAD);
  assert.throws(() => src.queuedBuffers, BAD);
  assert.throws(() => sink.pull({ timeoutMs: 0 }), BAD);
  assert.throws(() => sample.size, BAD);
  // Disposing a wrapper again after its pipeline did is a no-op.
  for (const e of [id, src, sink]) e[Symbol.dispose]();
  bus[Symbol.dispose]();
  sample.release();
});

Deno.test("disposing one element wrapper leaves the pipeline and the others working", () => {
  using p = Pipeline.parse(
    "videotestsrc name=v num-buffers=2 ! identity name=id ! appsink name=out",
  );
  const id = p.element("id");
  const again = p.element("id");
  id[Symbol.dispose]();
  id[Symbol.dispose]();
  assert.throws(() => id.get("silent"), BAD);
  assert.equal(again.get("silent"), true, "a second wrapper holds its own reference");
  p.setState("playing", { timeoutMs: 5000 });
  assert.ok(p.appSink("out").pull({ timeoutMs: 5000 }) !== null);
});

Deno.test("a wrapper disposed before its pipeline leaves a newer wrapper of the element working", () => {
  // The pipeline disposes its children again: a second unref of the first
  // wrapper's reference would free the one the second wrapper holds.
  // leak_test.ts checks the same with fatal criticals and the leaks tracer.
  const p = Pipeline.parse("videotestsrc name=v ! fakesink");
  const v = p.element("v");
  v[Symbol.dispose]();
  const w = p.element("v");
  assert.equal(w.get("pattern"), "smpte");
  p[Symbol.dispose]();
  assert.equal(w.disposed, true);
});
