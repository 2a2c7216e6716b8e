// Object detection through the real actors: the camera actor's small ring,
// the detector actor's Worker loading a YOLO-shaped ONNX model from a file
// with onnxruntime, and the event store. Bad model files must leave the
// detector running motion only, never restarting.
import assert from "node:assert/strict";
import { closeEventHubs, type StoredEvent } from "../../../actors/events/mod.ts";
import { until } from "../_camera_tree.ts";
import {
  detectingCamera,
  detectorStats,
  type DetectorTree,
  startDetectorTree,
  warmUpWorkers,
} from "./_tree.ts";
import { buildShapedModel, buildSquareFinder, truncatedModel } from "./_models.ts";

function ofType<T extends StoredEvent["type"]>(events: StoredEvent[], type: T) {
  return events.filter((e): e is Extract<StoredEvent, { type: T }> => e.type === type);
}

Deno.test("the detector actor finds objects with a model file, and runs motion only when the model is bad", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-objects-" });
  const models = {
    finder: `${dir}/finder.onnx`,
    corrupt: `${dir}/corrupt.onnx`,
    shape: `${dir}/end_to_end.onnx`,
  };
  await Deno.writeFile(models.finder, buildSquareFinder({ size: 128 }));
  await Deno.writeFile(models.corrupt, truncatedModel());
  await Deno.writeFile(
    models.shape,
    buildShapedModel({
      input: { name: "images", dims: [1, 3, 64, 64] },
      outputs: [{ name: "output0", dims: [1, 300, 6] }],
    }),
  );
  const trees: Record<string, DetectorTree> = {};
  await warmUpWorkers();
  try {
    const ball = { source: "test", pattern: "ball" };
    const specs = {
      finder: detectingCamera(ball, { model: models.finder, max_fps: 5 }),
      corrupt: detectingCamera(ball, { model: models.corrupt }),
      shape: detectingCamera(ball, { model: models.shape }),
    };
    await Promise.all(
      Object.entries(specs).map(async ([id, cam]) => {
        trees[id] = await startDetectorTree(id, cam, `${dir}/data`);
      }),
    );
    await until(
      "an object, and motion on every camera",
      () =>
        ofType(trees.finder.stored(), "object").length > 0 &&
        Number(detectorStats(trees.finder)?.detections) >= 4 &&
        Object.values(trees).every((tree) =>
          ofType(tree.stored(), "motion_start").length > 0 &&
          detectorStats(tree) !== undefined && detectorStats(tree)?.model !== "loading"
        ),
      40_000,
    );

    await t.step("the white ball is a person, boxed, with a snapshot and a trigger", () => {
      const [object] = ofType(trees.finder.stored(), "object");
      assert.equal(object.label, "person");
      assert.equal(object.classId, 0);
      assert.equal(object.zone, "all");
      assert.ok(object.score > 0.5, `score ${object.score}`);
      const { w, h } = object.box;
      assert.ok(w > 0.05 && w < 0.3 && h > 0.05 && h < 0.4, JSON.stringify(object.box));
      assert.equal(object.snapshot, true);
      assert.ok(trees.finder.triggers.some((x) => x.kind === "person"));
      assert.equal(detectorStats(trees.finder)?.model, "ready");
    });

    await t.step("the person stays one event while it stays in view", () => {
      const objects = ofType(trees.finder.stored(), "object");
      const stats = detectorStats(trees.finder)!;
      assert.ok(Number(stats.detections) >= 4, `${stats.detections} detections`);
      assert.equal(objects.length, 1, JSON.stringify(objects));
    });

    for (
      const [id, problem, message] of [
        ["corrupt", "corrupt", /cannot be loaded by onnxruntime/],
        ["shape", "shape", /\[1, 300, 6\]/],
      ] as const
    ) {
      await t.step(`a ${id} model file: a clear error, and motion goes on`, () => {
        const tree = trees[id];
        const [error] = ofType(tree.stored(), "model_error");
        assert.ok(error !== undefined, JSON.stringify(tree.stored()));
        assert.equal(error.problem, problem);
        assert.equal(error.path, models[id]);
        assert.match(error.message, message);
        const line = tree.logs.find((l) => l.msg.startsWith("object detection is off"));
        assert.equal(line?.level, "error");
        assert.equal(line?.fields?.model, models[id]);
        assert.equal(detectorStats(tree)?.model, "error");
        assert.ok(ofType(tree.stored(), "motion_start").length > 0);
        assert.deepEqual(tree.events.filter((e) => e.type === "child_exited"), []);
      });
    }
  } finally {
    await Promise.all(Object.values(trees).map((tree) => tree[Symbol.asyncDispose]()));
    closeEventHubs();
    await Deno.remove(dir, { recursive: true });
  }
});
