// Seeded fuzzing of the access-unit framing. Round trips: random access units
// in random chunkings decode to exactly what was encoded. Mutations of the
// case table's frames (bit flips, header fields set to edge values,
// truncation, insertion, splices): the decoder never throws, never hands out
// a payload over its format's bound, and stops at the first error. Every run
// does a fixed number of inputs, so it ends by itself.

import assert from "node:assert/strict";
import { FrameFlags, FrameFormat } from "../../../actors/defs.ts";
import {
  encodeFrame,
  FRAME_HEADER_BYTES,
  FrameDecoder,
  MAX_PAYLOAD_BYTES,
  type NumberedAccessUnit,
  type WireFormat,
} from "../../../transports/tls/mod.ts";
import { CASES, concat, decodeAll, frameOf } from "./_cases.ts";

const SEED = Number(Deno.env.get("EYRIE_FUZZ_SEED") ?? 0xa0f5);
const ROUND_TRIPS = 400;
const MUTATIONS = 20_000;

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

class Random {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
  /** A whole number of ns anywhere in ±2^53, or an edge value. */
  timestamp(): number {
    return this.int(4) === 0
      ? this.pick([0, -1, 1, 2 ** 53, -(2 ** 53), 2 ** 62, -(2 ** 62), 2 ** 32, 2 ** 32 - 1])
      : (this.int(2) ? 1 : -1) * this.int(2 ** 53);
  }
  unit(): NumberedAccessUnit {
    const format: WireFormat = this.pick([FrameFormat.H264, FrameFormat.JPEG]);
    return {
      seq: this.pick([0, 0xffff_ffff, this.int(2 ** 32)]),
      flags: this.int(8) & (FrameFlags.KEYFRAME | FrameFlags.DISCONT | FrameFlags.CONFIG),
      format,
      ptsNs: this.timestamp(),
      captureNs: this.timestamp(),
      data: this.bytes(1 + this.int(this.int(10) === 0 ? 40_000 : 300)),
    };
  }
  /** `stream` cut into chunks of 0 to `max` bytes. */
  chunks(stream: Uint8Array, max: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let at = 0; at < stream.length;) {
      const n = this.int(max + 1);
      out.push(stream.subarray(at, at + n));
      at += n;
    }
    return out;
  }
}

Deno.test(`random access-unit streams in random chunks decode to what was encoded (${ROUND_TRIPS} streams, seed ${SEED})`, () => {
  const r = new Random(SEED);
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const units = Array.from({ length: 1 + r.int(12) }, () => r.unit());
    const stream = concat(units.map((u) => encodeFrame(u)));
    const got = decodeAll(r.chunks(stream, r.pick([1, 7, 33, 1500, 16_384, 70_000])));
    assert.equal(got.error, null, `stream ${i}`);
    assert.equal(got.pending, 0, `stream ${i}`);
    assert.deepEqual(got.units, units, `stream ${i}`);
  }
});

const HEADER_EDGES = [0, 1, 0x7f, 0x80, 0xff];
const U32_EDGES = [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff, MAX_PAYLOAD_BYTES[16] + 1];

function mutate(r: Random, input: Uint8Array, others: readonly Uint8Array[]): Uint8Array {
  let out: Uint8Array = input.slice();
  for (let round = 1 + r.int(3); round > 0 && out.length > 0; round--) {
    switch (r.int(6)) {
      case 0: // bit flips
        for (let i = 1 + r.int(8); i > 0; i--) out[r.int(out.length)] ^= 1 << r.int(8);
        break;
      case 1: // a header byte (version, flags, format, reserved) set to an edge value
        out[4 + r.int(4)] = r.pick(HEADER_EDGES);
        break;
      case 2: { // the size or sequence field set to an edge value
        const at = r.pick([8, 12]);
        if (out.length >= at + 4) new DataView(out.buffer).setUint32(at, r.pick(U32_EDGES));
        break;
      }
      case 3: // truncation
        out = out.slice(0, r.int(out.length));
        break;
      case 4: { // insertion of random bytes
        const at = r.int(out.length);
        out = concat([out.subarray(0, at), r.bytes(1 + r.int(40)), out.subarray(at)]);
        break;
      }
      default: { // splice with another frame
        const other = r.pick(others);
        out = concat([out.subarray(0, r.int(out.length)), other.subarray(r.int(other.length))]);
      }
    }
  }
  return out;
}

Deno.test(`mutated frames never make the decoder throw or exceed a bound (${MUTATIONS} inputs, seed ${SEED})`, () => {
  const r = new Random(SEED + 1);
  const seeds = [...CASES.map(frameOf), concat(CASES.map(frameOf))];
  let errors = 0;
  for (let i = 0; i < MUTATIONS; i++) {
    const input = mutate(r, r.pick(seeds), seeds);
    const decoder = new FrameDecoder();
    const chunks = r.chunks(input, r.pick([1, 5, 64, 4096]));
    const got = decodeAll(chunks, decoder);
    let framedBytes = 0;
    for (const unit of got.units) {
      assert.ok(unit.data.length >= 1 && unit.data.length <= MAX_PAYLOAD_BYTES[unit.format]);
      framedBytes += FRAME_HEADER_BYTES + unit.data.length;
    }
    // Every decoded frame came out of the input, nothing was invented.
    assert.ok(framedBytes <= input.length, `input ${i}`);
    if (got.error) {
      errors++;
      assert.equal(decoder.failed, true);
      assert.match(got.error.message, /^[A-Z]/);
    }
  }
  // The mutations reach the error paths, not only truncations.
  assert.ok(errors > MUTATIONS / 10, `only ${errors} errors`);
});
