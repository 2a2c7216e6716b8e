import assert from "node:assert/strict";
import { checkZones, layoutZones, type Polygon } from "../../../actors/detector/mod.ts";

const left: Polygon = [[0, 0], [0.5, 0], [0.5, 1], [0, 1]];
const top: Polygon = [[0, 0], [1, 0], [1, 0.5], [0, 0.5]];

Deno.test("layoutZones() without zones makes one zone named all over the unmasked frame", () => {
  const layout = layoutZones(20, 10, { masks: [left] });
  assert.equal(layout.zones.length, 1);
  const [all] = layout.zones;
  assert.equal(all.name, "all");
  assert.equal(all.pixels, 100);
  assert.deepEqual([all.x0, all.y0, all.x1, all.y1], [10, 0, 20, 10]);
  assert.equal(layout.masked.reduce((a, b) => a + b, 0), 100);
});

Deno.test("layoutZones() removes masked pixels from each zone and bounds it", () => {
  const layout = layoutZones(20, 10, { zones: [{ name: "top", polygon: top }], masks: [left] });
  const [z] = layout.zones;
  assert.equal(z.pixels, 50);
  assert.deepEqual([z.x0, z.y0, z.x1, z.y1], [10, 0, 20, 5]);
  assert.equal(z.bits[0], 0);
  assert.equal(z.bits[15], 1);
});

Deno.test("checkZones() rejects duplicate names, bad names and bad classes, quoting them", () => {
  assert.throws(() => checkZones([{ name: "a", polygon: left }, { name: "a", polygon: top }]), {
    name: "RangeError",
    message: /"a" is used twice/,
  });
  assert.throws(() => checkZones([{ name: "", polygon: left }]), {
    name: "TypeError",
    message: /Zone 0 needs a name.*""/,
  });
  assert.throws(() => checkZones([{ name: "a", polygon: left, classes: "car" }]), {
    name: "TypeError",
    message: /classes must be an array of labels, got "car"/,
  });
  assert.throws(() => checkZones([{ name: "a", polygon: left, minArea: 2 }]), {
    name: "RangeError",
    message: /minArea.*got 2/,
  });
  assert.throws(() => checkZones(Array(33).fill({ name: "x", polygon: left })), {
    name: "RangeError",
    message: /At most 32 zones/,
  });
});
