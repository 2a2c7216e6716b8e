import assert from "node:assert/strict";
import {
  keyframeRequested,
  ntpFromUnixMs,
  ntpMiddle,
  parseRtcp,
  rtpToUnixMs,
  senderReport,
  serializeRtcp,
  unixMsFromNtp,
} from "../../../../transports/rtp/mod.ts";
import { RTCP_CASES, RTCP_REJECTS } from "./_cases.ts";

for (const c of RTCP_CASES) {
  Deno.test(`serializeRtcp() writes ${c.name}`, () => {
    assert.deepEqual([...serializeRtcp(c.packets)], c.bytes);
  });

  Deno.test(`parseRtcp() reads ${c.name}`, () => {
    assert.deepEqual(parseRtcp(Uint8Array.from(c.bytes)), c.packets);
  });
}

for (const c of RTCP_REJECTS) {
  Deno.test(`parseRtcp() throws SyntaxError for ${c.name}`, () => {
    assert.throws(() => parseRtcp(Uint8Array.from(c.bytes)), (e: Error) => {
      assert.ok(e instanceof SyntaxError, `${e.name}: ${e.message}`);
      assert.match(e.message, c.message);
      return true;
    });
  });
}

Deno.test("parseRtcp() strips the padding of the last packet", () => {
  const padded = [0xa0, 201, 0, 2, 0, 0, 0, 7, 0, 0, 0, 4];
  assert.deepEqual(parseRtcp(Uint8Array.from(padded)), [{ type: "rr", ssrc: 7, reports: [] }]);
});

Deno.test("keyframeRequested() is true for a PLI or a FIR naming the SSRC", () => {
  const pli = parseRtcp(Uint8Array.from(RTCP_CASES.find((c) => c.name.includes("PLI"))!.bytes));
  const fir = parseRtcp(Uint8Array.from(RTCP_CASES.find((c) => c.name.includes("FIR"))!.bytes));
  const rr = parseRtcp(Uint8Array.from(RTCP_CASES[1].bytes));
  assert.equal(keyframeRequested(pli), true);
  assert.equal(keyframeRequested(pli, 2), true);
  assert.equal(keyframeRequested(pli, 3), false);
  assert.equal(keyframeRequested(fir, 2), true);
  assert.equal(keyframeRequested(rr), false);
});

Deno.test("serializeRtcp() rejects values that do not fit their fields", () => {
  assert.throws(() => serializeRtcp([{ type: "rr", ssrc: 2 ** 32, reports: [] }]), RangeError);
  assert.throws(
    () => serializeRtcp([{ type: "bye", ssrcs: Array(32).fill(1) }]),
    /at most 31 SSRCs, got 32/,
  );
  assert.throws(
    () =>
      serializeRtcp([{
        type: "sdes",
        chunks: [{ ssrc: 1, items: [{ type: 1, text: "x".repeat(256) }] }],
      }]),
    /at most 255 bytes/,
  );
});

Deno.test("ntpFromUnixMs() and unixMsFromNtp() map the Unix epoch to NTP second 2208988800", () => {
  assert.deepEqual(ntpFromUnixMs(0), { seconds: 2_208_988_800, fraction: 0 });
  assert.deepEqual(ntpFromUnixMs(1500), { seconds: 2_208_988_801, fraction: 0x8000_0000 });
  assert.equal(unixMsFromNtp(ntpFromUnixMs(1_700_000_000_250)), 1_700_000_000_250);
  assert.equal(ntpMiddle({ seconds: 0x1234_5678, fraction: 0x9abc_def0 }), 0x5678_9abc);
});

Deno.test("rtpToUnixMs() maps an RTP timestamp to wall clock through a sender report, across the wrap", () => {
  const ntp = ntpFromUnixMs(1_700_000_000_000);
  const sr = { ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp: 2 ** 32 - 45_000 };
  assert.equal(rtpToUnixMs(45_000, sr), 1_700_000_001_000);
  assert.equal(rtpToUnixMs(2 ** 32 - 90_000, sr), 1_700_000_000_000 - 500);
});

Deno.test("senderReport() pairs the wall clock with the RTP timestamp and wraps the counts at 2^32", () => {
  const sr = senderReport({
    ssrc: 5,
    unixMs: 1500,
    rtpTimestamp: 90_000,
    packetCount: 2 ** 32 + 3,
    octetCount: 1200,
  });
  assert.deepEqual(sr, {
    type: "sr",
    ssrc: 5,
    ntpSeconds: 2_208_988_801,
    ntpFraction: 0x8000_0000,
    rtpTimestamp: 90_000,
    packetCount: 3,
    octetCount: 1200,
    reports: [],
  });
  assert.equal(rtpToUnixMs(180_000, sr), 2500);
});
