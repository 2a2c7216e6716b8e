/**
 * Fuzzing JPEG: frames from a camera or a file source, and RFC 2435 RTP
 * payloads from the network. parseJpeg() throws only SyntaxError or
 * RangeError; the payloader writes exactly the scan data within the MTU;
 * the depacketizer never throws, and what it rebuilds parses or is refused
 * cleanly; a valid frame's scan goes through payloader and depacketizer
 * unchanged.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  JpegDepacketizer,
  JpegPayloader,
  MAX_JPEG_BYTES,
  MIN_JPEG_MTU,
  PacketBuffer,
  parseJpeg,
} from "../../transports/rtp/mod.ts";
import { JPEG_CASES } from "../transports/rtp/jpeg/_cases.ts";
import { hostileBytes, mutated, placed } from "./_bytes.ts";
import { JPEG_PACKETS, JPEG_SEEDS, packetsOf } from "./_media.ts";
import { documented, fuzz } from "./_runs.ts";

Deno.test("fuzz: any JPEG is packetized as exactly its scan data within the MTU, or refused with SyntaxError/RangeError", () => {
  let accepted = 0;
  const mtu = fc.integer({ min: MIN_JPEG_MTU, max: 1500 });
  fuzz("jpeg parse + payloader", fc.tuple(placed(hostileBytes(JPEG_SEEDS)), mtu), ([jpeg, mtu]) => {
    const buf = new PacketBuffer({ slotBytes: mtu });
    try {
      const info = parseJpeg(jpeg);
      assert.ok(info.scanStart <= info.scanEnd && info.scanEnd <= jpeg.length);
      new JpegPayloader({ mtu }).payload(jpeg, buf);
      let scan = 0;
      for (let k = 0; k < buf.length; k++) {
        const p = buf.packet(k);
        assert.ok(p.length <= mtu);
        scan += p.length - 12 - 8 - (info.restartInterval ? 4 : 0) - (k === 0 ? 132 : 0);
      }
      assert.equal(scan, info.scanEnd - info.scanStart);
      accepted++;
    } catch (e) {
      documented(e);
    }
  }, 20_000);
  assert.ok(accepted > 1000, `only ${accepted} accepted`);
});

Deno.test("fuzz: a valid JPEG's scan comes out of the payloader and the depacketizer unchanged, at any MTU", () => {
  const frame = fc.constantFrom(...JPEG_CASES.map((c) => c.jpeg));
  const mtu = fc.integer({ min: MIN_JPEG_MTU, max: 1500 });
  fuzz("jpeg round trip", fc.tuple(frame, mtu), ([jpeg, mtu]) => {
    const info = parseJpeg(jpeg);
    const d = new JpegDepacketizer({ reorderWindow: 0 });
    const frames: Uint8Array[] = [];
    for (const p of packetsOf(new JpegPayloader({ mtu }), [jpeg], 26)) {
      for (let r = d.push(p); r.kind !== "more"; r = d.pull()) {
        if (r.kind === "frame") frames.push(r.data.slice());
      }
    }
    for (let r = d.flush(); r.kind !== "more"; r = d.pull()) {
      if (r.kind === "frame") frames.push(r.data.slice());
    }
    assert.equal(frames.length, 1);
    const back = parseJpeg(frames[0]);
    // RFC 2435 sends the size in blocks of 8 pixels: a 20x12 frame comes back as 24x16.
    const blocks = (n: number) => Math.ceil(n / 8) * 8;
    assert.deepEqual(
      [back.width, back.height, back.type, back.restartInterval],
      [blocks(info.width), blocks(info.height), info.type, info.restartInterval],
    );
    assert.deepEqual(
      frames[0].subarray(back.scanStart, back.scanEnd),
      jpeg.subarray(info.scanStart, info.scanEnd),
    );
  }, 2_000);
});

Deno.test("fuzz: a depacketizer fed mutated, reordered and foreign packets never throws, and its frames parse or are refused cleanly", () => {
  const packet = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...JPEG_PACKETS) },
    { weight: 2, arbitrary: mutated(JPEG_PACKETS) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 1500 }) },
  );
  let frames = 0;
  const window = fc.constantFrom(0, 1, 8, 16);
  fuzz(
    "jpeg depacketizer stream",
    fc.tuple(window, fc.array(packet, { maxLength: 60 })),
    ([w, ps]) => {
      const d = new JpegDepacketizer({ reorderWindow: w });
      const take = (first: ReturnType<JpegDepacketizer["push"]>) => {
        for (let r = first; r.kind !== "more"; r = d.pull()) {
          if (r.kind !== "frame") continue;
          frames++;
          assert.ok(r.data.length > 0 && r.data.length <= MAX_JPEG_BYTES);
          try {
            parseJpeg(r.data);
          } catch (e) {
            documented(e);
          }
        }
      };
      for (const p of ps) take(d.push(p));
      take(d.flush());
      return ps.length;
    },
    3_000,
  );
  assert.ok(frames > 100, `only ${frames} frames`);
});
