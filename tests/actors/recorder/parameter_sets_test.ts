import assert from "node:assert/strict";
import {
  hasParameterSets,
  MAX_PARAMETER_SET_BYTES,
  ParameterSetCache,
} from "../../../actors/recorder/mod.ts";

const SPS = [0x67, 0x42, 0xc0, 0x1e, 0xd9, 0x40];
const PPS = [0x68, 0xce, 0x3c, 0x80];
const IDR = [0x65, 0x88, 0x84, 0x00, 0x33];
const SEI = [0x06, 0x05, 0x01, 0x80];

function au(...nals: number[][]): Uint8Array {
  // Alternate 4- and 3-byte start codes, as encoders do.
  return new Uint8Array(nals.flatMap((n, i) => [...(i % 2 ? [0, 0, 1] : [0, 0, 0, 1]), ...n]));
}

Deno.test("ParameterSetCache keeps the SPS and PPS of a keyframe and puts them before one without", () => {
  const cache = new ParameterSetCache();
  assert.equal(cache.current, null);
  assert.equal(cache.remember(au(IDR)), false);
  const bare = au(IDR);
  assert.equal(cache.prefix(bare), bare); // nothing known: unchanged

  assert.equal(cache.remember(au(SEI, SPS, PPS, IDR)), true);
  assert.deepEqual([...cache.current!], [0, 0, 0, 1, ...SPS, 0, 0, 0, 1, ...PPS]);
  const fixed = cache.prefix(bare);
  assert.ok(hasParameterSets(fixed));
  assert.deepEqual([...fixed], [0, 0, 0, 1, ...SPS, 0, 0, 0, 1, ...PPS, ...bare]);

  // A newer pair replaces the old one.
  const sps2 = [...SPS.slice(0, -1), 0x7f];
  assert.equal(cache.remember(au(sps2, PPS, IDR)), true);
  assert.deepEqual([...cache.current!.subarray(4, 4 + sps2.length)], sps2);
});

Deno.test("ParameterSetCache ignores an AU with only one of the two, and pairs past its bound", () => {
  const cache = new ParameterSetCache();
  assert.equal(cache.remember(au(SPS, IDR)), false);
  assert.equal(cache.remember(au(PPS, IDR)), false);
  const huge = [0x67, ...new Array(MAX_PARAMETER_SET_BYTES).fill(0x11)];
  assert.equal(cache.remember(au(huge, PPS, IDR)), false);
  assert.equal(cache.current, null);
});
