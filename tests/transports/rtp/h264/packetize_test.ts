import assert from "node:assert/strict";
import {
  findParameterSets,
  H264Payloader,
  isKeyframe,
  MAX_ACCESS_UNIT_BYTES,
  MAX_NALS_PER_AU,
  PacketBuffer,
  parseRtpHeader,
  parseSps,
  RtpPacketizer,
  RtpSequencer,
  splitAnnexB,
} from "../../../../transports/rtp/mod.ts";
import { h264 } from "../_media.ts";
import { HAVE_GST } from "../_peers.ts";
import { accessUnit, expectedPayload, H264_CASES, nal } from "./_cases.ts";

for (const c of H264_CASES) {
  Deno.test(`H264Payloader.payload(): ${c.name}`, () => {
    const out = new PacketBuffer({ slotBytes: c.mtu });
    const n = new H264Payloader({ mtu: c.mtu }).payload(accessUnit(c), out);
    assert.equal(n, c.packets.length);
    c.packets.forEach((e, i) => {
      const packet = out.packet(i);
      assert.ok(packet.length <= c.mtu, `packet ${i} is ${packet.length} bytes`);
      assert.deepEqual(packet.subarray(12), expectedPayload(c, e), `packet ${i}`);
      assert.equal(out.marker(i), e.marker, `marker of packet ${i}`);
    });
  });

  Deno.test(`splitAnnexB() finds every NAL unit: ${c.name}`, () => {
    const units = splitAnnexB(accessUnit(c));
    assert.equal(units.count, c.nals.length);
    c.nals.forEach((n, i) => assert.deepEqual(units.nal(i), n));
  });
}

Deno.test("splitAnnexB() rejects data that does not start with a start code", () => {
  assert.throws(() => splitAnnexB(Uint8Array.from([0x65, 1, 2, 3])), SyntaxError);
  assert.throws(() => splitAnnexB(new Uint8Array(0)), /does not start with a start code/);
  assert.throws(() => splitAnnexB(Uint8Array.from([1, 0, 0, 1, 0x65])), SyntaxError);
});

Deno.test("splitAnnexB() bounds the access unit size and the NAL unit count", () => {
  const big = new Uint8Array(MAX_ACCESS_UNIT_BYTES + 1);
  big[2] = 1;
  assert.throws(() => splitAnnexB(big), RangeError);
  const many = new Uint8Array((MAX_NALS_PER_AU + 1) * 5);
  for (let i = 0; i < MAX_NALS_PER_AU + 1; i++) many.set([0, 0, 1, 0x41, 0x80], i * 5);
  assert.throws(() => splitAnnexB(many), /more than 1024 NAL units/);
});

Deno.test("new H264Payloader() rejects an MTU without room for one FU-A byte", () => {
  assert.throws(() => new H264Payloader({ mtu: 14 }), /15 to 65507 bytes, got 14/);
  assert.equal(new H264Payloader().mtu, 1200);
});

Deno.test("RtpPacketizer marks only the last packet of each access unit and keeps one timestamp per AU", () => {
  const c = H264_CASES[2];
  const p = new RtpPacketizer(new H264Payloader({ mtu: c.mtu }), {
    payloadType: 96,
    ssrc: 5,
    sequencer: new RtpSequencer({ initial: 65535 }),
  });
  const out = new PacketBuffer();
  p.packetize({ data: accessUnit(c), ptsNs: 1_000_000_000, captureNs: 0 }, out);
  p.packetize({ data: accessUnit(H264_CASES[0]), ptsNs: 1_033_333_333, captureNs: 0 }, out);
  const headers = Array.from({ length: out.length }, (_, i) => parseRtpHeader(out.packet(i)));
  assert.deepEqual(headers.map((h) => h.sequenceNumber), [65535, 0, 1, 2, 3]);
  assert.deepEqual(headers.map((h) => h.marker), [false, false, false, true, true]);
  assert.deepEqual(headers.map((h) => h.timestamp), [90000, 90000, 90000, 90000, 92999]);
});

Deno.test("isKeyframe() is true for an AU with an IDR slice only", () => {
  assert.equal(isKeyframe(accessUnit(H264_CASES[1])), true);
  assert.equal(isKeyframe(accessUnit(H264_CASES[0])), false);
  assert.equal(isKeyframe(Uint8Array.from([0, 0, 1, ...nal(5, 3)])), true);
});

Deno.test({
  name:
    "parseSps() reads x264's SPS: Constrained Baseline 320x240 and a 1920x1080 High SPS with cropping",
  ignore: !HAVE_GST,
  async fn() {
    for (const [w, h, profile] of [[320, 240, 66], [1920, 1080, 100]]) {
      const set = await h264(1, {
        width: w,
        height: h,
        profile: profile === 100 ? "high" : undefined,
      });
      const units = splitAnnexB(set.files[0]);
      const i = Array.from({ length: units.count }, (_, k) => units.type(k)).indexOf(7);
      const sps = parseSps(units.nal(i));
      assert.equal(sps.width, w);
      assert.equal(sps.height, h);
      assert.equal(sps.profileIdc, profile);
      assert.equal(sps.profileLevelId.slice(0, 2), sps.profileIdc.toString(16));
      assert.match(sps.profileLevelId, /^[0-9a-f]{6}$/);
    }
  },
});

Deno.test("parseSps() rejects a NAL unit that is not an SPS, and a truncated SPS", () => {
  assert.throws(() => parseSps(nal(8, 10)), /Not an SPS/);
  assert.throws(() => parseSps(Uint8Array.from([0x67, 100, 0, 40])), /truncated/);
});

Deno.test("findParameterSets() returns the SPS and PPS of an IDR access unit, null without them", () => {
  const c = H264_CASES[1];
  const sets = findParameterSets(accessUnit(c));
  assert.deepEqual(sets, { sps: c.nals[0], pps: c.nals[1] });
  assert.equal(findParameterSets(accessUnit(H264_CASES[0])), null);
});

Deno.test("H264Payloader.payload() reads an access unit from a SharedArrayBuffer at an odd offset", () => {
  const c = H264_CASES[2];
  const au = accessUnit(c);
  const slot = new Uint8Array(new SharedArrayBuffer(au.length + 64), 13, au.length);
  slot.set(au);
  const a = new PacketBuffer(), b = new PacketBuffer();
  new H264Payloader({ mtu: c.mtu }).payload(au, a);
  new H264Payloader({ mtu: c.mtu }).payload(slot, b);
  assert.equal(b.length, a.length);
  for (let i = 0; i < a.length; i++) assert.deepEqual(b.packet(i), a.packet(i));
});
