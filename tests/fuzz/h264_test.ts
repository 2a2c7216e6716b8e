/**
 * Fuzzing H.264: Annex-B access units (what an encoder, a file source or an
 * RTSP camera hands eyrie), SPSs, and RFC 6184 RTP payloads from the
 * network. Parsers throw only SyntaxError or RangeError; the depacketizer
 * never throws and never hands out more than an access unit's bound; any
 * access unit goes through the payloader and the depacketizer unchanged.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  H264Depacketizer,
  H264Payloader,
  MAX_ACCESS_UNIT_BYTES,
  MIN_H264_MTU,
  PacketBuffer,
  parseSps,
  splitAnnexB,
} from "../../transports/rtp/mod.ts";
import { hostileBytes, mutated, placed } from "./_bytes.ts";
import { AU_SEEDS, H264_PACKETS, packetsOf, SPS_SEED } from "./_media.ts";
import { documented, fuzz } from "./_runs.ts";

Deno.test("fuzz: any access unit is split and packetized within the MTU, or refused with SyntaxError/RangeError", () => {
  let accepted = 0;
  const mtu = fc.integer({ min: MIN_H264_MTU, max: 1500 });
  fuzz("h264 annex-b + payloader", fc.tuple(placed(hostileBytes(AU_SEEDS)), mtu), ([au, mtu]) => {
    const buf = new PacketBuffer({ slotBytes: mtu });
    try {
      const nals = splitAnnexB(au);
      for (let i = 0; i < nals.count; i++) {
        assert.ok(nals.start(i) <= nals.end(i) && nals.end(i) <= au.length);
      }
      new H264Payloader({ mtu }).payload(au, buf);
      for (let k = 0; k < buf.length; k++) assert.ok(buf.packet(k).length <= mtu);
      accepted++;
    } catch (e) {
      documented(e);
    }
  }, 20_000);
  assert.ok(accepted > 1000, `only ${accepted} accepted`);
});

Deno.test("fuzz: parseSps() of any bytes is an SPS with a sane size, or SyntaxError/RangeError", () => {
  fuzz("h264 sps", hostileBytes([SPS_SEED], 64), (nal) => {
    try {
      const sps = parseSps(nal);
      assert.ok(sps.width > 0 && sps.height > 0, JSON.stringify(sps));
    } catch (e) {
      documented(e);
    }
  }, 10_000);
});

/** A NAL unit with any header but AUD and filler (not sent), and bytes that never form a start code. */
const nalUnit = fc.tuple(
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 1, max: 23 }).filter((t) => t !== 9 && t !== 12),
  fc.uint8Array({ minLength: 0, maxLength: 3000 }).map((b) => b.map((x) => x | 1)),
).map(([nri, type, body]) => Uint8Array.from([(nri << 5) | type, ...body]));

Deno.test("fuzz: any access unit comes out of the payloader and the depacketizer unchanged", () => {
  const au = fc.array(nalUnit, { minLength: 1, maxLength: 12 }).map((nals) =>
    Uint8Array.from(nals.flatMap((n) => [0, 0, 0, 1, ...n]))
  );
  const mtu = fc.integer({ min: MIN_H264_MTU, max: 1500 });
  fuzz("h264 round trip", fc.tuple(au, mtu), ([au, mtu]) => {
    const packets = packetsOf(new H264Payloader({ mtu }), [au], 96);
    const d = new H264Depacketizer({ reorderWindow: 0, waitForKeyframe: false });
    const frames: Uint8Array[] = [];
    for (const p of packets) {
      for (let r = d.push(p); r.kind !== "more"; r = d.pull()) {
        assert.equal(r.kind, "frame", JSON.stringify(r));
        if (r.kind === "frame") frames.push(r.data.slice());
      }
    }
    assert.equal(frames.length, 1);
    assert.deepEqual(frames[0], au);
  }, 3_000);
});

Deno.test("fuzz: a depacketizer fed mutated, reordered and foreign packets never throws and bounds what it rebuilds", () => {
  const packet = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...H264_PACKETS) },
    { weight: 2, arbitrary: mutated(H264_PACKETS) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1500 }) },
  );
  let frames = 0;
  const options = fc.record({
    reorderWindow: fc.constantFrom(0, 1, 8, 16),
    waitForKeyframe: fc.boolean(),
  });
  fuzz(
    "h264 depacketizer stream",
    fc.tuple(options, fc.array(packet, { maxLength: 60 })),
    ([o, ps]) => {
      const d = new H264Depacketizer(o);
      const take = (first: ReturnType<H264Depacketizer["push"]>) => {
        for (let r = first; r.kind !== "more"; r = d.pull()) {
          if (r.kind !== "frame") continue;
          frames++;
          assert.ok(r.data.length > 0 && r.data.length <= MAX_ACCESS_UNIT_BYTES);
          try {
            splitAnnexB(r.data);
          } catch (e) {
            documented(e);
          }
        }
      };
      for (const p of ps) take(d.push(p));
      take(d.flush());
      assert.ok(d.stats.malformed <= d.stats.packets);
      return ps.length;
    },
    3_000,
  );
  assert.ok(frames > 100, `only ${frames} frames`);
});
