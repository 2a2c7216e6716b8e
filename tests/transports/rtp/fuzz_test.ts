// Mutation fuzzing with a seeded PRNG, seeds from the case tables: bit flips,
// truncation, length-field corruption, insertions and splices. Parsers may
// throw only SyntaxError or RangeError; depacketizers never throw. Every
// run does a fixed number of inputs, so it ends by itself.

import assert from "node:assert/strict";
import {
  H264Depacketizer,
  H264Payloader,
  JpegDepacketizer,
  JpegPayloader,
  PacketBuffer,
  parseJpeg,
  parseRtcp,
  parseRtpHeader,
  parseSps,
  ReceiverStats,
  RtpPacketizer,
  RtpSequencer,
  serializeRtcp,
  splitAnnexB,
} from "../../../transports/rtp/mod.ts";
import { accessUnit, H264_CASES } from "./h264/_cases.ts";
import { JPEG_CASES, JPEG_REJECTS } from "./jpeg/_cases.ts";
import { RTCP_CASES } from "./rtcp/_cases.ts";

const SEED = Number(Deno.env.get("EYRIE_FUZZ_SEED") ?? 0x5eed);

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

class Mutator {
  readonly #rand: () => number;
  constructor(seed: number) {
    this.#rand = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.#rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  mutate(seed: Uint8Array, others: readonly Uint8Array[]): Uint8Array {
    let out = seed.slice();
    const rounds = 1 + this.int(3);
    for (let r = 0; r < rounds; r++) {
      if (out.length === 0) return out;
      switch (this.int(6)) {
        case 0: // bit flips
          for (let i = 1 + this.int(8); i > 0; i--) out[this.int(out.length)] ^= 1 << this.int(8);
          break;
        case 1: // truncation
          out = out.subarray(0, this.int(out.length));
          break;
        case 2: { // length-field corruption: the 16 bits after a marker-like 0xFF, or anywhere
          const ff = out.indexOf(0xff, this.int(out.length));
          const at = ff >= 0 && ff + 3 < out.length
            ? ff + 2
            : this.int(Math.max(1, out.length - 1));
          const v = this.pick([0, 1, 2, 0xff, 0xffff, 0x8000, this.int(0x10000)]);
          out[at] = v >> 8;
          if (at + 1 < out.length) out[at + 1] = v & 0xff;
          break;
        }
        case 3: { // insert or delete a run of bytes
          const at = this.int(out.length);
          const n = 1 + this.int(16);
          out = this.int(2)
            ? Uint8Array.from([
              ...out.subarray(0, at),
              ...Array.from({ length: n }, () => this.int(256)),
              ...out.subarray(at),
            ])
            : Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + n)]);
          break;
        }
        case 4: { // splice with another seed
          const other = this.pick(others);
          const at = this.int(out.length);
          out = Uint8Array.from([
            ...out.subarray(0, at),
            ...other.subarray(this.int(other.length + 1)),
          ]);
          break;
        }
        default: // interesting bytes
          out[this.int(out.length)] = this.pick([
            0x00,
            0xff,
            0xd8,
            0xd9,
            0xda,
            0xc0,
            0xc2,
            0xdd,
            0x01,
            0x7f,
            0x80,
          ]);
      }
    }
    return out;
  }
}

/** The same bytes, half the time inside a larger buffer at an odd offset (as in a ring slot). */
function placed(m: Mutator, bytes: Uint8Array): Uint8Array {
  if (m.int(2) === 0) return bytes;
  const at = 1 + m.int(15);
  const view = new Uint8Array(new ArrayBuffer(bytes.length + at + m.int(8)), at, bytes.length);
  view.set(bytes);
  return view;
}

function documented(e: unknown): void {
  if (!(e instanceof SyntaxError || e instanceof RangeError)) throw e;
  assert.ok(e.message.length > 0 && e.message[0] === e.message[0].toUpperCase(), e.message);
}

const JPEG_SEEDS = [...JPEG_CASES.map((c) => c.jpeg), ...JPEG_REJECTS.map((c) => c.jpeg)];
const AU_SEEDS = H264_CASES.map(accessUnit);

function packetsOf(payloader: JpegPayloader | H264Payloader, frames: Uint8Array[], pt: number) {
  const p = new RtpPacketizer(payloader, {
    payloadType: pt,
    ssrc: 3,
    sequencer: new RtpSequencer({ initial: 65000 }),
  });
  const out: Uint8Array[] = [];
  const buf = new PacketBuffer({ slotBytes: 1500 });
  frames.forEach((f, i) => {
    buf.clear();
    const n = p.packetize({ data: f, ptsNs: i * 33_333_333, captureNs: 0 }, buf);
    for (let k = 0; k < n; k++) out.push(buf.packet(k).slice());
  });
  return out;
}

const JPEG_PACKETS = packetsOf(new JpegPayloader({ mtu: 400 }), JPEG_CASES.map((c) => c.jpeg), 26);
const H264_PACKETS = packetsOf(new H264Payloader({ mtu: 400 }), AU_SEEDS, 96);
const RTCP_SEEDS = RTCP_CASES.map((c) => Uint8Array.from(c.bytes));

Deno.test("fuzz: 30,000 mutated JPEGs are packetized or rejected with SyntaxError/RangeError only", () => {
  const m = new Mutator(SEED);
  const payloader = new JpegPayloader({ mtu: 600 });
  const buf = new PacketBuffer({ slotBytes: 600 });
  let accepted = 0;
  for (let i = 0; i < 30_000; i++) {
    const input = placed(m, m.mutate(m.pick(JPEG_SEEDS), JPEG_SEEDS));
    buf.clear();
    try {
      const info = parseJpeg(input);
      payloader.payload(input, buf);
      // The packets carry exactly the scan data, whatever the buffer offset.
      let scan = 0;
      for (let k = 0; k < buf.length; k++) {
        const p = buf.packet(k);
        assert.ok(p.length <= 600);
        scan += p.length - 12 - 8 - (info.restartInterval ? 4 : 0) - (k === 0 ? 132 : 0);
      }
      assert.equal(scan, info.scanEnd - info.scanStart);
      accepted++;
    } catch (e) {
      documented(e);
    }
  }
  // Mutations that keep a frame valid exist; all of them being rejected would mean a broken parser.
  assert.ok(accepted > 100, `accepted ${accepted}`);
});

Deno.test("fuzz: 30,000 mutated H.264 access units and SPSs are split, packetized or rejected cleanly", () => {
  const m = new Mutator(SEED + 1);
  const payloader = new H264Payloader({ mtu: 300 });
  const buf = new PacketBuffer({ slotBytes: 300 });
  const sps = Uint8Array.from([
    0x67,
    0x64,
    0x00,
    0x1f,
    0xac,
    0xd9,
    0x40,
    0x50,
    0x05,
    0xbb,
    0x01,
    0x10,
    0x00,
    0x00,
    0x03,
    0x00,
    0x10,
    0x00,
    0x00,
    0x03,
    0x03,
    0xc0,
    0xf1,
    0x83,
    0x19,
    0x60,
  ]);
  let accepted = 0;
  for (let i = 0; i < 25_000; i++) {
    const input = placed(m, m.mutate(m.pick(AU_SEEDS), AU_SEEDS));
    buf.clear();
    try {
      splitAnnexB(input);
      payloader.payload(input, buf);
      accepted++;
    } catch (e) {
      documented(e);
    }
  }
  for (let i = 0; i < 5_000; i++) {
    try {
      parseSps(m.mutate(sps, [sps]));
    } catch (e) {
      documented(e);
    }
  }
  assert.ok(accepted > 100, `accepted ${accepted}`);
});

Deno.test("fuzz: 25,000 mutated RTP packets (among 50,000) never make a depacketizer throw, and what they rebuild still parses or is rejected cleanly", () => {
  const m = new Mutator(SEED + 2);
  const jpeg = new JpegDepacketizer({ reorderWindow: 8 });
  const h264 = new H264Depacketizer({ reorderWindow: 8 });
  let frames = 0;
  for (let i = 0; i < 25_000; i++) {
    // Half-intact streams with some mutated packets, so frames do complete.
    const j = m.pick(JPEG_PACKETS);
    const input = m.int(2) === 0 ? m.mutate(j, JPEG_PACKETS) : j;
    for (let r = jpeg.push(input); r.kind !== "more"; r = jpeg.pull()) {
      if (r.kind !== "frame") continue;
      frames++;
      try {
        parseJpeg(r.data);
      } catch (e) {
        documented(e);
      }
    }
    const h = m.pick(H264_PACKETS);
    const hInput = m.int(2) === 0 ? m.mutate(h, H264_PACKETS) : h;
    for (let r = h264.push(hInput); r.kind !== "more"; r = h264.pull()) {
      if (r.kind === "frame") frames++;
    }
  }
  assert.ok(frames > 0);
  assert.ok(jpeg.stats.malformed + h264.stats.malformed > 0);
});

Deno.test("fuzz: 20,000 mutated RTCP packets and RTP headers parse or throw SyntaxError only", () => {
  const m = new Mutator(SEED + 3);
  const stats = new ReceiverStats({ ssrc: 1 });
  for (let i = 0; i < 10_000; i++) {
    const input = m.mutate(m.pick(RTCP_SEEDS), RTCP_SEEDS);
    try {
      // What parses must serialize back: the parser never invents out-of-range values.
      serializeRtcp(parseRtcp(input));
    } catch (e) {
      documented(e);
    }
    const rtp = m.mutate(m.pick(JPEG_PACKETS), H264_PACKETS);
    try {
      const h = parseRtpHeader(rtp);
      assert.ok(h.payloadOffset + h.payloadLength + h.paddingLength === rtp.length);
      stats.update(h, i * 1e6);
    } catch (e) {
      documented(e);
    }
  }
  stats.report();
});
