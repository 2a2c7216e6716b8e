// The whole ONNX path on a real onnxruntime session: load, letterbox, run,
// decode, NMS and zones, with the square finder built in _models.ts.
import assert from "node:assert/strict";
import { FrameFormat } from "../../../actors/defs.ts";
import { type Box, type Detection, YoloModel } from "../../../actors/detector/mod.ts";
import { colourFrame, grayFrame } from "./_frames.ts";
import { buildSquareFinder } from "./_models.ts";

const finder = buildSquareFinder({ size: 128 }); // 1 + 4 + 16 + 64 anchors

/** Asserts a normalised box matches a pixel rectangle of a width x height frame within `tolerance` pixels. */
function assertBox(
  box: Box,
  rect: [number, number, number, number],
  size: [number, number],
  tolerance = 3,
) {
  const [x, y, w, h] = rect;
  const [fw, fh] = size;
  const got = [box.x * fw, box.y * fh, box.w * fw, box.h * fh];
  assert.ok(
    got.every((v, i) => Math.abs(v - [x, y, w, h][i]) <= tolerance),
    `box ${got.map((v) => v.toFixed(1))} vs ${rect}`,
  );
}

function summary(ds: Detection[]) {
  return ds.map((d) => `${d.label}@${d.zones.join("+")}`);
}

Deno.test("YoloModel finds a white square on a GRAY8 frame as one person, boxed where it is", async () => {
  await using model = await YoloModel.load(finder);
  assert.deepEqual(model.shape, {
    inputName: "images",
    inputSize: 128,
    outputName: "output0",
    classes: 80,
    anchors: 85,
  });
  const ds = await model.detect(grayFrame(320, 180, [{ x: 60, y: 50, w: 40, h: 40 }]));
  assert.deepEqual(summary(ds), ["person@all"]);
  assert.equal(ds[0].classId, 0);
  assert.ok(ds[0].score > 0.9, `score ${ds[0].score}`);
  assertBox(ds[0].box, [60, 50, 40, 40], [320, 180]);
  for (const v of Object.values(model.timings)) assert.ok(Number.isFinite(v) && v >= 0);
});

Deno.test("YoloModel tells a red and a green square on an I420 frame apart, once each after NMS", async () => {
  const frame = colourFrame(320, 180, {
    rects: [
      { x: 20, y: 20, w: 50, h: 30, rgb: [255, 0, 0] },
      { x: 230, y: 110, w: 40, h: 40, rgb: [0, 255, 0] },
    ],
  });
  await using model = await YoloModel.load(finder);
  const ds = await model.detect(frame);
  assert.deepEqual(summary(ds).sort(), ["car@all", "dog@all"]);
  assertBox(ds.find((d) => d.label === "car")!.box, [20, 20, 50, 30], [320, 180]);
  assertBox(ds.find((d) => d.label === "dog")!.box, [230, 110, 40, 40], [320, 180]);
  await using noNms = await YoloModel.load(finder, { iou: 1 });
  assert.ok(
    (await noNms.detect(frame)).length > 2,
    "several tiles report each square; NMS merges them",
  );
  const nv12 = colourFrame(320, 180, {
    format: FrameFormat.NV12,
    rects: [{ x: 20, y: 20, w: 50, h: 30, rgb: [255, 0, 0] }],
  });
  assert.deepEqual(summary(await model.detect(nv12)), ["car@all"]);
});

Deno.test("YoloModel maps boxes back through side bars for a portrait frame", async () => {
  await using model = await YoloModel.load(finder);
  const ds = await model.detect(grayFrame(180, 320, [{ x: 100, y: 200, w: 50, h: 60 }]));
  assert.equal(ds.length, 1);
  assertBox(ds[0].box, [100, 200, 50, 60], [180, 320]);
});

Deno.test("YoloModel finds nothing on an empty frame and follows a change of frame size", async () => {
  await using model = await YoloModel.load(finder);
  assert.deepEqual(await model.detect(grayFrame(320, 180)), []);
  const small = await model.detect(grayFrame(160, 90, [{ x: 100, y: 10, w: 30, h: 30 }]));
  assertBox(small[0].box, [100, 10, 30, 30], [160, 90], 2);
});

Deno.test("YoloModel reports only the allowed classes, in the zones that take them", async () => {
  const frame = colourFrame(320, 180, {
    rects: [
      { x: 20, y: 20, w: 50, h: 30, rgb: [255, 0, 0] },
      { x: 230, y: 110, w: 40, h: 40, rgb: [0, 255, 0] },
    ],
  });
  await using dogs = await YoloModel.load(finder, { classes: ["dog"] });
  assert.deepEqual(summary(await dogs.detect(frame)), ["dog@all"]);
  const left: [number, number][] = [[0, 0], [0.5, 0], [0.5, 1], [0, 1]];
  const right: [number, number][] = [[0.5, 0], [1, 0], [1, 1], [0.5, 1]];
  await using zoned = await YoloModel.load(finder, {
    zones: [{ name: "street", polygon: left }, {
      name: "garden",
      polygon: right,
      classes: ["person"],
    }],
  });
  assert.deepEqual(summary(await zoned.detect(frame)), ["car@street"]);
  await using masked = await YoloModel.load(finder, { masks: [left] });
  assert.deepEqual(summary(await masked.detect(frame)), ["dog@all"]);
});

Deno.test("YoloModel takes labels from the model's metadata, or from the labels option", async () => {
  const named = buildSquareFinder({ size: 128, names: true });
  const frame = grayFrame(320, 180, [{ x: 60, y: 50, w: 40, h: 40 }]);
  await using fromMetadata = await YoloModel.load(named);
  assert.deepEqual(summary(await fromMetadata.detect(frame)), ["white square@all"]);
  assert.equal(fromMetadata.labels[2], "red's square");
  const labels = Array.from({ length: 80 }, (_, i) => `thing ${i}`);
  await using fromOption = await YoloModel.load(named, { labels });
  assert.deepEqual(summary(await fromOption.detect(frame)), ["thing 0@all"]);
});

Deno.test("YoloModel loads from a path and runs one detect() at a time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/finder.onnx`, finder);
    await using model = await YoloModel.load(`${dir}/finder.onnx`);
    assert.equal(model.path, `${dir}/finder.onnx`);
    const frame = grayFrame(320, 180, [{ x: 60, y: 50, w: 40, h: 40 }]);
    const first = model.detect(frame);
    await assert.rejects(() => model.detect(frame), {
      message: /while a previous call is still running/,
    });
    assert.equal((await first).length, 1);
    assert.equal((await model.detect(frame)).length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("YoloModel rejects labels and classes that do not fit the model", async () => {
  await assert.rejects(() => YoloModel.load(finder, { labels: ["a", "b"] }), {
    name: "ModelError",
    message: /Labels list has 2 names but model "<memory>" has 80 classes/,
  });
  await assert.rejects(() => YoloModel.load(finder, { classes: ["unicorn"] }), {
    name: "RangeError",
    message: /Option "classes" names class "unicorn"/,
  });
  await assert.rejects(
    () =>
      YoloModel.load(finder, {
        zones: [{ name: "z", polygon: [[0, 0], [1, 0], [1, 1]], classes: ["lorry"] }],
      }),
    { name: "RangeError", message: /Zone "z" names class "lorry"/ },
  );
  await assert.rejects(() => YoloModel.load(finder, { confidence: 2 }), {
    name: "RangeError",
    message: /"confidence".*got 2/,
  });
});
