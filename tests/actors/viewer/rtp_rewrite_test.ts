import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { RtpHeader, RtpPacket, SrtpSession } from "werift";
import { protectInPlace, SRTP_TAG_BYTES, srtpState } from "../../../actors/viewer/fast_srtp.ts";
import {
  absSendTime,
  checkRewriteParams,
  headerBytes,
  payloadOffset,
  type RewriteParams,
  rewriteRtp,
} from "../../../actors/viewer/rtp_rewrite.ts";

/** A camera packet as the packetizer writes it: plain header, PT 96. */
function camera(seq: number, ts: number, size: number, marker = false): Buffer {
  const p = Buffer.alloc(12 + size);
  p[0] = 0x80;
  p[1] = (marker ? 0x80 : 0) | 96;
  p.writeUInt16BE(seq, 2);
  p.writeUInt32BE(ts, 4);
  p.writeUInt32BE(0x11223344, 8);
  randomBytes(size).copy(p, 12);
  return p;
}

/** What werift's RtpHeader.serialize writes for the same fields and extensions. */
function werift(src: Buffer, p: RewriteParams, seq: number, ts: number, sendTime: number): Buffer {
  const rtp = RtpPacket.deSerialize(src);
  const h = new RtpHeader({
    marker: rtp.header.marker,
    payloadType: p.payloadType,
    sequenceNumber: seq,
    timestamp: ts,
    ssrc: p.ssrc,
    padding: rtp.header.padding,
  });
  const ext = [];
  if (p.mid !== null) ext.push({ id: p.mid.id, payload: Buffer.from(p.mid.value) });
  if (p.absSendTimeId !== null) {
    const b = Buffer.alloc(3);
    b.writeUIntBE(sendTime, 0, 3);
    ext.push({ id: p.absSendTimeId, payload: b });
  }
  h.extensions = ext.sort((a, b) => a.id - b.id);
  return Buffer.concat([h.serialize(h.serializeSize), rtp.payload]);
}

const MID = { id: 9, value: Buffer.from("0") };
const CASES: Array<[string, RewriteParams]> = [
  ["mid and abs-send-time", { payloadType: 108, ssrc: 0xdeadbeef, mid: MID, absSendTimeId: 2 }],
  ["mid before abs-send-time", {
    payloadType: 108,
    ssrc: 1,
    mid: { id: 1, value: Buffer.from("video") },
    absSendTimeId: 3,
  }],
  ["mid only", { payloadType: 102, ssrc: 7, mid: MID, absSendTimeId: null }],
  ["abs-send-time only", { payloadType: 102, ssrc: 7, mid: null, absSendTimeId: 14 }],
  ["no extension", { payloadType: 127, ssrc: 0xffffffff, mid: null, absSendTimeId: null }],
];

Deno.test("rewriteRtp() writes the bytes werift's sender serializes, for every extension set and payload size", () => {
  for (const [name, p] of CASES) {
    for (const [size, marker] of [[0, false], [1, true], [15, false], [1188, true]] as const) {
      const src = camera(1234, 90_000, size, marker);
      const out = new Uint8Array(1500);
      const end = rewriteRtp(src, 0, src.length, out, p, 65535, 0xfffffff0, 0xabcdef);
      const want = werift(src, p, 65535, 0xfffffff0, 0xabcdef);
      assert.deepEqual(Buffer.from(out.subarray(0, end)), want, `${name}, ${size} bytes`);
      assert.equal(headerBytes(p), want.length - size, `${name}: headerBytes()`);
    }
  }
});

Deno.test("rewriteRtp() drops the camera's CSRCs and extension but keeps marker, padding and payload", () => {
  // V=2, P=1, X=1, CC=1; one CSRC; an extension of one word; payload ends in 2 padding bytes.
  const src = Buffer.from([
    0xb1,
    0x80 | 96,
    0,
    1,
    0,
    0,
    0,
    9,
    0,
    0,
    0,
    5, // header
    0xaa,
    0xbb,
    0xcc,
    0xdd, // CSRC
    0xbe,
    0xde,
    0,
    1,
    0x10,
    0x42,
    0,
    0, // extension: one word
    1,
    2,
    3,
    0,
    2, // payload and padding (last byte: padding length)
  ]);
  assert.equal(payloadOffset(src, 0, src.length), 24);
  const p = CASES[4][1];
  const out = new Uint8Array(64);
  const end = rewriteRtp(src, 0, src.length, out, p, 7, 9, 0);
  assert.deepEqual([...out.subarray(0, end)], [
    0xa0,
    0x80 | 127,
    0,
    7,
    0,
    0,
    0,
    9,
    0xff,
    0xff,
    0xff,
    0xff,
    1,
    2,
    3,
    0,
    2,
  ]);
});

Deno.test("rewriteRtp() reads a packet from the middle of a buffer (a pool slot)", () => {
  const src = camera(5, 6, 100, true);
  const slab = new Uint8Array(3000);
  slab.set(src, 1500);
  const p = CASES[0][1];
  const a = new Uint8Array(1500);
  const b = new Uint8Array(1500);
  const n = rewriteRtp(slab, 1500, src.length, a, p, 1, 2, 3);
  assert.equal(n, rewriteRtp(src, 0, src.length, b, p, 1, 2, 3));
  assert.deepEqual(a.subarray(0, n), b.subarray(0, n));
});

Deno.test("rewriteRtp() refuses what is not an RTP packet", () => {
  const out = new Uint8Array(64);
  const p = CASES[0][1];
  assert.equal(rewriteRtp(new Uint8Array(11), 0, 11, out, p, 0, 0, 0), -1, "shorter than a header");
  const v1 = camera(1, 1, 4);
  v1[0] = 0x40;
  assert.equal(rewriteRtp(v1, 0, v1.length, out, p, 0, 0, 0), -1, "version 1");
  const cut = camera(1, 1, 0);
  cut[0] = 0x90; // an extension that is not there
  assert.equal(rewriteRtp(cut, 0, cut.length, out, p, 0, 0, 0), -1);
});

Deno.test("checkRewriteParams() refuses IDs and mids a one-byte extension cannot carry", () => {
  assert.throws(() => checkRewriteParams({ ...CASES[0][1], absSendTimeId: 15 }), RangeError);
  assert.throws(() => checkRewriteParams({ ...CASES[0][1], mid: { id: 0, value: MID.value } }));
  assert.throws(() =>
    checkRewriteParams({ ...CASES[0][1], mid: { id: 1, value: new Uint8Array(17) } })
  );
});

Deno.test("absSendTime() is seconds in 6.18 fixed point, modulo 64 s", () => {
  assert.equal(absSendTime(0), 0);
  assert.equal(absSendTime(500), 1 << 17);
  assert.equal(absSendTime(1000), 1 << 18);
  assert.equal(absSendTime(63_999), Math.floor(63.999 * 262_144));
  assert.equal(absSendTime(64_000), 0);
  assert.equal(absSendTime(64_000 * 1000 + 250), 1 << 16);
});

Deno.test("a rewritten packet protected in place decrypts with werift's SRTP receiver to what werift would have sent", () => {
  const [k1, s1, k2, s2] = [randomBytes(16), randomBytes(14), randomBytes(16), randomBytes(14)];
  const keys = (lk: Buffer, ls: Buffer, rk: Buffer, rs: Buffer) =>
    new SrtpSession({
      keys: { localMasterKey: lk, localMasterSalt: ls, remoteMasterKey: rk, remoteMasterSalt: rs },
      profile: 1, // SRTP_AES128_CM_HMAC_SHA1_80
    });
  const sender = keys(k1, s1, k2, s2);
  const receiver = keys(k2, s2, k1, s1);
  const c = (sender.localContext as unknown as {
    cipher: { srtpSessionKey: Buffer; srtpSessionSalt: Buffer; srtpSessionAuthTag: Buffer };
  }).cipher;
  const state = srtpState(c.srtpSessionKey, c.srtpSessionSalt, c.srtpSessionAuthTag);
  const p = CASES[0][1];
  // Across the sequence number's wrap: the rollover counter moves with it.
  let roc = 0;
  for (let seq = 65530; seq < 65546; seq++) {
    const out16 = seq & 0xffff;
    if (out16 === 0) roc++;
    const src = camera(seq & 0xffff, 3000 * seq, 1000);
    const buf = new Uint8Array(1500);
    const end = rewriteRtp(src, 0, src.length, buf, p, out16, 3000 * seq, 42);
    const length = protectInPlace(state, buf, headerBytes(p), end, roc);
    assert.equal(length, end + SRTP_TAG_BYTES);
    const plain = receiver.decrypt(Buffer.from(buf.subarray(0, length)));
    assert.deepEqual(plain, werift(src, p, out16, (3000 * seq) >>> 0, 42), `seq ${seq}`);
  }
});
