/**
 * `source = "screen"` against a real X server (Xvfb) with a picture the test
 * draws: a red root window and a blue 160x120 window at the top-left corner.
 * What the camera and encoder produce is decoded by ffmpeg and its pixels
 * checked; the X server is killed and started again under a running camera.
 */
import assert from "node:assert/strict";
import { ringStats } from "../../../actors/ring/mod.ts";
import type { CameraConfig } from "../../../actors/defs.ts";
import { cameraConfig, readAccessUnits, run, startTree, until } from "../_camera_tree.ts";
import { paintRoot, solidWindow, startXvfb, xvfbInstalled } from "../../_xvfb.ts";
import { cameraChild } from "../../../actors/camera/spec.ts";
import { startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import { removeOrphanedShm } from "../../../actors/camera/screen_capture.ts";

const ignore = !xvfbInstalled();

type Rgb = [number, number, number];

/** The last picture of `count` access units from the camera's encoder, as RGB. */
async function lastPicture(
  au: SharedArrayBuffer,
  cam: CameraConfig,
  count: number,
): Promise<(x: number, y: number) => Rgb> {
  const { bytes } = await readAccessUnits(au, count, { reader: 6 });
  const file = await Deno.makeTempFile({ suffix: ".h264" });
  const rgb = await Deno.makeTempFile({ suffix: ".rgb" });
  try {
    await Deno.writeFile(file, bytes);
    const r = await run("ffmpeg", [
      ...["-v", "error", "-y", "-f", "h264", "-i", file],
      ...["-f", "rawvideo", "-pix_fmt", "rgb24", rgb],
    ]);
    assert.equal(r.code, 0, r.out);
    const pixels = await Deno.readFile(rgb);
    const size = cam.width * cam.height * 3;
    assert.ok(pixels.length >= size, `${pixels.length} bytes decoded`);
    const last = pixels.subarray(pixels.length - size);
    return (x, y) => {
      const i = (y * cam.width + x) * 3;
      return [last[i], last[i + 1], last[i + 2]];
    };
  } finally {
    await Deno.remove(file);
    await Deno.remove(rgb);
  }
}

/** Whether `got` is `want` within what H.264 and 4:2:0 leave of a flat colour. */
function near(got: Rgb, want: Rgb): boolean {
  return got.every((v, i) => Math.abs(v - want[i]) <= 24);
}

/** Whether `check` holds for a pixel within 8 of (x, y). */
function somewhereNear(x: number, y: number, check: (x: number, y: number) => boolean): boolean {
  for (let dy = -8; dy <= 8; dy++) {
    for (let dx = -8; dx <= 8; dx++) if (check(x + dx, y + dy)) return true;
  }
  return false;
}

const RED: Rgb = [255, 0, 0];
const BLUE: Rgb = [0, 0, 255];
const GREEN: Rgb = [0, 255, 0];

/** Reads pictures until `check` passes for one (the screen may take a frame to show a change). */
async function untilPicture(
  au: SharedArrayBuffer,
  cam: CameraConfig,
  what: string,
  check: (at: (x: number, y: number) => Rgb) => boolean,
): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if (check(await lastPicture(au, cam, 5))) return;
  }
  const at = await lastPicture(au, cam, 5);
  assert.fail(`${what}: the picture is ${JSON.stringify([at(4, 4), at(cam.width - 4, 4)])}`);
}

Deno.test({
  name:
    "a screen source encodes the picture on the screen, follows its changes, and crops a region",
  ignore,
  async fn() {
    const x = await startXvfb({ width: 320, height: 240 });
    try {
      await paintRoot(x.display, "#ff0000");
      await using _window = await solidWindow(x.display, {
        width: 160,
        height: 120,
        pattern: "blue",
      });
      const whole = cameraConfig({
        source: `screen:${x.display}`,
        width: 320,
        height: 240,
        fps: 10,
        encoder: "x264",
      });
      {
        await using tree = await startTree(whole);
        await untilPicture(
          tree.node.rings.au,
          whole,
          "blue window on red",
          (at) =>
            near(at(40, 30), BLUE) && near(at(240, 30), RED) && near(at(40, 180), RED) &&
            near(at(240, 180), RED),
        );
        // Xvfb puts the pointer at the screen's centre (the window's corner), and `cursor` is on
        // by default: black and white pixels there.
        const centre = await lastPicture(tree.node.rings.au, whole, 5);
        const cursor = (px: number, py: number) =>
          !near(centre(px, py), RED) && !near(centre(px, py), BLUE);
        assert.ok(somewhereNear(160, 120, cursor), "the cursor at the centre");
        await paintRoot(x.display, "#00ff00");
        await untilPicture(
          tree.node.rings.au,
          whole,
          "blue window on green",
          (at) => near(at(40, 30), BLUE) && near(at(240, 180), GREEN),
        );
        assert.equal(tree.node.source?.state, "up");
      }
      // A region is captured 1:1 by default: its size is the camera's.
      const region = cameraConfig({
        source: `screen:${x.display}+120,0,80x60`,
        fps: 10,
        encoder: "x264",
      });
      assert.deepEqual([region.width, region.height], [80, 60]);
      await using tree = await startTree(region);
      // Columns 120..159 are the window (blue), 160..199 the root (green).
      await untilPicture(
        tree.node.rings.au,
        region,
        "the region's two halves",
        (at) => near(at(10, 30), BLUE) && near(at(70, 30), GREEN),
      );
    } finally {
      await x.stop();
    }
  },
});

Deno.test({
  name:
    "a screen source survives its X server going away: offline with the cause, live again on the new server",
  ignore,
  async fn() {
    const x = await startXvfb({ width: 160, height: 120 });
    try {
      await paintRoot(x.display, "#ff0000");
      const cam = cameraConfig({
        source: `screen:${x.display}`,
        width: 160,
        height: 120,
        fps: 10,
        encoder: "x264",
        cursor: false,
      });
      await using tree = await startTree(cam);
      await until("frames", () => ringStats(tree.node.rings.raw).written > 5);
      await x.kill();
      await until("the source offline", () => tree.node.source?.state === "offline");
      const offline = tree.node.source!;
      assert.ok(offline.state === "offline");
      // Which one depends on whether the retry came before the socket file was gone.
      assert.match(
        offline.cause,
        new RegExp(
          `^(the X server ${x.display} went away|no X server on display ${x.display} .*)$`,
        ),
      );
      await x.restart();
      await paintRoot(x.display, "#0000ff");
      await until("the source up again", () => tree.node.source?.state === "up", 30_000);
      // Blue all over, the centre too: no cursor drawn with `cursor = false`.
      await untilPicture(
        tree.node.rings.au,
        cam,
        "the new server's blue",
        (at) =>
          somewhereNear(80, 60, (px, py) => near(at(px, py), BLUE)) &&
          !somewhereNear(80, 60, (px, py) => !near(at(px, py), BLUE)),
      );
      assert.equal(tree.sup.status().children![0].restarts ?? 0, 0, "the actor never restarted");
      assert.ok(!tree.events.some((e) => e.type === "child_exited"));
    } finally {
      await x.stop();
    }
    // No capture child left its shared memory behind (the X server's end killed the first).
    assert.deepEqual(await removeOrphanedShm(), []);
  },
});

Deno.test("a screen source on a display with no X server is offline and says so", async () => {
  const cam = cameraConfig({ source: "screen::4242", width: 160, height: 120, fps: 10 });
  await using tree = await startTree(cam, [cameraChild]);
  await until("the source offline", () => tree.node.source?.state === "offline");
  const s = tree.node.source!;
  assert.equal(
    s.state === "offline" && s.cause,
    "no X server on display :4242 (no /tmp/.X11-unix/X4242)",
  );
});

/** Processes whose command line holds every one of `words` (from /proc). */
async function processesWith(...words: string[]): Promise<number[]> {
  const found: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    const args = cmdline.split("\0");
    if (words.every((w) => args.includes(w))) found.push(Number(e.name));
  }
  return found;
}

Deno.test({
  name: "an eyrie that is killed (SIGKILL) leaves no screen capture running",
  ignore,
  async fn() {
    const x = await startXvfb({ width: 160, height: 120 });
    await using cfg = await tempConfig(
      `[console]\nlisten = "127.0.0.1:0"\n[[camera]]\nid = "cam"\n` +
        `source = "screen:${x.display}"\nwidth = 160\nheight = 120\nfps = 10\n`,
    );
    const eyrie = await startEyrie(cfg.file);
    try {
      const capture = `display-name=${x.display}`;
      let running: number[] = [];
      for (let i = 0; i < 100 && running.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        running = await processesWith("ximagesrc", capture);
      }
      assert.equal(running.length, 1, "one capture child");
      // A Worker that is terminated takes its children with it (Deno kills them); a process
      // that is killed cannot: the child's parent-death signal must.
      await eyrie.stop("SIGKILL");
      let left = running;
      for (let i = 0; i < 50 && left.length > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        left = await processesWith("ximagesrc", capture);
      }
      assert.deepEqual(left, [], "the capture child died with eyrie");
      // What it could not clean up, the next capture's start does.
      const removed = await removeOrphanedShm();
      assert.ok(removed.some((n) => Number(/^shmpipe\.\s*(\d+)/.exec(n)![1]) === running[0]));
    } finally {
      await eyrie.stop("SIGKILL");
      await x.stop();
    }
  },
});
