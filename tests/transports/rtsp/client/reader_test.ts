import assert from "node:assert/strict";
import { NEED_MORE } from "../../../../transports/rtsp/message.ts";
import {
  MAX_RESPONSE_BODY,
  MAX_RESPONSE_HEAD,
  ResponseReader,
} from "../../../../transports/rtsp/client/reader.ts";

const enc = new TextEncoder();
const DESCRIBED = "RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Base: rtsp://h/s/\r\n" +
  "Content-Length: 5\r\n\r\nv=0\r\n";

Deno.test("ResponseReader reads a response and an interleaved frame cut at every byte", () => {
  const frame = [0x24, 1, 0, 3, 7, 8, 9];
  const bytes = new Uint8Array([...enc.encode(DESCRIBED), ...frame]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const r = new ResponseReader();
    const got: string[] = [];
    for (const part of [bytes.subarray(0, cut), bytes.subarray(cut)]) {
      r.push(part);
      for (let m = r.next(); m !== NEED_MORE; m = r.next()) {
        if (m.kind === "response") {
          assert.equal(m.response.status, 200);
          assert.equal(m.response.headers.get("content-base"), "rtsp://h/s/");
          got.push(new TextDecoder().decode(m.response.body));
        } else if (m.kind === "interleaved") {
          got.push(`${m.channel}:${[...m.payload]}`);
        } else assert.fail(m.kind === "error" ? m.reason : m.kind);
      }
    }
    assert.deepEqual(got, ["v=0\r\n", "1:7,8,9"], `cut at ${cut}`);
  }
});

Deno.test("ResponseReader gives an error value for what is not a response, and keeps it", () => {
  const r = new ResponseReader();
  r.push(enc.encode("HTTP/1.1 200 OK\r\n\r\n"));
  const m = r.next();
  assert.equal(m.kind, "error");
  assert.equal(r.next(), m);
});

Deno.test("ResponseReader bounds the head and the body", () => {
  const long = new ResponseReader();
  long.push(enc.encode("RTSP/1.0 200 OK\r\nX: " + "a".repeat(MAX_RESPONSE_HEAD)));
  assert.match((long.next() as { reason: string }).reason, /longer than/);
  const big = new ResponseReader();
  big.push(enc.encode(`RTSP/1.0 200 OK\r\nContent-Length: ${MAX_RESPONSE_BODY + 1}\r\n\r\n`));
  assert.match((big.next() as { reason: string }).reason, /over/);
});
