// Motion through the real actors: GStreamer sources in the camera actor,
// its small ring, the detector actor's Worker, and the event store. Five
// cameras run side by side and are checked once each has been analysed for
// a few seconds.
import assert from "node:assert/strict";
import { closeEventHubs, type StoredEvent } from "../../../actors/events/mod.ts";
import { until } from "../_camera_tree.ts";
import {
  brightnessClip,
  detectingCamera,
  detectorStats,
  type DetectorTree,
  startDetectorTree,
  warmUpWorkers,
} from "./_tree.ts";

const PATCH: [number, number][] = [[0.72, 0.72], [1, 0.72], [1, 1], [0.72, 1]];

function types(events: StoredEvent[]): string[] {
  return events.map((e) => e.type);
}

function framesOf(tree: DetectorTree): number {
  return Number(detectorStats(tree)?.frames ?? 0);
}

Deno.test("the detector actor reports motion from the camera actor's small ring", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-motion-" });
  const clip = `${dir}/lights.avi`;
  await brightnessClip(clip, 10);
  const trees: Record<string, DetectorTree> = {};
  await warmUpWorkers();
  try {
    const specs = {
      ball: detectingCamera({ source: "test", pattern: "ball" }),
      still: detectingCamera({ source: "test", pattern: "smpte75" }),
      patch: detectingCamera({ source: "test", pattern: "smpte" }),
      masked: detectingCamera({ source: "test", pattern: "smpte" }, {
        mask: [{ polygon: PATCH }],
      }),
      lights: detectingCamera({ source: `file:${clip}` }),
      stamped: detectingCamera({ source: "test", pattern: "black", timecode: true }),
      stampedBall: detectingCamera({ source: "test", pattern: "ball", timecode: true }),
    };
    // A data dir that cannot be made (its parent is a file): events cannot be stored.
    await Deno.writeTextFile(`${dir}/file`, "");
    const dataDirs: Record<string, string> = { nodisk: `${dir}/file/data` };
    const nodisk = detectingCamera({ source: "test", pattern: "ball" });
    await Promise.all(
      Object.entries({ ...specs, nodisk }).map(async ([id, cam]) => {
        trees[id] = await startDetectorTree(id, cam, dataDirs[id] ?? `${dir}/data`);
      }),
    );
    const all = Object.values(trees);
    // Three seconds of analysed frames everywhere, the clip's switch to bright (after a second) and
    // the motion there is to see. Frames, not time: a loaded machine only makes this slower.
    const enough = () =>
      all.every((tree) => framesOf(tree) >= 30) &&
      trees.ball.stored().some((e) => e.type === "motion_start") &&
      trees.patch.stored().some((e) => e.type === "motion_start") &&
      trees.stampedBall.stored().some((e) => e.type === "motion_start") &&
      trees.lights.stored().some((e) => e.type === "global_change") &&
      trees.nodisk.triggers.length > 0;
    await until("30 analysed frames on every camera", enough, 60_000).catch((e) => {
      const frames = Object.entries(trees).map(([id, tree]) => `${id}: ${framesOf(tree)}`);
      throw new Error(`${e.message} (${frames.join(", ")})`);
    });

    await t.step("videotestsrc pattern=ball: motion starts, with a snapshot and a trigger", () => {
      const events = trees.ball.stored();
      const start = events.find((e) => e.type === "motion_start");
      assert.ok(start !== undefined, JSON.stringify(events));
      assert.ok(start.type === "motion_start" && start.zone === "all" && start.box.w > 0.05);
      assert.equal(start.snapshot, true);
      const jpeg = trees.ball.hub.store.snapshot(start.id)!;
      assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
      const trigger = trees.ball.triggers.find((x) => x.kind === "motion");
      assert.ok(trigger !== undefined);
      assert.ok(Math.abs(trigger.atNs / 1e6 - start.atMs) < 1, `${trigger.atNs} vs ${start.atMs}`);
      // The ball never stops: motion stays on and keeps the recorder triggered.
      assert.ok(trees.ball.triggers.length >= 3, `${trees.ball.triggers.length} triggers`);
      assert.equal(detectorStats(trees.ball)?.motionActive, true);
    });

    await t.step("a static pattern reports nothing", () => {
      assert.deepEqual(types(trees.still.stored()), []);
      assert.equal(trees.still.triggers.length, 0);
    });

    await t.step(
      "a black scene with the timecode stamp: the stamp changes every frame, yet no motion",
      () => {
        assert.deepEqual(types(trees.stamped.stored()), []);
        assert.equal(trees.stamped.triggers.length, 0);
        assert.equal(detectorStats(trees.stamped)?.motionActive, false);
      },
    );

    await t.step("the ball with the timecode stamp: motion in the scene is still seen", () => {
      const start = trees.stampedBall.stored().find((e) => e.type === "motion_start");
      assert.ok(start?.type === "motion_start", JSON.stringify(trees.stampedBall.stored()));
    });

    await t.step("smpte's animated patch is motion; a mask over it silences it", () => {
      const patch = trees.patch.stored().find((e) => e.type === "motion_start");
      assert.ok(patch?.type === "motion_start", JSON.stringify(trees.patch.stored()));
      assert.ok(patch.box.x >= 0.72 && patch.box.y >= 0.72, JSON.stringify(patch.box));
      assert.deepEqual(types(trees.masked.stored()), []);
    });

    await t.step("a brightness switch in a file: clip is a global change, never motion", () => {
      const events = trees.lights.stored();
      assert.ok(events.length >= 1, "the switch was seen");
      assert.deepEqual([...new Set(types(events))], ["global_change"]);
      const g = events[0];
      assert.ok(g.type === "global_change" && g.meanShift > 20, JSON.stringify(g));
      assert.equal(trees.lights.triggers.length, 0);
    });

    await t.step(
      "events that cannot be stored are logged once; detection and triggers go on",
      () => {
        const lines = trees.nodisk.logs.filter((l) => l.msg === "cannot store an event");
        assert.equal(lines.length, 1, JSON.stringify(lines));
        assert.match(String(lines[0].fields?.error), /Not a directory|ENOTDIR|not a directory/i);
        assert.ok(trees.nodisk.triggers.some((x) => x.kind === "motion"));
        assert.equal(detectorStats(trees.nodisk)?.motionActive, true);
      },
    );

    await t.step("no actor restarted", () => {
      for (const [id, tree] of Object.entries(trees)) {
        const exits = tree.events.filter((e) => e.type === "child_exited");
        assert.deepEqual(exits, [], id);
      }
    });
  } finally {
    await Promise.all(Object.values(trees).map((tree) => tree[Symbol.asyncDispose]()));
    closeEventHubs();
    await Deno.remove(dir, { recursive: true });
  }
});
