import assert from "node:assert/strict";
import { elementAvailable, GstError, probeEncoder } from "../../../ffi/gst/mod.ts";

Deno.test("elementAvailable() finds installed factories and not missing ones", () => {
  assert.equal(elementAvailable("x264enc"), true);
  assert.equal(elementAvailable("videotestsrc"), true);
  assert.equal(elementAvailable("nvh264enc"), false);
  assert.equal(elementAvailable("eyrienosuchelement"), false);
});

Deno.test("probeEncoder() proves that x264enc and openh264enc encode here", async () => {
  assert.deepEqual(await probeEncoder("x264enc speed-preset=ultrafast tune=zerolatency"), {
    ok: true,
  });
  assert.deepEqual(await probeEncoder("openh264enc"), { ok: true });
});

Deno.test("probeEncoder() names a missing encoder and its Debian package", async () => {
  const r = await probeEncoder("v4l2h264enc");
  assert.ok(!r.ok);
  assert.ok(r.error instanceof GstError);
  assert.equal(r.error.element, "v4l2h264enc");
  assert.match(r.error.message, /"gstreamer1\.0-plugins-good"/);
});

Deno.test("probeEncoder() reports a bad property as a failure, not a throw", async () => {
  const r = await probeEncoder("x264enc no-such-property=1");
  assert.ok(!r.ok);
  assert.match(r.error.message, /no property "no-such-property"/);
});

// avenc_h264_omx is installed (gstreamer1.0-libav) but has no OMX hardware
// behind it: like a hardware encoder on the wrong board, it fails only when
// it runs.
Deno.test({
  name: elementAvailable("avenc_h264_omx")
    ? "probeEncoder() catches an encoder that exists but fails when it runs"
    : "probeEncoder() catches an encoder that exists but fails when it runs (skipped: no avenc_h264_omx)",
  ignore: !elementAvailable("avenc_h264_omx"),
  async fn() {
    const r = await probeEncoder("avenc_h264_omx");
    assert.ok(!r.ok);
    assert.ok(r.error instanceof GstError);
    assert.notEqual(r.error.element, "");
  },
});
