import assert from "node:assert/strict";
import { parseViewTarget } from "../../../ui/view/input.ts";
import { AccessUnitMeter, figuresOf, overlayText } from "../../../ui/view/figures.ts";
import { whepEndpoint } from "../../../ui/view/whep.ts";
import { chooseDecoder } from "../../../ui/view/decoders.ts";
import { probeDecoder } from "../../../ffi/gst/mod.ts";

Deno.test("parseViewTarget() reads WHEP URLs, rtp:// and SDP, and names what is wrong", () => {
  assert.deepEqual(parseViewTarget("http://pi:8080/api/cameras/front"), {
    kind: "whep",
    url: new URL("http://pi:8080/api/cameras/front"),
  });
  assert.deepEqual(parseViewTarget("rtp://[::1]:5004"), { kind: "rtp", host: "::1", port: 5004 });
  assert.deepEqual(parseViewTarget("rtp://239.1.2.3:5004"), {
    kind: "rtp",
    host: "239.1.2.3",
    port: 5004,
  });
  const sdp = "v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=x\r\nc=IN IP4 239.1.2.3/1\r\nt=0 0\r\n" +
    "m=video 5006 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
  assert.deepEqual(parseViewTarget("a.sdp", sdp), { kind: "rtp", host: "239.1.2.3", port: 5006 });
  assert.throws(
    () => parseViewTarget("a.sdp", "v=0\r\n"),
    /a\.sdp has no "m=video <port> RTP\/AVP" line/,
  );
  assert.deepEqual(parseViewTarget("tls://0.0.0.0:7443"), {
    kind: "tls",
    host: "0.0.0.0",
    port: 7443,
  });
  assert.deepEqual(parseViewTarget("tls://127.0.0.1:0"), {
    kind: "tls",
    host: "127.0.0.1",
    port: 0,
  });
  assert.deepEqual(parseViewTarget("quic://[::1]:0"), { kind: "quic", host: "::1", port: 0 });
  assert.throws(() => parseViewTarget("quic://host"), /needs a port: quic:\/\/host:port/);
  assert.throws(() => parseViewTarget("rtp://127.0.0.1:0"), /needs a port/);
  assert.throws(() => parseViewTarget("rtp://host"), /needs a port/);
  assert.throws(() => parseViewTarget("rtsp://cam/s"), /Unsupported URL scheme "rtsp:"/);
  assert.throws(() => parseViewTarget("front"), /"front" is not a URL/);
});

Deno.test("whepEndpoint() appends /whep to a camera's URL and keeps a WHEP URL as it is", () => {
  assert.equal(
    whepEndpoint(new URL("http://h/api/cameras/front")).href,
    "http://h/api/cameras/front/whep",
  );
  assert.equal(
    whepEndpoint(new URL("http://h/api/cameras/front/")).href,
    "http://h/api/cameras/front/whep",
  );
  assert.equal(whepEndpoint(new URL("https://h/x/whep?t=1")).href, "https://h/x/whep?t=1");
});

Deno.test("AccessUnitMeter counts units, bytes and the sequence numbers that never came", () => {
  const m = new AccessUnitMeter();
  m.add(0xffff_fffe, 1000, 0);
  m.add(0xffff_ffff, 1000, 0.25e9);
  m.add(1, 1000, 0.5e9); // 0 never came (across the wrap)
  m.add(2, 1000, 0.75e9);
  const iv = m.interval(1e9);
  assert.deepEqual([iv.fps, iv.kbps, iv.loss], [4, 32, 0.2]);
  assert.deepEqual([m.interval(2e9).fps, m.frames], [0, 4]);
});

Deno.test("the overlay shows the interval's figures and the median latency", () => {
  const f = figuresOf({ seconds: 1, fps: 29.94, kbps: 1987.4, loss: 0.0123, jitterMs: 1 }, [
    5,
    40,
    7,
  ], "avdec_h264");
  assert.equal(overlayText(f), "29.9 fps  1987 kbit/s  loss 1.2%  latency 7 ms  avdec_h264");
  assert.equal(
    overlayText({ ...f, latencyMs: null }),
    "29.9 fps  1987 kbit/s  loss 1.2%  latency ?  avdec_h264",
  );
});

Deno.test("a decoder is proven on the probe stream: avdec_h264 decodes it, a JPEG decoder does not", async () => {
  assert.deepEqual(await probeDecoder("avdec_h264"), { ok: true });
  const wrong = await probeDecoder("jpegdec");
  assert.equal(wrong.ok, false);
  const chosen = await chooseDecoder(["nosuchdec", "avdec_h264"]);
  assert.deepEqual(chosen, {
    decoder: "avdec_h264",
    skipped: [{ decoder: "nosuchdec", why: "not installed" }],
  });
});
