/**
 * Byte inputs for parsers: fast-check arbitraries that mutate seed inputs
 * (taken from each format's case table) the way a broken or hostile peer
 * would, and that fast-check can shrink.
 *
 * Mutations, one to four per input: bit flips, truncation, a 16- or 32-bit
 * field set to an edge value (length fields: the two bytes after a 0xFF
 * marker, or anywhere), a run of random bytes inserted or deleted, a splice
 * with another seed, and a byte set to one that means something in these
 * formats (JPEG markers, start-code bytes, sign bits).
 *
 * @module
 */
import fc from "fast-check";

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xd8, 0xd9, 0xda, 0xc0, 0xc2, 0xdd, 0x03, 0x1c];
const U16_EDGES = [0, 1, 2, 0x7fff, 0x8000, 0xfffe, 0xffff];
const U32_EDGES = [0, 1, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff];

type Op =
  | { kind: "flip"; at: number; bits: number }
  | { kind: "truncate"; at: number }
  | { kind: "u16"; at: number; value: number; afterMarker: boolean }
  | { kind: "u32"; at: number; value: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; n: number }
  | { kind: "splice"; at: number; other: number; from: number }
  | { kind: "byte"; at: number; value: number };

const at = fc.nat();
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at, bits: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at }),
  fc.record({
    kind: fc.constant("u16" as const),
    at,
    value: fc.oneof(fc.constantFrom(...U16_EDGES), fc.integer({ min: 0, max: 0xffff })),
    afterMarker: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant("u32" as const),
    at,
    value: fc.oneof(fc.constantFrom(...U32_EDGES), fc.nat()),
  }),
  fc.record({ kind: fc.constant("insert" as const), at, bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant("delete" as const), at, n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant("splice" as const), at, other: fc.nat(), from: fc.nat() }),
  fc.record({ kind: fc.constant("byte" as const), at, value: fc.constantFrom(...INTERESTING) }),
);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `seed` with `ops` applied; `others` for splices. */
export function applyMutations(
  seed: Uint8Array,
  ops: readonly Op[],
  others: readonly Uint8Array[],
): Uint8Array {
  let out: Uint8Array = seed.slice();
  for (const o of ops) {
    if (out.length === 0) return out;
    const i = o.at % out.length;
    switch (o.kind) {
      case "flip":
        out[i] ^= o.bits;
        break;
      case "truncate":
        out = out.slice(0, i);
        break;
      case "u16": {
        const ff = o.afterMarker ? out.indexOf(0xff, i) : -1;
        const w = ff >= 0 && ff + 3 < out.length ? ff + 2 : i;
        out[w] = o.value >> 8;
        if (w + 1 < out.length) out[w + 1] = o.value & 0xff;
        break;
      }
      case "u32":
        for (let k = 0; k < 4 && i + k < out.length; k++) out[i + k] = o.value >>> (24 - 8 * k);
        break;
      case "insert":
        out = concat([out.subarray(0, i), o.bytes, out.subarray(i)]);
        break;
      case "delete":
        out = concat([out.subarray(0, i), out.subarray(i + o.n)]);
        break;
      case "splice": {
        const other = others[o.other % others.length];
        out = concat([out.subarray(0, i), other.subarray(o.from % (other.length + 1))]);
        break;
      }
      case "byte":
        out[i] = o.value;
        break;
    }
  }
  return out;
}

/** Seeds mutated 0-4 times (0: the seed itself, so valid inputs keep flowing). */
export function mutated(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  if (seeds.length === 0) throw new RangeError("Mutation needs at least one seed");
  return fc.tuple(fc.nat({ max: seeds.length - 1 }), fc.array(op, { maxLength: 4 }))
    .map(([i, ops]) => applyMutations(seeds[i], ops, seeds));
}

/** Mutated seeds, random bytes, and the empty input. */
export function hostileBytes(seeds: readonly Uint8Array[], maxLength = 2048) {
  return fc.oneof(
    { weight: 6, arbitrary: mutated(seeds) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength }) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  );
}

/**
 * The same bytes, or (half the time) a view of them at an odd offset of a
 * larger buffer, as they sit in a ring slot: parsers must honour
 * `byteOffset`.
 */
export function placed(arb: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Uint8Array> {
  return fc.tuple(arb, fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 7 })).map(
    ([bytes, offset, tail]) => {
      if (offset === 0) return bytes;
      const view = new Uint8Array(
        new ArrayBuffer(bytes.length + offset + tail),
        offset,
        bytes.length,
      );
      view.set(bytes);
      return view;
    },
  );
}
