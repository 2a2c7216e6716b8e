import assert from "node:assert/strict";
import { ParameterSetOrder, splitAnnexB } from "../../../../transports/rtp/mod.ts";

const AUD = [0x09, 0xf0];
const SPS = [0x67, 0x42, 0xc0, 0x1f, 0xda];
const SPS2 = [0x67, 0x42, 0xc0, 0x1e, 0xda];
const PPS = [0x68, 0xce, 0x3c, 0x80];
const SEI = [0x06, 0x05, 0x01, 0x80];
const IDR0 = [0x65, 0x88, 0x84, 0x21];
const IDR1 = [0x65, 0x08, 0x84, 0x22];

/** An Annex-B AU; `short` uses 3-byte start codes. */
function au(nals: number[][], short = false): Uint8Array {
  return Uint8Array.from(nals.flatMap((n) => [...(short ? [0, 0, 1] : [0, 0, 0, 1]), ...n]));
}

function types(data: Uint8Array): number[][] {
  const n = splitAnnexB(data);
  return Array.from({ length: n.count }, (_, i) => [...n.nal(i)]);
}

Deno.test("ParameterSetOrder hoists SPS/PPS repeated between slices (rtph264pay config-interval=-1)", () => {
  const o = new ParameterSetOrder();
  const got = o.apply(au([AUD, SPS, PPS, SEI, SPS, PPS, IDR0, SPS, PPS, IDR1], true));
  assert.deepEqual(types(got), [AUD, SPS, PPS, SEI, IDR0, IDR1]);
});

Deno.test("ParameterSetOrder moves parameter sets that only come after the slices, keeping distinct ones", () => {
  const o = new ParameterSetOrder();
  assert.deepEqual(types(o.apply(au([IDR0, SPS, PPS, SPS2]))), [SPS, PPS, SPS2, IDR0]);
});

Deno.test("ParameterSetOrder returns an access unit already in order as it is", () => {
  const o = new ParameterSetOrder();
  const inOrder = au([AUD, SPS, PPS, IDR0, IDR1]);
  assert.equal(o.apply(inOrder), inOrder);
  const delta = au([[0x41, 0x9a, 0x02]]);
  assert.equal(o.apply(delta), delta);
});
