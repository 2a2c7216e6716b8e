/**
 * Fuzzing RTP and RTCP, the bytes any host that can send UDP to eyrie
 * controls: parsers throw only SyntaxError (with a sentence), what parses
 * round-trips through the writer, and a receiver fed any packet stream
 * never throws.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MAX_RTCP_PACKETS,
  MAX_RTP_PACKET_BYTES,
  parseRtcp,
  parseRtpHeader,
  ReceiverStats,
  type RtcpPacket,
  RtpReceiver,
  serializeRtcp,
  writeRtpHeader,
} from "../../transports/rtp/mod.ts";
import { hostileBytes, placed } from "./_bytes.ts";
import { H264_PACKETS, JPEG_PACKETS, RTCP_SEEDS } from "./_media.ts";
import { documented, fuzz } from "./_runs.ts";

const RTP_SEEDS = [...JPEG_PACKETS, ...H264_PACKETS];

/**
 * A NACK is a set of sequence numbers: the writer packs it afresh (sorted
 * into PID + bitmask words, once each), so overlapping or unordered words
 * read back as the same set in another order.
 */
function normal(p: RtcpPacket): RtcpPacket {
  return p.type === "nack" ? { ...p, lost: [...new Set(p.lost)].sort((a, b) => a - b) } : p;
}

Deno.test("fuzz: parseRtpHeader() of any bytes is a header that accounts for every byte, or a SyntaxError", () => {
  let parsed = 0;
  fuzz("rtp header", placed(hostileBytes(RTP_SEEDS)), (packet) => {
    try {
      const h = parseRtpHeader(packet);
      assert.equal(h.payloadOffset + h.payloadLength + h.paddingLength, packet.length);
      assert.ok(h.payloadOffset >= 12 && h.payloadLength >= 0 && h.payloadType < 128);
      parsed++;
    } catch (e) {
      documented(e, [SyntaxError]);
    }
  }, 20_000);
  assert.ok(parsed > 1000, `only ${parsed} parsed`);
});

Deno.test("fuzz: any RTP header written by writeRtpHeader() parses back to the same fields", () => {
  const init = fc.record({
    marker: fc.boolean(),
    payloadType: fc.integer({ min: 0, max: 127 }),
    sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
    timestamp: fc.integer({ min: 0, max: 0xffff_ffff }),
    ssrc: fc.integer({ min: 0, max: 0xffff_ffff }),
  });
  fuzz("rtp header round trip", fc.tuple(init, fc.uint8Array({ maxLength: 64 })), ([h, body]) => {
    const packet = new Uint8Array(12 + body.length);
    const n = writeRtpHeader(packet, h);
    packet.set(body, n);
    const back = parseRtpHeader(packet);
    assert.deepEqual({ ...h }, {
      marker: back.marker,
      payloadType: back.payloadType,
      sequenceNumber: back.sequenceNumber,
      timestamp: back.timestamp,
      ssrc: back.ssrc,
    });
    assert.equal(back.payloadLength, body.length);
  }, 5_000);
});

Deno.test("fuzz: parseRtcp() of any bytes is at most MAX_RTCP_PACKETS packets that serialize and parse back the same, or a SyntaxError", () => {
  let parsed = 0;
  fuzz("rtcp", placed(hostileBytes(RTCP_SEEDS)), (bytes) => {
    let packets;
    try {
      packets = parseRtcp(bytes);
    } catch (e) {
      documented(e, [SyntaxError]);
      return;
    }
    parsed++;
    assert.ok(packets.length <= MAX_RTCP_PACKETS);
    // The parser never invents a value the writer cannot write, and loses nothing it keeps.
    const again = serializeRtcp(packets);
    assert.ok(again.length <= MAX_RTP_PACKET_BYTES);
    assert.deepEqual(parseRtcp(again).map(normal), packets.map(normal));
  }, 20_000);
  assert.ok(parsed > 1000, `only ${parsed} parsed`);
});

Deno.test("fuzz: a receiver fed any stream of packets, RTCP and garbage never throws, and its stats stay numbers", () => {
  const stream = fc.array(
    fc.tuple(
      hostileBytes([...RTP_SEEDS, ...RTCP_SEEDS]),
      fc.integer({ min: 0, max: 5_000_000 }),
    ),
    { maxLength: 40 },
  );
  fuzz(
    "rtp receiver stream",
    fc.tuple(fc.constantFrom("h264", "mjpeg"), stream),
    ([codec, packets]) => {
      const rx = new RtpReceiver({ codec: codec as "h264" | "mjpeg", ssrc: 7, cname: "fuzz" });
      const stats = new ReceiverStats({ ssrc: 1 });
      let now = 0;
      for (const [packet, gap] of packets) {
        now += gap;
        for (let r = rx.push(packet, now); r.kind !== "more"; r = rx.pull()) {
          if (r.kind === "frame") assert.ok(r.data.length > 0);
        }
        try {
          stats.update(parseRtpHeader(packet), now);
        } catch (e) {
          documented(e, [SyntaxError]);
        }
      }
      for (let r = rx.flush(); r.kind !== "more"; r = rx.pull());
      rx.feedback(now, { pli: true });
      const interval = rx.interval(now);
      for (const v of Object.values(interval)) {
        if (typeof v === "number") assert.ok(Number.isFinite(v), JSON.stringify(interval));
      }
      const report = stats.report();
      assert.ok(report.fractionLost >= 0 && report.fractionLost <= 255);
      serializeRtcp([{ type: "rr", ssrc: 1, reports: [report] }]);
      return packets.length;
    },
    2_000,
  );
});
