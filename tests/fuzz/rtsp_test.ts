/**
 * Fuzzing the RTSP server's parsers, the bytes any client on the network
 * controls before it has authenticated. The reader: any bytes, cut anywhere,
 * never throw, every message inside the bounds, nothing invented, the same
 * messages whatever the cuts, an error final; generated requests read back
 * as written. The header readers (Transport, Authorization, the target,
 * Session): any text, no throw, only values in range.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  chooseTransport,
  MAX_BODY_BYTES,
  MAX_HEADERS,
  MAX_INTERLEAVED_READ,
  MAX_URI_BYTES,
  parseAuthorization,
  parseTarget,
  type ReadResult,
  RtspReader,
  sessionIdOf,
} from "../../transports/rtsp/mod.ts";
import { bytes, READER_CASES } from "../transports/rtsp/_cases.ts";
import { hostileBytes } from "./_bytes.ts";
import { fuzz } from "./_runs.ts";

const SEEDS = [
  ...READER_CASES.map((c) => bytes(c.wire)),
  bytes(READER_CASES.map((c) => c.wire).join("")),
];

/** A comparable record of what the reader handed out (payloads copied: views are reused). */
function readAll(input: Uint8Array, sizes: readonly number[]) {
  const reader = new RtspReader();
  const out: unknown[] = [];
  let consumed = 0;
  let i = 0;
  const check = (r: ReadResult) => {
    switch (r.kind) {
      case "request": {
        const q = r.request;
        assert.ok(q.body.length <= MAX_BODY_BYTES);
        assert.ok(q.uri.length <= MAX_URI_BYTES);
        assert.ok(q.headers.size <= MAX_HEADERS);
        assert.ok(q.cseq === null || (Number.isSafeInteger(q.cseq) && q.cseq >= 0));
        out.push({ ...q, headers: [...q.headers], body: [...q.body] });
        return;
      }
      case "interleaved":
        assert.ok(r.payload.length <= MAX_INTERLEAVED_READ);
        assert.ok(r.channel >= 0 && r.channel <= 255);
        out.push({ channel: r.channel, payload: [...r.payload] });
        return;
      case "skipped":
        assert.ok(r.length > MAX_INTERLEAVED_READ && r.length <= 0xffff);
        out.push(r);
        return;
      case "error":
        assert.match(r.reason, /^[A-Z"]/);
        out.push(r);
        return;
    }
  };
  while (consumed < input.length) {
    const want = sizes[i++ % sizes.length];
    const taken = reader.push(input.subarray(consumed, consumed + want));
    consumed += taken;
    for (;;) {
      const r = reader.next();
      if (r.kind === "need_more") break;
      check(r);
      if (r.kind === "error") {
        assert.equal(reader.next(), r, "an error is final");
        return out;
      }
    }
    // Nothing taken and nothing out would be a stall: the reader must always make progress.
    assert.ok(taken > 0 || want === 0 || consumed === input.length, "the reader stalled");
  }
  return out;
}

const cuts = fc.array(
  fc.oneof(fc.constantFrom(1, 2, 3, 17, 1500, 65_536), fc.integer({ min: 1, max: 4096 })),
  { minLength: 1, maxLength: 6 },
);

Deno.test("fuzz: any bytes in any chunks: the RTSP reader never throws, stays in bounds, and reads the same whatever the cuts", () => {
  let errors = 0;
  let requests = 0;
  fuzz("rtsp reader stream", fc.tuple(hostileBytes(SEEDS, 9000), cuts), ([input, sizes]) => {
    const whole = readAll(input, [input.length || 1]);
    const cut = readAll(input, sizes);
    assert.deepEqual(cut, whole);
    for (const r of whole) {
      const kind = (r as { kind?: string }).kind;
      if (kind === "error") errors++;
      else if (kind === undefined && "method" in (r as object)) requests++;
    }
  }, 10_000);
  assert.ok(errors > 500 && requests > 500, `errors ${errors}, requests ${requests}`);
});

const token = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,15}$/);
const headerValue = fc.stringMatching(/^[!-~]([ -~]{0,60}[!-~])?$/);
const request = fc.record({
  method: fc.oneof(fc.constantFrom("OPTIONS", "DESCRIBE", "SETUP", "PLAY", "TEARDOWN"), token),
  uri: fc.oneof(fc.constant("*"), fc.webUrl().map((u) => u.replace(/^https?/, "rtsp"))),
  cseq: fc.integer({ min: 0, max: 999_999_999 }),
  headers: fc.uniqueArray(fc.tuple(token, headerValue), {
    maxLength: 10,
    selector: ([k]) => k.toLowerCase(),
  }).map((hs) => hs.filter(([k]) => !["cseq", "content-length"].includes(k.toLowerCase()))),
  body: fc.uint8Array({ maxLength: 64 }),
});

Deno.test("fuzz: any request written out reads back as written", () => {
  fuzz(
    "rtsp request round trip",
    fc.tuple(fc.array(request, { minLength: 1, maxLength: 5 }), cuts),
    ([reqs, sizes]) => {
      const wire = reqs.map((q) => {
        const head = [
          `${q.method} ${q.uri} RTSP/1.0`,
          `CSeq: ${q.cseq}`,
          ...q.headers.map(([k, v]) => `${k}: ${v}`),
        ];
        if (q.body.length > 0) head.push(`Content-Length: ${q.body.length}`);
        return [...bytes(head.join("\r\n") + "\r\n\r\n"), ...q.body];
      }).flat();
      const got = readAll(Uint8Array.from(wire), sizes) as {
        method: string;
        cseq: number;
        body: number[];
        headers: [string, string][];
        uri: string;
      }[];
      assert.equal(got.length, reqs.length);
      reqs.forEach((q, i) => {
        assert.equal(got[i].method, q.method);
        assert.equal(got[i].uri, q.uri);
        assert.equal(got[i].cseq, q.cseq);
        assert.deepEqual(got[i].body, [...q.body]);
        for (const [k, v] of q.headers) {
          assert.ok(got[i].headers.some(([gk, gv]) => gk === k.toLowerCase() && gv === v));
        }
      });
      return reqs.length;
    },
    3_000,
  );
});

const REAL_HEADERS = [
  "RTP/AVP;unicast;client_port=50000-50001",
  "RTP/AVP/TCP;unicast;interleaved=0-1",
  'RTP/AVP/UDP;unicast;client_port=6000-6001;mode="PLAY"',
  'Digest username="bob", realm="eyrie", nonce="0123", uri="rtsp://h/front", response="abc"',
  'Digest username="Mufasa", realm="r", nonce="n", uri="/", qop=auth, nc=00000001, cnonce="c", response="r"',
  `Basic ${btoa("bob:secret")}`,
  "rtsp://127.0.0.1:8554/front/trackID=0",
  "0123456789ABCDEF;timeout=60",
];

Deno.test("fuzz: header values: Transport, Authorization, target and Session readers never throw and give values in range", () => {
  const text = fc.oneof(
    hostileBytes(REAL_HEADERS.map(bytes), 512).map((b) => String.fromCharCode(...b)),
    fc.string({ maxLength: 200 }),
  );
  fuzz("rtsp header values", text, (value) => {
    const t = chooseTransport(value);
    if (t.ok) {
      const tr = t.transport;
      if (tr.lower === "udp") {
        assert.ok(tr.rtp >= 1 && tr.rtcp <= 65535 && tr.rtp !== tr.rtcp);
      } else if (tr.channels !== null) {
        assert.ok(
          tr.channels.every((c) => c >= 0 && c <= 255) && tr.channels[0] !== tr.channels[1],
        );
      }
    } else assert.ok(t.reason.length > 0);
    const a = parseAuthorization(value);
    if (a?.scheme === "digest") assert.ok(a.credentials.username.length <= 2048);
    const target = parseTarget(value);
    if (target?.kind === "path") {
      assert.ok(
        target.segments.every((s) => s !== "" && s !== "." && s !== ".." && !s.includes("/")),
      );
    }
    const id = sessionIdOf(value);
    assert.ok(id === null || (id.length >= 1 && id.length <= 64));
    return 1;
  }, 20_000);
});
