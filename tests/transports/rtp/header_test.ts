import assert from "node:assert/strict";
import {
  emptyRtpHeader,
  parseRtpHeader,
  rtpCsrc,
  writeRtpHeader,
} from "../../../transports/rtp/mod.ts";

Deno.test("writeRtpHeader() lays out V=2, CC, M, PT, sequence, timestamp and SSRC per RFC 3550 5.1", () => {
  const buf = new Uint8Array(20);
  const n = writeRtpHeader(buf, {
    marker: true,
    payloadType: 96,
    sequenceNumber: 0xabcd,
    timestamp: 0x01020304,
    ssrc: 0xf0e0d0c0,
    csrcs: [0x11223344, 0x55667788],
  });
  assert.equal(n, 20);
  assert.deepEqual(
    [...buf],
    [
      0x82,
      0xe0,
      0xab,
      0xcd,
      1,
      2,
      3,
      4,
      0xf0,
      0xe0,
      0xd0,
      0xc0,
      0x11,
      0x22,
      0x33,
      0x44,
      0x55,
      0x66,
      0x77,
      0x88,
    ],
  );
});

Deno.test("parseRtpHeader() reads what writeRtpHeader() wrote, CSRCs included", () => {
  const buf = new Uint8Array(24);
  writeRtpHeader(buf, {
    marker: false,
    payloadType: 26,
    sequenceNumber: 65535,
    timestamp: 0xffffffff,
    ssrc: 1,
    csrcs: [9],
  });
  const h = parseRtpHeader(buf);
  assert.deepEqual(
    [
      h.marker,
      h.payloadType,
      h.sequenceNumber,
      h.timestamp,
      h.ssrc,
      h.csrcCount,
      h.payloadOffset,
      h.payloadLength,
    ],
    [false, 26, 65535, 0xffffffff, 1, 1, 16, 8],
  );
  assert.equal(rtpCsrc(buf, 0), 9);
  assert.throws(() => rtpCsrc(buf, 1), RangeError);
});

Deno.test("parseRtpHeader() skips a header extension and strips padding", () => {
  // X=1, P=1; extension profile 0xBEDE with one word; payload 3 bytes + 2 bytes padding.
  const p = Uint8Array.from([
    0xb0,
    0x60,
    0,
    1,
    0,
    0,
    0,
    2,
    0,
    0,
    0,
    3,
    0xbe,
    0xde,
    0,
    1,
    0x10,
    0xaa,
    0,
    0,
    7,
    8,
    9,
    0,
    2,
  ]);
  const h = parseRtpHeader(p, emptyRtpHeader());
  assert.equal(h.extensionProfile, 0xbede);
  assert.equal(h.extensionOffset, 16);
  assert.equal(h.extensionLength, 4);
  assert.equal(h.payloadOffset, 20);
  assert.equal(h.payloadLength, 3);
  assert.equal(h.paddingLength, 2);
});

const BAD: [string, number[], RegExp][] = [
  ["fewer than 12 bytes", [0x80, 0, 0, 0], /at least 12 bytes, got 4/],
  ["version 1", [0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /version must be 2, got 1/],
  ["CSRCs past the end", [0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /15 CSRCs needs 72 bytes/],
  [
    "an extension header cut off",
    [0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe],
    /extension is cut off/,
  ],
  [
    "an extension longer than the packet",
    [0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xbe, 0xde, 0, 9],
    /9 words overruns/,
  ],
  [
    "padding longer than the payload",
    [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 9],
    /padding of 9 bytes/,
  ],
  ["padding of zero bytes", [0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], /padding of 0 bytes/],
];

for (const [name, bytes, message] of BAD) {
  Deno.test(`parseRtpHeader() throws SyntaxError for ${name}`, () => {
    assert.throws(() => parseRtpHeader(Uint8Array.from(bytes)), (e: Error) => {
      assert.ok(e instanceof SyntaxError);
      assert.match(e.message, message);
      return true;
    });
  });
}

Deno.test("writeRtpHeader() rejects out-of-range fields instead of masking them", () => {
  const buf = new Uint8Array(12);
  const ok = { marker: false, payloadType: 96, sequenceNumber: 0, timestamp: 0, ssrc: 0 };
  assert.throws(() => writeRtpHeader(buf, { ...ok, payloadType: 128 }), /payload type.*got 128/);
  assert.throws(() => writeRtpHeader(buf, { ...ok, sequenceNumber: 65536 }), RangeError);
  assert.throws(() => writeRtpHeader(buf, { ...ok, timestamp: -1 }), RangeError);
  assert.throws(() => writeRtpHeader(new Uint8Array(11), ok), /needs 12 bytes/);
});
