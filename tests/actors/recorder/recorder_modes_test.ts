// The recorder actor in its three modes, on real camera and encoder Workers,
// in one run: events (pre-roll and post-roll around two detector triggers),
// continuous with a pause and a resume, and scheduled outside its window.
// Every segment written is judged by ffprobe against the index.
import assert from "node:assert/strict";
import { join } from "node:path";
import { nowNs } from "../../../actors/defs.ts";
import type { SegmentRecord } from "../../../actors/recorder/mod.ts";
import { until } from "../_camera_tree.ts";
import { startRecording } from "./_recording_tree.ts";
import { countFrames, FPS, probeDuration } from "./_media.ts";

const PRE_ROLL_S = 2;
const POST_ROLL_S = 2;
const FRAME_S = 1 / FPS;

/** A daily window that is not now: from two hours ahead, one hour long (local time). */
function windowNotNow(): string {
  const hh = (h: number) => String(h % 24).padStart(2, "0");
  const h = new Date().getHours();
  return `daily ${hh(h + 2)}:00-${hh(h + 3)}:00`;
}

function rows(all: SegmentRecord[], camera: string): SegmentRecord[] {
  return all.filter((s) => s.camera === camera);
}

Deno.test("the recorder records events with pre- and post-roll, pauses and resumes, and keeps to its schedule", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using tree = await startRecording({
      dir,
      cameras: [
        {
          id: "ev",
          recording: { mode: "events", pre_roll_s: PRE_ROLL_S, post_roll_s: POST_ROLL_S },
        },
        { id: "ct", recording: { mode: "continuous" } },
        { id: "sc", recording: { mode: "scheduled", schedule: [windowNotNow()] } },
      ],
    });
    const { recordings } = tree;
    const index = recordings.index;
    const open = (camera: string) => index.openSegments(camera).length > 0;

    await until("the continuous camera to record", () => open("ct"), 30_000);
    await until(
      "a full pre-roll",
      () => (tree.stats("ev")?.preRollS ?? 0) >= PRE_ROLL_S,
      30_000,
    );
    assert.equal(tree.stats("ev")!.state, "idle");
    assert.equal(index.oldest({ camera: "ev" }).length, 0);

    // First trigger; pause the continuous camera at the same time.
    const t1 = nowNs();
    tree.nodes.get("ev")!.triggers.emit({ atNs: t1, kind: "motion" });
    assert.equal(recordings.setPaused("ct", true), true);
    await until("the paused segment to close", () => !open("ct"));
    await until("the event segment to open", () => open("ev"));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(open("ct"), false, "nothing recorded while paused");
    assert.equal(tree.stats("ct")!.state, "paused");

    const t2 = nowNs();
    tree.nodes.get("ev")!.triggers.emit({ atNs: t2, kind: "person" });
    recordings.setPaused("ct", false);
    await until("the resumed camera to record", () => open("ct"));
    await until(
      "the event segment to close",
      () => !open("ev") && rows(index.oldest(), "ev").length > 0,
      15_000,
    );
    assert.equal(tree.stats("sc")!.state, "unscheduled");
    await tree.stopCameras();

    const all = index.oldest();
    const ct = rows(all, "ct");
    // Events: one segment from the pre-roll's keyframe to post-roll after the second event.
    const [ev, ...more] = rows(all, "ev");
    assert.equal(more.length, 0, "one event segment");
    const t1Ms = t1 / 1e6;
    const t2Ms = t2 / 1e6;
    // The pre-roll starts at the newest keyframe at least 2 s back; keyframes are 1 s apart.
    assert.ok(
      ev.startMs <= t1Ms - PRE_ROLL_S * 1000 + 50 && ev.startMs >= t1Ms - PRE_ROLL_S * 1000 - 1100,
      `event segment starts ${t1Ms - ev.startMs} ms before the trigger`,
    );
    const tail = ev.endMs! - (t2Ms + POST_ROLL_S * 1000);
    assert.ok(tail >= -50 && tail <= 600, `event segment ends ${tail} ms after post-roll`);
    assert.deepEqual(
      index.events(ev.id).map((e) => [e.kind, e.atMs]),
      [["motion", Math.floor(t1Ms)], ["person", Math.floor(t2Ms)]],
    );

    // Continuous: a segment closed by the pause, then one after the resume, with the pause between.

    assert.ok(ct.length >= 2, `${ct.length} continuous segments`);
    const gap = ct[1].startMs - ct[0].endMs!;
    assert.ok(gap >= 1400, `paused for ${gap} ms`);

    // Scheduled, outside its window: nothing.
    assert.equal(rows(all, "sc").length, 0);

    for (const s of [ev, ...ct]) {
      const file = join(recordings.dir, s.path);
      const probed = (await probeDuration(file))!;
      const indexed = (s.endMs! - s.startMs) / 1000;
      assert.ok(Math.abs(probed - indexed) <= FRAME_S, `${s.path}: ${probed} s vs ${indexed} s`);
      assert.equal(await countFrames(file), s.frames);
      assert.equal(s.complete, true);
      assert.ok(s.thumbnail !== null && s.thumbnailBytes > 0, `${s.path} has a thumbnail`);
      assert.equal((await Deno.stat(join(recordings.dir, s.thumbnail))).size, s.thumbnailBytes);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
