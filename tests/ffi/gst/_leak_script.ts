// Exercises every wrapper, including its error and dispose paths, then shuts
// GStreamer down so that the leaks tracer lists what is still alive. Run by
// leak_test.ts in a child process with GST_TRACERS=leaks.
import {
  GstError,
  listVideoSources,
  parseCaps,
  Pipeline,
  probeEncoder,
} from "../../../ffi/gst/mod.ts";
import { deinitForLeakCheck } from "../../../ffi/gst/_lib.ts";

function expectThrow(fn: () => unknown): void {
  try {
    fn();
  } catch {
    return;
  }
  throw new Error("expected a throw");
}

// Parse failures, including a partial pipeline and a missing element.
expectThrow(() => Pipeline.parse("videotestsrc ! ! fakesink"));
expectThrow(() => Pipeline.parse("videotestsrc ! nosuchelement ! fakesink"));
expectThrow(() => Pipeline.parse("videotestsrc bogus=1 ! fakesink"));
expectThrow(() => Pipeline.parse("videotestsrc ! audioconvert ! fakesink"));
{
  using _ = Pipeline.parse("fakesink");
}

// Encoder path: appsrc → x264enc → appsink, properties, keyframes, bus.
{
  using p = Pipeline.parse(
    "appsrc name=src format=time is-live=true caps=video/x-raw,format=I420,width=64,height=48," +
      "framerate=30/1 ! x264enc name=enc tune=zerolatency speed-preset=ultrafast ! h264parse " +
      "! appsink name=out sync=false",
  );
  const src = p.appSrc("src");
  const sink = p.appSink("out");
  const enc = p.element("enc");
  enc.set("bitrate", 300);
  enc.get("tune");
  enc.get("speed-preset");
  sink.get("caps");
  expectThrow(() => enc.set("bitrate", -1));
  expectThrow(() => enc.set("nope", 1));
  p.setState("playing", { timeoutMs: 0 });
  const frame = new Uint8Array(64 * 48 * 3 / 2);
  const au = new Uint8Array(1 << 16);
  for (let n = 0; n < 10; n++) {
    if (n === 5) enc.forceKeyUnit();
    // Borrowed and copied pushes alike must leave nothing alive.
    if (n % 2 === 0) src.pushBorrowed(frame, { pts: n * 33_333_333 });
    else src.push(frame, { pts: n * 33_333_333 });
    sink.pull({ timeoutMs: 5000 })?.copyTo(au);
  }
  src.endOfStream();
  while (sink.pull({ timeoutMs: 5000 }) !== null);
  while (p.bus.pop({ timeoutMs: 0 }) !== null);
  enc[Symbol.dispose]();
}

// Raw path with a caps change, messages of every kind, a pending async pull.
{
  using p = Pipeline.parse(
    "videotestsrc is-live=true ! capsfilter name=cf caps=video/x-raw,width=64,height=48 " +
      "! identity error-after=20 ! appsink name=out sync=false max-buffers=2 drop=true",
  );
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  const slot = new Uint8Array(new SharedArrayBuffer(1 << 16));
  sink.pull({ timeoutMs: 5000 })?.copyTo(slot);
  p.element("cf").set("caps", "video/x-raw,width=32,height=24");
  for (let n = 0; n < 5; n++) sink.pull({ timeoutMs: 5000 })?.copyTo(slot);
  const m = p.bus.pop({ timeoutMs: 2000, types: ["error"] });
  if (m?.type !== "error" || !(m.error instanceof GstError)) throw new Error("no bus error");
  const pending = sink.pullAsync({ timeoutMs: 2000 });
  p[Symbol.dispose]();
  await pending;
}

// State change failure, element messages, probes, device monitor, caps.
{
  using p = Pipeline.parse("filesrc location=/nonexistent ! fakesink");
  expectThrow(() => p.setState("playing", { timeoutMs: 1000 }));
}
{
  using p = Pipeline.parse("videotestsrc num-buffers=3 ! fakesink");
  await p.setStateAsync("playing", { timeoutMs: 5000 });
  while ((await p.bus.popAsync({ timeoutMs: 5000 }))?.type !== "eos");
}
await probeEncoder("x264enc");
await probeEncoder("nosuchenc");
listVideoSources();
parseCaps("video/x-raw, format={ I420, NV12 }, width=[ 1, 100 ], framerate={ 30/1, 15/1 }");
expectThrow(() => parseCaps("video/x-raw, width=(int)x"));

deinitForLeakCheck();
console.log("done");
