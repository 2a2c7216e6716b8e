/// <reference lib="dom" />
/**
 * hls.js, served by eyrie, plays a camera's LL-HLS in headless Chromium:
 * the latency page with `?player=hls` reads the capture stamp of frames
 * that hls.js decoded, and every request the page makes stays on eyrie (no
 * CDN) and takes the low-latency path (blocking reloads, parts).
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { launchChromium } from "../../_chromium.ts";

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "front"
source = "test"
pattern = "ball"
width = 640
height = 480
fps = 30
encoder = "x264"
timecode = true
`;

/** Stamped frames to read. Reason: a second of video proves decoding goes on, not one lucky frame. */
const FRAMES = 30;

Deno.test("hls.js from eyrie plays a camera's LL-HLS in Chromium, parts and blocking reloads included", async () => {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const urls: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("request", (r) => urls.push(r.url()));
    await page.goto(`${eyrie.url}/latency?camera=front&player=hls`);
    await page.waitForFunction(
      (n) => (window as unknown as { eyrieLatency: { count: number } }).eyrieLatency.count >= n,
      FRAMES,
      { timeout: 30_000 },
    );
    const out = await page.evaluate(() => {
      const l = (window as unknown as {
        eyrieLatency: { via: string; count: number; p50: number | null };
      }).eyrieLatency;
      return { via: l.via, count: l.count };
    });
    assert.equal(out.via, "hls");
    assert.ok(out.count >= FRAMES);
    assert.deepEqual(errors, []);
    const foreign = urls.filter((u) => !u.startsWith(eyrie.url) && !u.startsWith("blob:"));
    assert.deepEqual(foreign, [], "every request goes to eyrie");
    assert.ok(urls.includes(`${eyrie.url}/assets/hls.js`));
    assert.ok(
      urls.some((u) => /\/hls\/stream\.m3u8\?_HLS_msn=\d+&_HLS_part=\d+/.test(u)),
      "blocking reloads",
    );
    assert.ok(urls.some((u) => /\/hls\/part\/\d+\.mp4$/.test(u)), "parts");
  } finally {
    await eyrie.stop();
  }
});
