// A missing, unreadable, corrupt or wrong-shaped model must fail at load with
// a ModelError that names the file and says what is wrong.
import assert from "node:assert/strict";
import { ModelError, type ModelProblem, YoloModel } from "../../../actors/detector/mod.ts";
import { FLOAT16, INT64, type ValueSpec } from "./_onnx.ts";
import { buildShapedModel, truncatedModel } from "./_models.ts";

async function assertModelError(
  source: string | Uint8Array,
  problem: ModelProblem,
  message: RegExp,
) {
  await assert.rejects(() => YoloModel.load(source), (e: unknown) => {
    assert.ok(e instanceof ModelError, `not a ModelError: ${e}`);
    assert.equal(e.problem, problem);
    assert.equal(e.path, typeof source === "string" ? source : "<memory>");
    assert.match(e.message, message);
    return true;
  });
}

const image: ValueSpec = { name: "images", dims: [1, 3, 64, 64] };
const output: ValueSpec = { name: "output0", dims: [1, 84, 84] };

Deno.test("YoloModel.load() reports a missing file, quoting its path", async () => {
  await assertModelError(
    "/nonexistent/yolov8n.onnx",
    "missing",
    /^Model "\/nonexistent\/yolov8n.onnx" does not exist$/,
  );
});

Deno.test("YoloModel.load() reports a directory as unreadable", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertModelError(dir, "unreadable", /is not a file/);
  } finally {
    await Deno.remove(dir);
  }
});

Deno.test("YoloModel.load() reports a truncated file and random bytes as corrupt", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/cut.onnx`, truncatedModel());
    await assertModelError(
      `${dir}/cut.onnx`,
      "corrupt",
      /^Model ".*cut.onnx" cannot be loaded by onnxruntime: .*(protobuf|pars)/i,
    );
    await assertModelError(
      new TextEncoder().encode("this is not a model\n"),
      "corrupt",
      /cannot be loaded by onnxruntime/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("YoloModel.load() accepts a valid shape and rejects each wrong one, saying what it expected", async () => {
  const cases: [string, ValueSpec, ValueSpec[], RegExp][] = [
    [
      "one-channel input",
      { ...image, dims: [1, 1, 64, 64] },
      [output],
      /input "images" is \[1, 1, 64, 64\]; expected \[1, 3, S, S\]/,
    ],
    ["non-square input", { ...image, dims: [1, 3, 64, 96] }, [output], /expected \[1, 3, S, S\]/],
    [
      "dynamic input",
      { ...image, dims: ["batch", 3, 64, 64] },
      [output],
      /dynamic dimensions \[batch, 3, 64, 64\]; export with dynamic=False/,
    ],
    [
      "half input",
      { ...image, type: FLOAT16 },
      [output],
      /input "images" is float16; export with float32 input/,
    ],
    ["transposed output", { ...image, dims: [1, 3, 128, 128] }, [{
      name: "output0",
      dims: [1, 336, 84],
    }], /\[1, 336, 84\], anchors before rows \(a YOLOv5-style or transposed export\)/],
    ["YOLOv5 output", { ...image, dims: [1, 3, 640, 640] }, [{
      name: "output0",
      dims: [1, 25200, 85],
    }], /\[1, 25200, 85\], anchors before rows/],
    [
      "rank-2 output",
      image,
      [{ name: "output0", dims: [84, 84] }],
      /output "output0" is \[84, 84\]; expected \[1, 4 \+ classes, anchors\]/,
    ],
    ["boxes only", image, [{ name: "output0", dims: [1, 4, 100] }], /is \[1, 4, 100\]; expected/],
    [
      "int64 output",
      image,
      [{ ...output, type: INT64 }],
      /output "output0" is int64; expected float32/,
    ],
    [
      "two outputs",
      image,
      [output, { name: "protos", dims: [1, 32, 16, 16] }],
      /has 2 outputs; a YOLO detection export has one/,
    ],
  ];
  for (const [what, input, outputs, message] of cases) {
    await assertModelError(buildShapedModel({ input, outputs }), "shape", message).catch((e) => {
      throw new Error(`${what}: ${e.message}`);
    });
  }
  await using ok = await YoloModel.load(buildShapedModel({ input: image, outputs: [output] }));
  assert.deepEqual(ok.shape, {
    inputName: "images",
    inputSize: 64,
    outputName: "output0",
    classes: 80,
    anchors: 84,
  });
});

Deno.test("YoloModel.load() rejects a non-detection Ultralytics export and a custom model without names", async () => {
  await assertModelError(
    buildShapedModel({
      input: image,
      outputs: [{ name: "output0", dims: [1, 56, 84] }],
      metadata: { task: "pose" },
    }),
    "shape",
    /is a "pose" model; export a detection model/,
  );
  await assertModelError(
    buildShapedModel({ input: image, outputs: [{ name: "output0", dims: [1, 7, 84] }] }),
    "labels",
    /has 3 classes and no names; give it a labels file/,
  );
  await using custom = await YoloModel.load(
    buildShapedModel({ input: image, outputs: [{ name: "output0", dims: [1, 7, 84] }] }),
    { labels: ["parcel", "van", "fox"] },
  );
  assert.deepEqual(custom.labels, ["parcel", "van", "fox"]);
});
