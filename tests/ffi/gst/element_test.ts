import assert from "node:assert/strict";
import { Pipeline } from "../../../ffi/gst/mod.ts";

Deno.test("Element reads and writes int, uint, int64, uint64, double, bool and string properties", () => {
  using p = Pipeline.parse(
    "videotestsrc name=v ! x264enc name=enc ! fakesink name=sink appsrc name=src ! fakesink",
  );
  const v = p.element("v");
  v.set("num-buffers", 42); // gint
  assert.equal(v.get("num-buffers"), 42);
  v.set("timestamp-offset", 5n); // gint64
  assert.equal(v.get("timestamp-offset"), 5n);
  v.set("timestamp-offset", 7); // a whole number is accepted for 64-bit properties
  assert.equal(v.get("timestamp-offset"), 7n);
  v.set("is-live", true); // gboolean
  assert.equal(v.getBoolean("is-live"), true);
  const enc = p.element("enc");
  enc.set("bitrate", 1500); // guint
  assert.equal(enc.getNumber("bitrate"), 1500);
  enc.set("ip-factor", 1.5); // gfloat
  assert.equal(enc.get("ip-factor"), 1.5);
  enc.set("option-string", "scenecut=0"); // gchararray
  assert.equal(enc.getString("option-string"), "scenecut=0");
  const sink = p.element("sink");
  sink.set("ts-offset", -123n); // gint64, negative
  assert.equal(sink.get("ts-offset"), -123n);
  const src = p.appSrc("src");
  src.set("max-bytes", 2n ** 40n); // guint64
  assert.equal(src.get("max-bytes"), 2n ** 40n);
  src.set("max-buffers", 4); // guint64 in GStreamer 1.22
  assert.equal(src.getNumber("max-buffers"), 4);
});

Deno.test("Element reads a double property", () => {
  using p = Pipeline.parse("videotestsrc ! videobalance name=b ! fakesink");
  const b = p.element("b");
  b.set("contrast", 1.25);
  assert.equal(b.get("contrast"), 1.25);
});

Deno.test("Element reads enums as nicks and accepts nicks, names or numbers", () => {
  using p = Pipeline.parse("videotestsrc name=v ! x264enc name=enc ! fakesink");
  const v = p.element("v");
  assert.equal(v.get("pattern"), "smpte");
  v.set("pattern", "ball");
  assert.equal(v.get("pattern"), "ball");
  v.set("pattern", 2);
  assert.equal(v.get("pattern"), "black");
  const enc = p.element("enc");
  enc.set("speed-preset", "ultrafast");
  assert.equal(enc.getString("speed-preset"), "ultrafast");
});

Deno.test("Element reads flags as nicks joined with '+' and accepts the same form", () => {
  using p = Pipeline.parse("x264enc name=enc ! fakesink");
  const enc = p.element("enc");
  assert.equal(enc.get("tune"), "");
  enc.set("tune", "zerolatency");
  assert.equal(enc.get("tune"), "zerolatency");
  enc.set("tune", "fastdecode+zerolatency");
  assert.equal(enc.get("tune"), "fastdecode+zerolatency");
});

Deno.test("Element writes caps from text and reads unset caps as null", () => {
  using p = Pipeline.parse("videotestsrc ! capsfilter name=cf ! fakesink");
  const cf = p.element("cf");
  assert.equal(cf.get("caps"), "ANY");
  cf.set("caps", "video/x-raw,width=320");
  assert.equal(cf.get("caps"), "video/x-raw, width=(int)320");
  using q = Pipeline.parse("appsink name=out");
  assert.equal(q.appSink("out").get("caps"), null);
});

Deno.test("Element rejects unknown properties, wrong types and out-of-range values", () => {
  using p = Pipeline.parse("videotestsrc name=v ! x264enc name=enc ! fakesink");
  const v = p.element("v");
  const enc = p.element("enc");
  assert.throws(() => v.get("nope"), { name: "TypeError", message: /no property "nope"/ });
  assert.throws(() => v.set("num-buffers", 1.5), TypeError);
  assert.throws(() => v.set("num-buffers", "many"), TypeError);
  assert.throws(() => v.set("is-live", 1), TypeError);
  assert.throws(() => v.set("num-buffers", -2), {
    name: "RangeError",
    message: /Value -2 is out of range for property "num-buffers"/,
  });
  assert.throws(() => v.set("num-buffers", 2 ** 31), RangeError);
  assert.throws(() => v.set("pattern", 999), RangeError);
  assert.throws(() => v.set("pattern", "plaid"), /"plaid"/);
  assert.throws(() => enc.set("bitrate", 10_000_000), RangeError);
  assert.equal(v.get("num-buffers"), -1, "a rejected value leaves the property alone");
});

Deno.test("Element refuses to write a read-only property", () => {
  using p = Pipeline.parse("appsink name=out");
  assert.throws(() => p.appSink("out").set("eos", true), /"eos" .* is not writable/);
});

Deno.test("Element knows its name and factory", () => {
  using p = Pipeline.parse("videotestsrc name=camera ! fakesink");
  const e = p.element("camera");
  assert.equal(e.name, "camera");
  assert.equal(e.factoryName, "videotestsrc");
});
