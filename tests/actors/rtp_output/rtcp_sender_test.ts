import assert from "node:assert/strict";
import {
  KEYFRAME_REQUEST_INTERVAL_NS,
  MAX_RECEIVERS,
  RECEIVER_TIMEOUT_NS,
  RtcpSender,
} from "../../../actors/rtp_output/rtcp_sender.ts";
import {
  ntpFromUnixMs,
  ntpMiddle,
  parseRtcp,
  type ReceptionReport,
  serializeRtcp,
} from "../../../transports/rtp/mod.ts";

const SSRC = 0x1234_5678;
const T0 = 1.7e18; // ns, Unix-based like nowNs()

function block(fields: Partial<ReceptionReport> = {}): ReceptionReport {
  return {
    ssrc: SSRC,
    fractionLost: 0,
    cumulativeLost: 0,
    extendedHighestSeq: 100,
    jitter: 0,
    lastSr: 0,
    delaySinceLastSr: 0,
    ...fields,
  };
}

Deno.test("report() is an SR with the counts and the NTP time of now, then an SDES CNAME", () => {
  const s = new RtcpSender({ ssrc: SSRC, cname: "front@pi" });
  const packets = parseRtcp(
    s.report({ nowNs: T0, rtpTimestamp: 4242, packetCount: 10, octetCount: 9000 }),
  );
  assert.equal(packets.length, 2);
  const [sr, sdes] = packets;
  assert.ok(sr.type === "sr" && sdes.type === "sdes");
  assert.equal(sr.ssrc, SSRC);
  assert.equal(sr.rtpTimestamp, 4242);
  assert.equal(sr.packetCount, 10);
  assert.equal(sr.octetCount, 9000);
  assert.deepEqual(
    { seconds: sr.ntpSeconds, fraction: sr.ntpFraction },
    ntpFromUnixMs(T0 / 1e6),
  );
  assert.deepEqual(sdes.chunks, [{ ssrc: SSRC, items: [{ type: 1, text: "front@pi" }] }]);
});

Deno.test("goodbye() ends with a BYE for the stream's SSRC and the reason", () => {
  const s = new RtcpSender({ ssrc: SSRC, cname: "c" });
  const last = parseRtcp(
    s.goodbye({ nowNs: T0, rtpTimestamp: 0, packetCount: 0, octetCount: 0 }, "stream stopped"),
  ).at(-1);
  assert.deepEqual(last, { type: "bye", ssrcs: [SSRC], reason: "stream stopped" });
});

Deno.test("a PLI or FIR for this SSRC asks for a keyframe at most once a second", () => {
  const s = new RtcpSender({ ssrc: SSRC, cname: "c" });
  const pli = serializeRtcp([{ type: "pli", senderSsrc: 7, mediaSsrc: SSRC }]);
  const fir = serializeRtcp([{ type: "fir", senderSsrc: 7, entries: [{ ssrc: SSRC, seq: 1 }] }]);
  const other = serializeRtcp([{ type: "pli", senderSsrc: 7, mediaSsrc: 99 }]);
  assert.equal(s.receive(pli, T0), "keyframe");
  assert.equal(s.receive(fir, T0 + 0.5e9), "keyframe_limited");
  assert.equal(s.receive(other, T0 + 0.6e9), "ignored", "another stream's PLI");
  assert.equal(s.receive(fir, T0 + KEYFRAME_REQUEST_INTERVAL_NS), "keyframe");
  assert.equal(s.keyframeRequests, 3);
  assert.equal(s.keyframeRequestsLimited, 1);
});

Deno.test("a receiver report about this SSRC gives loss, jitter in ms and the round trip", () => {
  const s = new RtcpSender({ ssrc: SSRC, cname: "c" });
  const srAt = T0;
  s.report({ nowNs: srAt, rtpTimestamp: 0, packetCount: 1, octetCount: 1 });
  const lsr = ntpMiddle(ntpFromUnixMs(srAt / 1e6));
  // The receiver held the SR 250 ms; it arrives back 300 ms after it left: RTT 50 ms.
  const rr = serializeRtcp([{
    type: "rr",
    ssrc: 77,
    reports: [
      block({
        fractionLost: 64,
        cumulativeLost: 5,
        jitter: 900,
        lastSr: lsr,
        delaySinceLastSr: 0.25 * 65536,
      }),
      block({ ssrc: 1, jitter: 1 }),
    ],
  }]);
  assert.equal(s.receive(rr, srAt + 300e6), "report");
  const [r] = s.receivers(srAt + 300e6);
  assert.equal(r.ssrc, 77);
  assert.equal(r.fractionLost, 0.25);
  assert.equal(r.cumulativeLost, 5);
  assert.equal(r.jitterMs, 10);
  assert.ok(r.rttMs !== null && Math.abs(r.rttMs - 50) <= 0.2, `RTT ${r.rttMs}`);
  assert.equal(s.receivers(srAt + 300e6).length, 1, "the block about SSRC 1 is not ours");
});

Deno.test("receivers are bounded, forgotten after silence, and removed by their BYE", () => {
  const s = new RtcpSender({ ssrc: SSRC, cname: "c" });
  for (let i = 0; i < MAX_RECEIVERS + 5; i++) {
    s.receive(serializeRtcp([{ type: "rr", ssrc: 1000 + i, reports: [block()] }]), T0 + i);
  }
  const now = T0 + MAX_RECEIVERS + 5;
  const kept = s.receivers(now).map((r) => r.ssrc);
  assert.equal(kept.length, MAX_RECEIVERS);
  assert.ok(!kept.includes(1000) && kept.includes(1000 + MAX_RECEIVERS + 4), "oldest go first");
  s.receive(serializeRtcp([{ type: "bye", ssrcs: [1000 + MAX_RECEIVERS + 4] }]), now);
  assert.equal(s.receivers(now).length, MAX_RECEIVERS - 1);
  assert.equal(s.receivers(now + RECEIVER_TIMEOUT_NS + 1e9).length, 0);
});

Deno.test("malformed RTCP is counted and changes nothing", () => {
  const s = new RtcpSender({ ssrc: SSRC, cname: "c" });
  assert.equal(s.receive(Uint8Array.of(0x80, 201, 0, 9, 1, 2), T0), "malformed");
  assert.equal(s.receive(new Uint8Array(0), T0), "malformed");
  assert.equal(s.malformed, 2);
  assert.equal(s.received, 0);
  assert.deepEqual(s.receivers(T0), []);
});
