import assert from "node:assert/strict";
import {
  MAX_BODY_BYTES,
  MAX_HEAD_BYTES,
  MAX_HEADERS,
  MAX_INTERLEAVED_READ,
  NEED_MORE,
  type ReadResult,
  RtspReader,
} from "../../../transports/rtsp/mod.ts";
import { bytes, READER_CASES } from "./_cases.ts";

/** Feeds `wire` in chunks of `size` bytes and collects everything up to NEED_MORE or an error. */
function readAll(wire: Uint8Array, size: number): ReadResult[] {
  const reader = new RtspReader();
  const out: ReadResult[] = [];
  const drain = () => {
    for (;;) {
      const r = reader.next();
      if (r.kind === "need_more") return true;
      out.push(r.kind === "interleaved" ? { ...r, payload: r.payload.slice() } : r);
      if (r.kind === "error") return false;
    }
  };
  for (let at = 0; at < wire.length;) {
    at += reader.push(wire.subarray(at, Math.min(wire.length, at + size)));
    if (!drain()) break;
  }
  return out;
}

function summary(results: ReadResult[]) {
  return results.map((r) =>
    r.kind === "request"
      ? {
        method: r.request.method,
        cseq: r.request.cseq,
        ...(r.request.body.length > 0 ? { body: new TextDecoder().decode(r.request.body) } : {}),
      }
      : r.kind === "interleaved"
      ? { channel: r.channel, length: r.payload.length }
      : r
  );
}

for (const c of READER_CASES) {
  Deno.test(`RtspReader reads ${c.name}, whole and cut at every byte`, () => {
    const wire = bytes(c.wire);
    for (const size of [wire.length, 1, 2, 3, 7, 64]) {
      assert.deepEqual(summary(readAll(wire, size)), c.expect, `chunks of ${size}`);
    }
  });
}

Deno.test("RtspReader keeps header names case-insensitive and joins repeated headers", () => {
  const [r] = readAll(
    bytes(
      "SETUP rtsp://h/x RTSP/1.0\r\ncseq: 1\r\nTRANSPORT: a\r\ntransport: b\r\nX-Folded: one\r\n two\r\n\r\n",
    ),
    1000,
  );
  assert.equal(r.kind, "request");
  if (r.kind !== "request") return;
  assert.equal(r.request.cseq, 1);
  assert.equal(r.request.headers.get("transport"), "a, b");
  assert.equal(r.request.headers.get("x-folded"), "one two");
});

Deno.test("RtspReader refuses a head past MAX_HEAD_BYTES without waiting for its end", () => {
  const wire = bytes(`OPTIONS * RTSP/1.0\r\nX: ${"a".repeat(MAX_HEAD_BYTES)}`);
  const out = readAll(wire, 1000);
  assert.deepEqual(out.map((r) => r.kind === "error" && r.error), ["head_too_large"]);
});

Deno.test("RtspReader refuses more than MAX_HEADERS headers", () => {
  const lines = Array.from({ length: MAX_HEADERS + 1 }, (_, i) => `X-${i}: 1\r\n`).join("");
  const out = readAll(bytes(`OPTIONS * RTSP/1.0\r\n${lines}\r\n`), 1000);
  assert.deepEqual(out.map((r) => r.kind === "error" && r.error), ["head_too_large"]);
});

Deno.test("RtspReader refuses a body past MAX_BODY_BYTES before it arrives", () => {
  const out = readAll(
    bytes(`SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`),
    1000,
  );
  assert.deepEqual(out.map((r) => r.kind === "error" && r.error), ["body_too_large"]);
});

Deno.test("RtspReader names what is wrong with a broken request line, version or header", () => {
  const cases: [string, string][] = [
    ["GET / HTTP/1.1\r\n\r\n", "malformed"],
    ["OPTIONS * RTSP/3.0\r\nCSeq: 1\r\n\r\n", "version"],
    ["OPTIONS *\r\n\r\n", "malformed"],
    ["RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n", "malformed"],
    ["OPTIONS * RTSP/1.0\r\nno colon here\r\n\r\n", "malformed"],
    ["OPTIONS * RTSP/1.0\r\nContent-Length: -1\r\n\r\n", "malformed"],
    ["OPTIONS * RTSP/1.0\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "malformed"],
    [`DESCRIBE rtsp://h/${"x".repeat(3000)} RTSP/1.0\r\n\r\n`, "uri_too_long"],
    ["\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", "malformed"],
  ];
  for (const [wire, error] of cases) {
    const out = readAll(bytes(wire), 5);
    assert.equal(out.length, 1, wire);
    assert.equal(out[0].kind === "error" && out[0].error, error, wire);
  }
});

Deno.test("RtspReader gives the same error again after framing is lost", () => {
  const reader = new RtspReader();
  reader.push(bytes("BAD\r\n\r\nOPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"));
  const first = reader.next();
  assert.equal(first.kind, "error");
  assert.equal(reader.next(), first);
});

Deno.test("RtspReader passes over an interleaved frame longer than MAX_INTERLEAVED_READ", () => {
  const length = MAX_INTERLEAVED_READ + 100;
  const wire = new Uint8Array(4 + length + 40);
  wire.set([0x24, 3, length >> 8, length & 0xff]);
  wire.set(bytes("OPTIONS * RTSP/1.0\r\nCSeq: 4\r\n\r\n"), 4 + length);
  for (const size of [wire.length, 1000, 1]) {
    assert.deepEqual(summary(readAll(wire.subarray(0, 4 + length + 32), size)), [
      { kind: "skipped", channel: 3, length },
      { method: "OPTIONS", cseq: 4 },
    ]);
  }
});

Deno.test("RtspReader.space() is never empty while a message can still arrive", () => {
  const reader = new RtspReader();
  const head = `SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: ${MAX_BODY_BYTES}\r\n`;
  const wire = bytes(head + "X: " + "a".repeat(MAX_HEAD_BYTES - head.length - 9) + "\r\n\r\n");
  assert.ok(wire.length <= MAX_HEAD_BYTES);
  assert.equal(reader.push(wire), wire.length);
  assert.equal(reader.next(), NEED_MORE);
  assert.equal(reader.push(new Uint8Array(MAX_BODY_BYTES)), MAX_BODY_BYTES);
  const r = reader.next();
  assert.equal(r.kind, "request");
  assert.ok(reader.space().length > MAX_HEAD_BYTES);
});
