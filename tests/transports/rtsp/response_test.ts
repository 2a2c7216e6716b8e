import assert from "node:assert/strict";
import { writeInterleavedHeader, writeResponse } from "../../../transports/rtsp/mod.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("writeResponse() writes the status line, CSeq, headers and a body with its length", () => {
  assert.equal(
    text(writeResponse({
      status: 200,
      cseq: 3,
      headers: [["Content-Base", "rtsp://h/front/"]],
      body: "v=0\r\n",
      contentType: "application/sdp",
    })),
    "RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Base: rtsp://h/front/\r\n" +
      "Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n",
  );
  assert.equal(
    text(writeResponse({ status: 400, cseq: null })),
    "RTSP/1.0 400 Bad Request\r\n\r\n",
  );
});

Deno.test("writeResponse() refuses a header value that would end the line", () => {
  assert.throws(
    () => writeResponse({ status: 200, cseq: 1, headers: [["X", "a\r\nInjected: 1"]] }),
    TypeError,
  );
  assert.throws(
    () => writeResponse({ status: 200, cseq: 1, headers: [["Bad Name", "a"]] }),
    TypeError,
  );
});

Deno.test("writeInterleavedHeader() writes $, the channel and the big-endian length", () => {
  const b = new Uint8Array(6);
  writeInterleavedHeader(b, 2, { channel: 1, length: 0x1234 });
  assert.deepEqual([...b], [0, 0, 0x24, 1, 0x12, 0x34]);
  assert.throws(() => writeInterleavedHeader(b, 0, { channel: 256, length: 1 }), RangeError);
  assert.throws(() => writeInterleavedHeader(b, 0, { channel: 0, length: 0x10000 }), RangeError);
});
