import assert from "node:assert/strict";
import { gstVersion, initGstreamer } from "../../../ffi/gst/mod.ts";

Deno.test("gstVersion() matches the version gst-inspect-1.0 reports", async () => {
  initGstreamer();
  initGstreamer(); // idempotent
  const out = await new Deno.Command("gst-inspect-1.0", { args: ["--version"] }).output();
  const reported = /GStreamer (\d+)\.(\d+)\.(\d+)/.exec(new TextDecoder().decode(out.stdout));
  assert.ok(reported !== null);
  const v = gstVersion();
  assert.deepEqual([v.major, v.minor, v.micro], reported.slice(1).map(Number));
  assert.equal(v.text, `${v.major}.${v.minor}.${v.micro}`);
  assert.ok(v.major === 1 && v.minor >= 20, "the bindings need GStreamer 1.20 or later");
});
