import assert from "node:assert/strict";
import {
  JpegPayloader,
  PacketBuffer,
  parseRtpHeader,
  RtpClock,
  RtpPacketizer,
  RtpSequencer,
} from "../../../../transports/rtp/mod.ts";
import { JPEG_CASES, JPEG_REJECTS, scanRange } from "./_cases.ts";

for (const c of JPEG_CASES) {
  Deno.test(`JpegPayloader.payload(): ${c.name}`, () => {
    const out = new PacketBuffer({ slotBytes: c.mtu });
    const n = new JpegPayloader({ mtu: c.mtu, q: c.q }).payload(c.jpeg, out);
    assert.equal(n, c.packets.length);
    assert.equal(out.length, c.packets.length);
    const [scan] = scanRange(c.jpeg);
    c.packets.forEach((e, i) => {
      const expected = [
        0, // type-specific
        e.offset >>> 16,
        (e.offset >>> 8) & 0xff,
        e.offset & 0xff,
        c.type,
        c.q ?? 255,
        c.width8,
        c.height8,
        ...(c.restartInterval
          ? [c.restartInterval >> 8, c.restartInterval & 0xff, 0xff, 0xff]
          : []),
        ...(e.tables ? [0, 0, 0, 128, ...c.luma, ...c.chroma] : []),
        ...c.jpeg.subarray(scan + e.offset, scan + e.offset + e.bytes),
      ];
      const packet = out.packet(i);
      assert.ok(packet.length <= c.mtu, `packet ${i} is ${packet.length} bytes`);
      assert.deepEqual(packet.subarray(12), Uint8Array.from(expected), `packet ${i}`);
      assert.equal(out.marker(i), e.marker, `marker of packet ${i}`);
    });
  });
}

for (const c of JPEG_REJECTS) {
  Deno.test(`JpegPayloader.payload() rejects ${c.name} and writes nothing`, () => {
    const out = new PacketBuffer();
    assert.throws(() => new JpegPayloader().payload(c.jpeg, out), (e: Error) => {
      assert.ok(e instanceof c.error, `${e.name}: ${e.message}`);
      assert.match(e.message, c.message);
      return true;
    });
    assert.equal(out.length, 0);
  });
}

Deno.test("JpegPayloader.payload() refuses Q 50 for a JPEG whose tables are not Q 50's", () => {
  const c = JPEG_CASES[0];
  assert.throws(
    () => new JpegPayloader({ q: 50 }).payload(c.jpeg, new PacketBuffer()),
    /not RFC 2435's tables for Q 50/,
  );
});

Deno.test("new JpegPayloader() rejects an MTU too small for the first packet, and Q 100-127", () => {
  assert.throws(() => new JpegPayloader({ mtu: 156 }), RangeError);
  assert.doesNotThrow(() => new JpegPayloader({ mtu: 157 }));
  assert.throws(() => new JpegPayloader({ q: 100 }), /1 to 99 or 128 to 255, got 100/);
  assert.throws(() => new JpegPayloader({ q: 0 }), RangeError);
});

Deno.test("RtpPacketizer stamps PT 26, the SSRC, wrapping sequence numbers and a 90 kHz timestamp", () => {
  const c = JPEG_CASES.find((x) => x.packets.length >= 3)!;
  const packetizer = new RtpPacketizer(new JpegPayloader({ mtu: c.mtu }), {
    payloadType: 26,
    ssrc: 0xdeadbeef,
    sequencer: new RtpSequencer({ initial: 65534 }),
    clock: new RtpClock({ offset: 0xffff_fff0 }),
  });
  const out = new PacketBuffer({ slotBytes: c.mtu });
  const n = packetizer.packetize({ data: c.jpeg, ptsNs: 2_000_000_000, captureNs: 0 }, out);
  const seqs = [];
  for (let i = 0; i < n; i++) {
    const h = parseRtpHeader(out.packet(i));
    seqs.push(h.sequenceNumber);
    assert.equal(h.payloadType, 26);
    assert.equal(h.ssrc, 0xdeadbeef);
    // 2 s at 90 kHz is 180000 ticks, plus the offset, modulo 2^32.
    assert.equal(h.timestamp, (180_000 + 0xffff_fff0) % 2 ** 32);
    assert.equal(h.marker, i === n - 1);
  }
  assert.deepEqual(seqs.slice(0, 3), [65534, 65535, 0]);
  assert.equal(packetizer.sequencer.rollovers, 1);
});

Deno.test("JpegPayloader.payload() allocates no packet memory: a PacketBuffer is reused across frames", () => {
  const c = JPEG_CASES[2];
  const out = new PacketBuffer({ slots: 8, slotBytes: c.mtu });
  const p = new JpegPayloader({ mtu: c.mtu });
  p.payload(c.jpeg, out);
  const first = out.packet(0);
  out.clear();
  p.payload(c.jpeg, out);
  assert.equal(out.packet(0).buffer, first.buffer);
  assert.equal(out.packet(0).byteOffset, first.byteOffset);
});

Deno.test("JpegPayloader.payload() reads a JPEG from a SharedArrayBuffer at an odd offset, as in a ring slot", () => {
  const c = JPEG_CASES[2];
  const slot = new Uint8Array(new SharedArrayBuffer(c.jpeg.length + 64), 37, c.jpeg.length);
  slot.set(c.jpeg);
  const a = new PacketBuffer(), b = new PacketBuffer();
  new JpegPayloader({ mtu: c.mtu }).payload(c.jpeg, a);
  new JpegPayloader({ mtu: c.mtu }).payload(slot, b);
  assert.equal(b.length, a.length);
  for (let i = 0; i < a.length; i++) assert.deepEqual(b.packet(i), a.packet(i));
});
