/**
 * fMP4 writing: Annex B to AVCC, and the byte layout of a media fragment
 * (the trun's data offset lands on the first sample in the mdat). ffprobe
 * and ffmpeg decode the real output in tests/ui/http/hls_test.ts.
 */
import assert from "node:assert/strict";
import { codecString, parameterSetsOf, toAvcc } from "../../../transports/mp4/avc.ts";
import { initSegment, mediaFragment } from "../../../transports/mp4/fmp4.ts";

// deno-fmt-ignore
const AU = Uint8Array.from([
  0, 0, 0, 1, 0x09, 0xf0, // AUD: dropped
  0, 0, 0, 1, 0x67, 0x64, 0x00, 0x28, 0xac, // SPS: dropped (lives in avcC)
  0, 0, 1, 0x68, 0xee, 0x3c, // PPS, 3-byte start code: dropped
  0, 0, 1, 0x06, 0x05, 0x01, // SEI, 3-byte start code
  0, 0, 0, 1, 0x65, 0x88, 0x84, 0x21, // IDR slice
]);

Deno.test("toAvcc() keeps SEI and slices behind 4-byte lengths, whatever the start codes", () => {
  assert.deepEqual(
    [...toAvcc(AU)],
    [0, 0, 0, 3, 0x06, 0x05, 0x01, 0, 0, 0, 4, 0x65, 0x88, 0x84, 0x21],
  );
});

Deno.test("parameterSetsOf() and codecString() read the SPS and PPS", () => {
  const ps = parameterSetsOf(AU)!;
  assert.deepEqual([...ps.sps], [0x67, 0x64, 0x00, 0x28, 0xac]);
  assert.deepEqual([...ps.pps], [0x68, 0xee, 0x3c]);
  assert.equal(codecString(ps), "avc1.640028");
  assert.throws(() => parameterSetsOf(toAvcc(AU)), /Not an Annex-B access unit/);
  assert.equal(parameterSetsOf(Uint8Array.from([0, 0, 0, 1, 0x65, 0x88])), null);
});

function boxes(bytes: Uint8Array, from = 0, to = bytes.length): [string, number, number][] {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const out: [string, number, number][] = [];
  for (let at = from; at < to;) {
    const size = v.getUint32(at);
    out.push([new TextDecoder().decode(bytes.subarray(at + 4, at + 8)), at, size]);
    at += size;
  }
  return out;
}

Deno.test("mediaFragment(): moof then mdat, and the data offset points at the first sample", () => {
  const a = toAvcc(AU);
  const b = Uint8Array.from([0, 0, 0, 2, 0x41, 0x9a]);
  const frag = mediaFragment([
    { data: a, duration: 3000, keyframe: true },
    { data: b, duration: 3003, keyframe: false },
  ], { sequence: 7, baseDecodeTime: 2 ** 33 + 5 });
  const top = boxes(frag);
  assert.deepEqual(top.map((x) => x[0]), ["moof", "mdat"]);
  assert.equal(top[1][2], 8 + a.length + b.length);
  const v = new DataView(frag.buffer);
  const trunAt =
    frag.findIndex((_, i) => new TextDecoder().decode(frag.subarray(i, i + 4)) === "trun") - 4;
  const dataOffset = v.getInt32(trunAt + 16);
  assert.equal(dataOffset, top[1][1] + 8);
  assert.deepEqual([...frag.subarray(dataOffset, dataOffset + a.length)], [...a]);
  const tfdtAt =
    frag.findIndex((_, i) => new TextDecoder().decode(frag.subarray(i, i + 4)) === "tfdt") - 4;
  assert.equal(v.getBigUint64(tfdtAt + 12), 2n ** 33n + 5n);
  assert.throws(() => mediaFragment([], { sequence: 1, baseDecodeTime: 0 }), /at least one sample/);
});

Deno.test("initSegment(): ftyp and a moov whose avcC holds the parameter sets", () => {
  const init = initSegment(parameterSetsOf(AU)!, { width: 640, height: 480 });
  assert.deepEqual(boxes(init).map((x) => x[0]), ["ftyp", "moov"]);
  const at = init.findIndex((_, i) => new TextDecoder().decode(init.subarray(i, i + 4)) === "avcC");
  assert.deepEqual([...init.subarray(at + 4, at + 10)], [1, 0x64, 0x00, 0x28, 0xff, 0xe1]);
});
