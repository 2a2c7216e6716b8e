import assert from "node:assert/strict";
import {
  checkPolygon,
  pointInPolygon,
  type Polygon,
  rasterisePolygon,
} from "../../../actors/detector/mod.ts";

const triangle: Polygon = [[0.1, 0.1], [0.9, 0.2], [0.4, 0.9]];
// A square with a square hole, joined by a horizontal bridge (which crosses no row).
// deno-fmt-ignore
const ring: Polygon = [
  [0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5], [0.25, 0.5], [0.25, 0.75],
  [0.75, 0.75], [0.75, 0.25], [0.25, 0.25], [0.25, 0.5], [0, 0.5],
];

Deno.test("rasterisePolygon() sets exactly the pixels whose centres pointInPolygon() puts inside", () => {
  for (const [polygon, w, h] of [[triangle, 64, 36], [ring, 40, 40], [triangle, 7, 5]] as const) {
    const bits = new Uint8Array(w * h);
    const set = rasterisePolygon(polygon, bits, { width: w, height: h });
    let expected = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const inside = pointInPolygon(polygon, (x + 0.5) / w, (y + 0.5) / h);
        assert.equal(bits[y * w + x], inside ? 1 : 0, `pixel ${x},${y} of ${w}x${h}`);
        if (inside) expected++;
      }
    }
    assert.equal(set, expected);
  }
});

Deno.test("rasterisePolygon() of the full square covers every pixel and of a ring leaves the hole", () => {
  const bits = new Uint8Array(100);
  assert.equal(
    rasterisePolygon([[0, 0], [1, 0], [1, 1], [0, 1]], bits, { width: 10, height: 10 }),
    100,
  );
  const holed = new Uint8Array(400);
  assert.equal(rasterisePolygon(ring, holed, { width: 20, height: 20 }), 400 - 100);
  assert.equal(holed[10 * 20 + 10], 0);
});

Deno.test("pointInPolygon() follows the even-odd rule", () => {
  assert.equal(pointInPolygon(triangle, 0.4, 0.4), true);
  assert.equal(pointInPolygon(triangle, 0.9, 0.9), false);
  assert.equal(pointInPolygon(ring, 0.5, 0.5), false);
  assert.equal(pointInPolygon(ring, 0.1, 0.5), true);
});

Deno.test("checkPolygon() rejects what is not 3 to 64 normalised points, quoting it", () => {
  assert.equal(checkPolygon(triangle, "Zone"), triangle);
  assert.throws(() => checkPolygon("square", "Zone"), {
    name: "TypeError",
    message: /Zone must be an array.*"square"/,
  });
  assert.throws(() => checkPolygon([[0, 0], [1, 1]], "Zone"), {
    name: "RangeError",
    message: /3 to 64 points, got 2/,
  });
  assert.throws(() => checkPolygon([[0, 0], [1, 1], [2, 0.5]], "Mask 1"), {
    name: "RangeError",
    message: /Mask 1 point 2 must lie in 0..1.*\[2, 0.5\]/,
  });
  assert.throws(() => checkPolygon([[0, 0], [1, 1], [0, "1"]], "Zone"), {
    name: "TypeError",
    message: /point 2/,
  });
});
