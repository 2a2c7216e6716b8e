/// <reference lib="dom" />
// Interop: Chromium plays a recorded segment (fragmented MP4, avc1) in an
// HTML5 <video>, fetched from a route that is a thin adapter over
// parseRange()/contentRange(), including a segment cut by a crash.
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  contentRange,
  parseRange,
  repairMp4,
  scanMp4,
  unsatisfiedRange,
} from "../../../actors/recorder/mod.ts";
import { makeSegment } from "./_media.ts";
import { launchChromium } from "../../_chromium.ts";

const PLAY_TIMEOUT_MS = 20_000;

/** The segment route as the console will have it: Range in, 200/206/416 out. */
async function serveSegment(file: string, req: Request, ranges: string[]): Promise<Response> {
  const size = (await Deno.stat(file)).size;
  const header = req.headers.get("range");
  if (header !== null) ranges.push(header);
  const range = parseRange(header, size);
  const common = { "content-type": "video/mp4", "accept-ranges": "bytes" };
  if (range === "unsatisfiable") {
    return new Response(null, {
      status: 416,
      headers: { ...common, "content-range": unsatisfiedRange(size) },
    });
  }
  using f = await Deno.open(file);
  const start = range?.start ?? 0;
  const body = new Uint8Array((range?.end ?? size - 1) - start + 1);
  await f.seek(start, Deno.SeekMode.Start);
  for (let got = 0; got < body.length;) got += (await f.read(body.subarray(got)))!;
  return range === null
    ? new Response(body, { status: 200, headers: common })
    : new Response(body, {
      status: 206,
      headers: { ...common, "content-range": contentRange(range, size) },
    });
}

Deno.test("Chromium plays a whole segment and a crash-cut, repaired one to their last frame", async () => {
  const dir = await Deno.makeTempDir();
  const whole = join(dir, "whole.mp4");
  const cut = join(dir, "cut.mp4");
  await makeSegment(whole, 90);
  await makeSegment(cut, 90);
  await Deno.truncate(cut, (await Deno.stat(cut)).size - 3000);
  await repairMp4(cut);
  const ranges: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const name = new URL(req.url).pathname.slice(1);
    if (name === "whole.mp4" || name === "cut.mp4") {
      return serveSegment(join(dir, name), req, ranges);
    }
    return new Response("<!doctype html><video muted></video>", {
      headers: { "content-type": "text/html" },
    });
  });
  await using context = await launchChromium();
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${server.addr.port}/`);
    for (const [name, file] of [["whole.mp4", whole], ["cut.mp4", cut]]) {
      const scan = await scanMp4(file);
      const result = await page.evaluate(async ({ src, timeoutMs }) => {
        const v = document.querySelector("video")!;
        v.src = src;
        v.playbackRate = 4;
        await v.play();
        await new Promise((resolve, reject) => {
          v.onended = resolve;
          v.onerror = () => reject(new Error(v.error?.message ?? "media error"));
          setTimeout(() => reject(new Error(`not ended at ${v.currentTime} s`)), timeoutMs);
        });
        return {
          canPlay: v.canPlayType('video/mp4; codecs="avc1.64001e"'),
          ended: v.currentTime,
          frames: v.getVideoPlaybackQuality().totalVideoFrames,
          width: v.videoWidth,
        };
      }, { src: `/${name}`, timeoutMs: PLAY_TIMEOUT_MS });
      assert.equal(result.canPlay, "probably");
      assert.equal(result.width, 320);
      assert.equal(result.frames, scan.frames, name);
      assert.ok(
        Math.abs(result.ended - scan.durationMs / 1000) <= 2 / 30,
        `${name} ended at ${result.ended}`,
      );
    }
    assert.ok(
      ranges.length > 0 && ranges.every((r) => r.startsWith("bytes=")),
      "Chromium asked for ranges",
    );
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
