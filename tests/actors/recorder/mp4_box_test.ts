import assert from "node:assert/strict";
import { childBoxes, parseBoxHeader } from "../../../actors/recorder/mp4_box.ts";
import { type MovieInfo, parseFragment } from "../../../actors/recorder/mp4_movie.ts";

// Test input only: enough ISO BMFF to feed the readers edge cases that
// mp4mux never writes.
function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(new TextEncoder().encode(type), 4);
  let at = 8;
  for (const p of payload) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function u32s(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => new DataView(out.buffer).setUint32(i * 4, v >>> 0));
  return out;
}

const MOVIE: MovieInfo = {
  trackId: 1,
  timescale: 30_000,
  fragmented: true,
  defaultSampleDuration: 1000,
  defaultSampleSize: 100,
  defaultSampleFlags: 0x1_0000,
  durationTicks: 0,
  samples: 0,
  syncSamples: 0,
  sampleTicks: 0,
};

Deno.test("parseBoxHeader() reads 32-bit, 64-bit and to-the-end sizes", () => {
  assert.deepEqual(parseBoxHeader(box("free", new Uint8Array(4)), 100, { limit: 1000 }), {
    type: "free",
    offset: 100,
    headerSize: 8,
    size: 12,
  });
  const large = new Uint8Array(16);
  const dv = new DataView(large.buffer);
  dv.setUint32(0, 1);
  large.set(new TextEncoder().encode("mdat"), 4);
  dv.setBigUint64(8, 5_000_000_000n);
  assert.deepEqual(parseBoxHeader(large, 0, { limit: 0 }), {
    type: "mdat",
    offset: 0,
    headerSize: 16,
    size: 5_000_000_000,
  });
  const toEnd = box("mdat");
  new DataView(toEnd.buffer).setUint32(0, 0);
  assert.equal((parseBoxHeader(toEnd, 40, { limit: 1040 }) as { size: number }).size, 1000);
});

Deno.test("parseBoxHeader() asks for more bytes when the header is cut", () => {
  assert.equal(parseBoxHeader(new Uint8Array(7), 0, { limit: 100 }), "need-more");
  const large = box("mdat").subarray(0, 8);
  new DataView(large.buffer).setUint32(0, 1);
  assert.equal(parseBoxHeader(large, 0, { limit: 100 }), "need-more");
});

Deno.test("parseBoxHeader() refuses zeros, short sizes and unprintable types", () => {
  assert.throws(() => parseBoxHeader(new Uint8Array(16), 64, { limit: 100 }), {
    name: "SyntaxError",
    message: /offset 64 has a type that is not four printable/,
  });
  const short = box("free");
  new DataView(short.buffer).setUint32(0, 4);
  assert.throws(() => parseBoxHeader(short, 0, { limit: 100 }), /claims 4 bytes/);
});

Deno.test("childBoxes() refuses a child that runs past its container", () => {
  const parent = box("moov", box("mvhd", new Uint8Array(4)), box("trak"));
  assert.deepEqual([...childBoxes(parent, 8, parent.length)].map((b) => b.type), ["mvhd", "trak"]);
  assert.throws(() => [...childBoxes(parent, 8, parent.length - 1)], /runs past the end/);
});

Deno.test("parseFragment() counts a huge all-defaults run without looping over it", () => {
  const count = 0xffff_ffff;
  const moof = box(
    "moof",
    box(
      "traf",
      box("tfhd", u32s(0, 1)),
      box("tfdt", u32s(0, 9000)),
      box("trun", u32s(0x004, count, 0)),
    ),
  );
  const f = parseFragment(moof, MOVIE, { offset: 0 });
  assert.equal(f.samples, count);
  assert.equal(f.keyframes, 1); // first-sample-flags says sync; the defaults say non-sync
  assert.equal(f.durationTicks, count * 1000);
  assert.equal(f.baseDecodeTime, 9000);
});

Deno.test("parseFragment() reads per-sample fields and refuses a run longer than its box", () => {
  // trun with data-offset and per-sample duration, size and flags.
  const trun = box("trun", u32s(0x701, 2, 200, 500, 10, 0, 700, 20, 0x1_0000));
  const moof = box("moof", box("traf", box("tfhd", u32s(0x02_0000, 1)), trun));
  const f = parseFragment(moof, MOVIE, { offset: 1000 });
  assert.deepEqual(f, {
    samples: 2,
    keyframes: 1,
    durationTicks: 1200,
    baseDecodeTime: null,
    dataEnd: 1000 + 200 + 30,
    counted: true,
  });
  const lying = box(
    "moof",
    box("traf", box("tfhd", u32s(0, 1)), box("trun", u32s(0x100, 1000, 5))),
  );
  assert.throws(() => parseFragment(lying, MOVIE, { offset: 0 }), {
    name: "SyntaxError",
    message: /claims 1000 samples/,
  });
});

Deno.test("parseFragment() ignores the samples of another track", () => {
  const moof = box("moof", box("traf", box("tfhd", u32s(0, 2)), box("trun", u32s(0, 10))));
  assert.equal(parseFragment(moof, MOVIE, { offset: 0 }).samples, 0);
});
