/** The pure parts of RTP over QUIC: varints, the datagram framing, the control messages. */
import assert from "node:assert/strict";
import {
  ControlDecoder,
  type ControlMessage,
  encodeControl,
  MAX_CONTROL_BODY,
  parseDatagram,
  type ParsedDatagram,
  readVarint,
  transcript,
  varintLength,
  writeDatagramHeader,
  writeVarint,
} from "../../../transports/quic/mod.ts";

// RFC 9000 appendix A.1's examples, and the edges of each length.
const VARINTS: [number, string][] = [
  [37, "25"],
  [15293, "7bbd"],
  [494878333, "9d7f3e7d"],
  [151288809941952652, "c2197c5eff14e88c"],
  [0, "00"],
  [63, "3f"],
  [64, "4040"],
  [16383, "7fff"],
  [16384, "80004000"],
  [1073741823, "bfffffff"],
  [1073741824, "c000000040000000"],
];

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

Deno.test("QUIC varints read RFC 9000's examples and write them back byte for byte", () => {
  for (const [value, bytes] of VARINTS) {
    const wire = Uint8Array.from(bytes.match(/../g)!, (p) => parseInt(p, 16));
    const out = { value: 0, length: 0 };
    if (value > Number.MAX_SAFE_INTEGER) {
      assert.throws(() => readVarint(wire, 0, out), RangeError);
      continue;
    }
    assert.equal(readVarint(wire, 0, out).value, value, bytes);
    assert.equal(out.length, wire.length);
    const buf = new Uint8Array(8);
    assert.equal(writeVarint(value, buf, 0), varintLength(value));
    assert.equal(hex(buf.subarray(0, out.length)), bytes);
    // Cut anywhere: "need more bytes", never a wrong value.
    for (let cut = 0; cut < wire.length; cut++) {
      assert.equal(readVarint(wire.subarray(0, cut), 0, out).length, 0);
    }
  }
  assert.throws(() => varintLength(-1), /0 to/);
  assert.throws(() => varintLength(1.5), /got 1.5/);
});

Deno.test("a media datagram is the flow identifier then an RTP packet; short ones say why", () => {
  const d = new Uint8Array(1 + 12);
  assert.equal(writeDatagramHeader(0, d), 1);
  d[1] = 0x80;
  const out: ParsedDatagram = { flowId: -1, offset: -1 };
  assert.equal(parseDatagram(d, out), null);
  assert.deepEqual(out, { flowId: 0, offset: 1 });
  const wide = new Uint8Array(2 + 12);
  writeDatagramHeader(300, wide);
  assert.equal(parseDatagram(wide, out), null);
  assert.deepEqual(out, { flowId: 300, offset: 2 });
  assert.match(parseDatagram(d.subarray(0, 12), out)!, /no room for an RTP header/);
  assert.match(parseDatagram(Uint8Array.of(0x40), out)!, /ends inside its flow identifier/);
  assert.match(parseDatagram(new Uint8Array(0), out)!, /ends inside/);
});

const MESSAGES: ControlMessage[] = [
  {
    type: "client_hello",
    version: 1,
    nonce: new Uint8Array(32).fill(7),
    cert: new Uint8Array(500).fill(1),
  },
  {
    type: "server_hello",
    nonce: new Uint8Array(32).fill(9),
    signature: new Uint8Array(64).fill(2),
    cert: new Uint8Array(700).fill(3),
  },
  { type: "client_proof", signature: new Uint8Array(71).fill(4) },
  { type: "admitted", version: 1 },
  { type: "refused", reason: 'The certificate "CN=alice" is revoked' },
  { type: "keyframe" },
];

Deno.test("control messages survive being cut at every byte and arrive in order", () => {
  const wire = MESSAGES.map(encodeControl);
  const all = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
  wire.reduce((at, w) => (all.set(w, at), at + w.length), 0);
  for (const step of [1, 3, 17, all.length]) {
    const d = new ControlDecoder();
    const got: ControlMessage[] = [];
    for (let at = 0; at < all.length; at += step) {
      d.push(all.subarray(at, at + step));
      for (let r = d.next(); r.type !== "more"; r = d.next()) {
        assert.notEqual(r.type, "error");
        got.push(r as ControlMessage);
      }
    }
    assert.deepEqual(got, MESSAGES, `step ${step}`);
  }
});

Deno.test("a control message that is too long, unknown or malformed is an error naming it", () => {
  const d = new ControlDecoder();
  const big = new Uint8Array(5);
  big[0] = 3;
  writeVarint(MAX_CONTROL_BODY + 1, big, 1);
  d.push(big);
  assert.match((d.next() as { message: string }).message, /16385 bytes is over 16384/);
  const unknown = new ControlDecoder();
  unknown.push(Uint8Array.of(99, 0));
  assert.match(
    (unknown.next() as { message: string }).message,
    /Unknown control message type "99"/,
  );
  const short = new ControlDecoder();
  short.push(Uint8Array.of(1, 2, 1, 0));
  assert.match((short.next() as { message: string }).message, /malformed client_hello/);
  assert.throws(
    () => encodeControl({ type: "client_proof", signature: new Uint8Array(MAX_CONTROL_BODY + 1) }),
    RangeError,
  );
});

Deno.test("the two transcripts differ by role and change with every nonce and certificate", () => {
  const base = {
    clientNonce: new Uint8Array(32).fill(1),
    serverNonce: new Uint8Array(32).fill(2),
    clientCert: new Uint8Array(10).fill(3),
    serverCert: new Uint8Array(10).fill(4),
  };
  const seen = new Set<string>();
  for (const role of ["server", "client"] as const) {
    seen.add(hex(transcript(role, base)));
    for (const key of Object.keys(base) as (keyof typeof base)[]) {
      const changed = { ...base, [key]: base[key].map((b) => b ^ 0xff) };
      seen.add(hex(transcript(role, changed)));
    }
  }
  assert.equal(seen.size, 10);
  // A certificate's bytes cannot slide into the next one: lengths are part of it.
  const a = transcript("client", {
    ...base,
    clientCert: Uint8Array.of(1, 2),
    serverCert: Uint8Array.of(3),
  });
  const b = transcript("client", {
    ...base,
    clientCert: Uint8Array.of(1),
    serverCert: Uint8Array.of(2, 3),
  });
  assert.notEqual(hex(a), hex(b));
});
