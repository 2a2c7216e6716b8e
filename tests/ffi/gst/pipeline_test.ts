import assert from "node:assert/strict";
import { debianPackageFor, GstError, Pipeline } from "../../../ffi/gst/mod.ts";

function parseError(description: string): GstError {
  try {
    using _ = Pipeline.parse(description);
  } catch (e) {
    assert.ok(e instanceof GstError, `expected a GstError, got ${e}`);
    return e;
  }
  assert.fail(`Pipeline.parse(${JSON.stringify(description)}) did not throw`);
}

Deno.test("Pipeline.parse() throws a GstError for a syntax error", () => {
  const e = parseError("videotestsrc ! ! fakesink");
  assert.match(e.message, /syntax error/);
  assert.match(e.message, /videotestsrc ! ! fakesink/);
  assert.equal(e.domain, "gst_parse_error");
});

Deno.test("Pipeline.parse() names a missing element and the Debian package that provides it", () => {
  const e = parseError("videotestsrc ! vah264enc ! fakesink");
  assert.equal(e.element, "vah264enc");
  assert.match(e.message, /"vah264enc"/);
  assert.match(e.message, /"gstreamer1\.0-plugins-bad"/);
});

Deno.test("Pipeline.parse() says when no known package provides a missing element", () => {
  const e = parseError("videotestsrc ! eyrienosuchelement ! fakesink");
  assert.equal(e.element, "eyrienosuchelement");
  assert.match(e.message, /no known Debian package/);
});

Deno.test("Pipeline.parse() reports an unknown property, not a missing element", () => {
  const e = parseError("videotestsrc bogus=1 ! fakesink");
  assert.match(e.message, /no property "bogus"/);
  assert.equal(e.element, "videotestsrc");
  assert.doesNotMatch(e.message, /not installed/);
});

Deno.test("Pipeline.parse() reports elements that cannot link", () => {
  const e = parseError("videotestsrc ! audioconvert ! fakesink");
  assert.match(e.message, /could not link/);
});

Deno.test("Pipeline.parse() puts a single element in a pipeline with a bus", () => {
  using p = Pipeline.parse("fakesink name=only");
  assert.equal(p.element("only").factoryName, "fakesink");
  assert.equal(p.bus.pop({ timeoutMs: 0 }), null);
});

Deno.test("Pipeline.element() throws for a name that is not in the pipeline", () => {
  using p = Pipeline.parse("videotestsrc ! fakesink name=sink");
  assert.throws(() => p.element("nope"), /has no element named "nope"/);
  assert.throws(() => p.appSink("sink"), /"sink" is a fakesink, not an appsink/);
  assert.throws(() => p.appSrc("sink"), /"sink" is a fakesink, not an appsrc/);
});

Deno.test("setState() reaches PLAYING and the state getter follows", () => {
  using p = Pipeline.parse("videotestsrc is-live=true ! fakesink");
  assert.equal(p.state, "null");
  assert.equal(p.setState("paused", { timeoutMs: 5000 }), "no_preroll");
  assert.equal(p.setState("playing", { timeoutMs: 5000 }), "success");
  assert.equal(p.state, "playing");
  assert.equal(p.setState("null", { timeoutMs: 5000 }), "success");
  assert.equal(p.state, "null");
});

Deno.test("setState() reports 'async' while an appsrc pipeline waits for its first buffer", () => {
  using p = Pipeline.parse("appsrc name=src format=time is-live=true ! fakesink");
  assert.equal(p.setState("playing", { timeoutMs: 50 }), "async");
});

Deno.test("setState() throws the bus's error when a state change fails", () => {
  using p = Pipeline.parse("filesrc name=file location=/nonexistent/eyrie.h264 ! fakesink");
  assert.throws(() => p.setState("playing", { timeoutMs: 5000 }), (e) => {
    assert.ok(e instanceof GstError);
    assert.equal(e.element, "file");
    assert.match(e.message, /not found/i);
    assert.match(e.debug, /\/nonexistent\/eyrie\.h264/);
    return true;
  });
});

Deno.test("setStateAsync() reaches PLAYING", async () => {
  using p = Pipeline.parse("videotestsrc is-live=true ! fakesink");
  assert.equal(await p.setStateAsync("playing", { timeoutMs: 5000 }), "success");
  assert.equal(p.state, "playing");
});

Deno.test("setState() rejects a timeout that is not a finite number of milliseconds", () => {
  using p = Pipeline.parse("fakesink");
  assert.throws(() => p.setState("paused", { timeoutMs: Infinity }), RangeError);
  assert.throws(() => p.setState("paused", { timeoutMs: -1 }), RangeError);
});

Deno.test("sendEos() ends a live pipeline with an eos message", () => {
  using p = Pipeline.parse("videotestsrc is-live=true ! fakesink");
  p.setState("playing", { timeoutMs: 5000 });
  p.sendEos();
  const m = p.bus.pop({ timeoutMs: 5000, types: ["eos"] });
  assert.equal(m?.type, "eos");
});

// The table against the real packages: gst-inspect-1.0 names the plugin
// file, dpkg -S the package that installed it. Elements not installed here
// are skipped.
const TABLE_ELEMENTS = [
  "x264enc",
  "openh264enc",
  "avdec_h264",
  "v4l2src",
  "jpegenc",
  "rtph264pay",
  "rtpjpegpay",
  "appsrc",
  "appsink",
  "videoconvert",
  "videoscale",
  "videotestsrc",
  "h264parse",
  "mp4mux",
  "matroskamux",
  "splitmuxsink",
  "fakesink",
  "queue",
  "valve",
  "libcamerasrc",
  "v4l2h264enc",
  "vah264enc",
  "vaapih264enc",
  "nvh264enc",
];

async function installedBy(element: string): Promise<string | null> {
  const inspect = await new Deno.Command("gst-inspect-1.0", { args: [element], stderr: "null" })
    .output();
  if (!inspect.success) return null;
  const file = /Filename\s+(\S+)/.exec(new TextDecoder().decode(inspect.stdout))?.[1];
  if (file === undefined) return null;
  const real = await Deno.realPath(file);
  const dpkg = await new Deno.Command("dpkg", { args: ["-S", real], stderr: "null" }).output();
  const found = new TextDecoder().decode(dpkg.stdout).split(":")[0];
  return found === "" ? null : found;
}

Deno.test("debianPackageFor() agrees with dpkg for every installed element it names", async () => {
  let checked = 0;
  for (const element of TABLE_ELEMENTS) {
    const pkg = await installedBy(element);
    if (pkg === null) continue;
    assert.equal(debianPackageFor(element), pkg, element);
    checked++;
  }
  assert.ok(checked >= 15, `only ${checked} elements are installed`);
});

Deno.test("runningTimeNs() is null before PLAYING, then never behind what a live source stamped, and never goes back", () => {
  using p = Pipeline.parse(
    "audiotestsrc is-live=true samplesperbuffer=960 ! audio/x-raw,rate=48000 ! appsink name=out sync=false",
  );
  assert.equal(p.runningTimeNs(), null);
  p.setState("playing", { timeoutMs: 5000 });
  const sink = p.appSink("out");
  let last = 0;
  for (let i = 0; i < 5; i++) {
    const s = sink.pull({ timeoutMs: 5000 });
    assert.ok(s !== null);
    // A live source pushes a buffer at or after the running time it stamped on it.
    const now = p.runningTimeNs();
    assert.ok(now !== null && now >= (s.pts ?? 0) && now >= last, `${now} vs ${s.pts}`);
    last = now;
  }
});

Deno.test("runningTimeNs() is null before the pipeline has a clock, then follows the clock from the moment it plays", async () => {
  using p = Pipeline.parse("audiotestsrc is-live=true ! fakesink sync=true");
  assert.equal(p.runningTimeNs(), null);
  p.setState("playing", { timeoutMs: 5000 });
  const beforeA = performance.now();
  const a = p.runningTimeNs();
  const afterA = performance.now();
  assert.ok(a !== null && a >= 0, `${a}`);
  await new Promise((r) => setTimeout(r, 200));
  const beforeB = performance.now();
  const b = p.runningTimeNs()!;
  const afterB = performance.now();
  // The pipeline's clock (the monotonic system clock here) moves as performance.now() does:
  // what passed between the two readings lies between the brackets around them (1 ms slack
  // for performance.now()'s rounding).
  const passedMs = (b - a) / 1e6;
  assert.ok(passedMs >= beforeB - afterA - 1, `${passedMs} ms, at least ${beforeB - afterA}`);
  assert.ok(passedMs <= afterB - beforeA + 1, `${passedMs} ms, at most ${afterB - beforeA}`);
});
