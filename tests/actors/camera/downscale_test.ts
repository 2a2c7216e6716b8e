import assert from "node:assert/strict";
import { Downscaler } from "../../../actors/camera/downscale.ts";

/** A 4:2:0 frame whose luma is `y(x, row)` and chroma `u`/`v` constants. */
function frame(
  w: number,
  h: number,
  y: (x: number, r: number) => number,
  u: number,
  v: number,
  nv12: boolean,
) {
  const out = new Uint8Array((w * h * 3) / 2);
  for (let r = 0; r < h; r++) for (let x = 0; x < w; x++) out[r * w + x] = y(x, r);
  const c = (w / 2) * (h / 2);
  if (nv12) {
    for (let i = 0; i < c; i++) {
      out[w * h + 2 * i] = u;
      out[w * h + 2 * i + 1] = v;
    }
  } else {
    out.fill(u, w * h, w * h + c);
    out.fill(v, w * h + c);
  }
  return out;
}

Deno.test("Downscaler keeps a solid picture solid, in I420 and NV12", () => {
  for (const nv12 of [false, true]) {
    const s = new Downscaler({
      srcWidth: 1280,
      srcHeight: 720,
      dstWidth: 320,
      dstHeight: 180,
      nv12,
    });
    const out = new Uint8Array(s.outputBytes);
    s.scale(frame(1280, 720, () => 81, 90, 240, nv12), out);
    assert.ok(out.subarray(0, 320 * 180).every((p) => p === 81));
    assert.ok(out.subarray(320 * 180, 320 * 180 + 160 * 90).every((p) => p === 90), "U plane");
    assert.ok(out.subarray(320 * 180 + 160 * 90).every((p) => p === 240), "V plane");
  }
});

Deno.test("Downscaler averages the pixels each output pixel covers, at a non-integer ratio too", () => {
  const s = new Downscaler({ srcWidth: 640, srcHeight: 360, dstWidth: 320, dstHeight: 180 });
  const out = new Uint8Array(s.outputBytes);
  // Vertical stripes one pixel wide: 0, 200, 0, 200 … average to 100.
  s.scale(frame(640, 360, (x) => (x % 2) * 200, 128, 128, false), out);
  assert.ok(out.subarray(0, 320 * 180).every((p) => p === 100));
  const t = new Downscaler({ srcWidth: 1280, srcHeight: 720, dstWidth: 426, dstHeight: 240 });
  const o2 = new Uint8Array(t.outputBytes);
  // Left half white, right half black: the edge lands where it was.
  t.scale(frame(1280, 720, (x) => (x < 640 ? 235 : 16), 128, 128, false), o2);
  assert.equal(o2[100], 235);
  assert.equal(o2[400], 16);
  assert.equal(o2[426 * 239 + 10], 235);
});

Deno.test("Downscaler refuses odd, upscaled or short inputs with the sizes in the message", () => {
  assert.throws(
    () => new Downscaler({ srcWidth: 641, srcHeight: 360, dstWidth: 320, dstHeight: 180 }),
    /even/,
  );
  assert.throws(
    () => new Downscaler({ srcWidth: 320, srcHeight: 180, dstWidth: 640, dstHeight: 360 }),
    /larger 640x360/,
  );
  const s = new Downscaler({ srcWidth: 640, srcHeight: 360, dstWidth: 320, dstHeight: 180 });
  assert.throws(
    () => s.scale(new Uint8Array(10), new Uint8Array(s.outputBytes)),
    /needs 345600 bytes, got 10/,
  );
});
