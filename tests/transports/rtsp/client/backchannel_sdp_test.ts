import assert from "node:assert/strict";
import { findBackchannel } from "../../../../transports/rtsp/client/backchannel_sdp.ts";

/** gst-rtsp-server's RTSPOnvifServer answering a DESCRIBE that requires the backchannel. */
const ONVIF = [
  "v=0",
  "o=- 7254068403861832616 1 IN IP4 127.0.0.1",
  "s=Session streamed with GStreamer",
  "t=0 0",
  "a=control:*",
  "m=video 0 RTP/AVP 96",
  "a=rtpmap:96 H264/90000",
  "a=control:stream=0",
  "a=recvonly",
  "m=audio 0 RTP/AVP 8",
  "a=rtpmap:8 PCMA/8000",
  "a=control:stream=1",
  "a=recvonly",
  "m=audio 0 RTP/AVP 0",
  "a=rtpmap:0 PCMU/8000",
  "a=control:stream=2",
  "a=sendonly",
  "",
].join("\r\n");

Deno.test("findBackchannel() finds gst-rtsp-server's sendonly PCMU media and every stream to set up", () => {
  assert.deepEqual(findBackchannel(ONVIF, "rtsp://127.0.0.1:8554/stream/"), {
    control: "rtsp://127.0.0.1:8554/stream/stream=2",
    streams: [0, 1, 2].map((i) => `rtsp://127.0.0.1:8554/stream/stream=${i}`),
    index: 2,
    payloadType: 0,
    encoding: "PCMU",
    clockRate: 8000,
    channels: 1,
    fmtp: "",
  });
});

Deno.test("findBackchannel() is null for a camera without a sendonly audio media", () => {
  const plain = ONVIF.split("m=audio 0 RTP/AVP 0")[0];
  assert.equal(findBackchannel(plain, "rtsp://h/s"), null);
});

Deno.test("findBackchannel() reads a static payload type without rtpmap, absolute controls, and AAC's fmtp", () => {
  const sdp = "v=0\nm=audio 0 RTP/AVP 0\na=control:rtsp://cam/bc\na=sendonly\n";
  const got = findBackchannel(sdp, "rtsp://cam/");
  assert.equal(got?.control, "rtsp://cam/bc");
  assert.equal(got?.encoding, "PCMU");
  const aac = "v=0\nm=audio 0 RTP/AVP 97\na=rtpmap:97 mpeg4-generic/16000/1\n" +
    "a=fmtp:97 streamtype=5; mode=AAC-hbr; config=1408\na=control:trackID=5\na=sendonly\n";
  const a = findBackchannel(aac, "rtsp://cam/media");
  assert.equal(a?.control, "rtsp://cam/media/trackID=5");
  assert.equal(a?.encoding, "MPEG4-GENERIC");
  assert.equal(a?.clockRate, 16000);
  assert.equal(a?.fmtp, "streamtype=5; mode=AAC-hbr; config=1408");
});

Deno.test("findBackchannel() throws naming what a backchannel media lacks", () => {
  assert.throws(
    () => findBackchannel("v=0\nm=audio 0 RTP/AVP 96\na=control:x\na=sendonly\n", "rtsp://h/"),
    /payload type 96 has no a=rtpmap/,
  );
  assert.throws(
    () => findBackchannel("v=0\nm=audio 0 RTP/AVP 0\na=sendonly\n", "rtsp://h/"),
    /has no a=control/,
  );
});
