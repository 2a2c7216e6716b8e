import assert from "node:assert/strict";
import { writeRequest } from "../../../../transports/rtsp/client/request.ts";

Deno.test("writeRequest() writes the request line, CSeq and headers", () => {
  const bytes = writeRequest("SETUP", "rtsp://h/s/stream=2", {
    cseq: 3,
    headers: [["Transport", "RTP/AVP/TCP;unicast;interleaved=4-5"]],
  });
  assert.equal(
    new TextDecoder().decode(bytes),
    "SETUP rtsp://h/s/stream=2 RTSP/1.0\r\nCSeq: 3\r\n" +
      "Transport: RTP/AVP/TCP;unicast;interleaved=4-5\r\n\r\n",
  );
});

Deno.test("writeRequest() refuses what would break the framing", () => {
  assert.throws(() => writeRequest("PLAY", "rtsp://h/a b", { cseq: 1 }), TypeError);
  assert.throws(
    () => writeRequest("PLAY", "rtsp://h/", { cseq: 1, headers: [["Session", "1\r\nX: y"]] }),
    TypeError,
  );
});
