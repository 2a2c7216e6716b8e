/// <reference lib="dom" />
/**
 * The console's live tile falls back by itself, in headless Chromium
 * against a real `eyrie run`: when eyrie's WHEP answers name a port nobody
 * listens on (the page's requests rewritten on the way: ICE cannot
 * connect, as behind a NAT without TURN) the tile plays LL-HLS; with
 * LL-HLS cut off too (requests aborted) it plays MJPEG; once LL-HLS comes
 * back it moves up to it, and once WebRTC can connect again, up to WebRTC.
 * The tile's badge says which plays at each step; an MJPEG camera's tile
 * plays MJPEG.
 */
import assert from "node:assert/strict";
import { type Page, type Route } from "playwright-core";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { viewerReady } from "../http/_whep.ts";
import { launchChromium } from "../../_chromium.ts";

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
[[camera]]
id = "still"
source = "test"
width = 320
height = 240
fps = 5
codec = "mjpeg"
`;

/** Shorter waits than a user gets, so the test walks every step in seconds. */
const SETTINGS = {
  firstFrameMs: { webrtc: 3000, hls: 15000, mjpeg: 15000 },
  stallMs: 4000,
  upgradeMs: 3000,
};
/** Each step: the waits above, twice over (a loaded machine starts players slowly). */
const STEP_TIMEOUT_MS = 60_000;

type Tile = { mode: string | null };

async function playing(page: Page, mode: string, label: string): Promise<void> {
  const where = () =>
    page.evaluate(() => {
      const v = document.querySelector("#camera-front video") as HTMLVideoElement;
      return `badge ${document.querySelector("#camera-front .mode")?.textContent}, status ${
        document.querySelector("#camera-front .status")?.textContent
      }, video frames ${v.getVideoPlaybackQuality().totalVideoFrames}`;
    });
  await page.waitForFunction(
    ([m, l]) => {
      const p = (window as unknown as { eyrieConsole: { players: Record<string, Tile> } })
        .eyrieConsole?.players.front;
      const badge = document.querySelector("#camera-front .mode");
      if (p?.mode !== m || badge?.textContent !== l) return false;
      if (m === "mjpeg") {
        return (document.querySelector("#camera-front img.mjpeg") as HTMLImageElement)
          .naturalWidth > 0;
      }
      const v = document.querySelector("#camera-front video") as HTMLVideoElement;
      return !v.hidden && v.getVideoPlaybackQuality().totalVideoFrames > 10;
    },
    [mode, label],
    { timeout: STEP_TIMEOUT_MS },
  ).catch(async (e) => {
    throw new Error(`waiting for ${label}: ${await where()}`, { cause: e });
  });
}

Deno.test("The live tile falls back WebRTC → LL-HLS → MJPEG, says which plays, and moves back up", async () => {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium();
  try {
    await viewerReady(eyrie.url, "front");
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.addInitScript((s) => {
      (window as unknown as { eyrieLiveSettings: unknown }).eyrieLiveSettings = s;
    }, SETTINGS);
    // Every answer's candidates point at UDP port 1: ICE never connects.
    const unreachable = async (route: Route) => {
      if (route.request().method() !== "POST") return route.continue();
      // An offer in flight when step 4 lifts this route, or when the page closes, is handled
      // by then: nothing left to do with it.
      try {
        const res = await route.fetch();
        const body = (await res.text()).replace(/^(a=candidate:\S+ \d+ udp \d+ \S+ )\d+/gm, "$11");
        await route.fulfill({ response: res, body });
      } catch (e) {
        if (!/already handled|closed/i.test(String(e))) throw e;
      }
    };
    await page.route("**/whep", unreachable);
    await page.goto(`${eyrie.url}/`);

    // 1. WebRTC first; ICE cannot connect, so no frame: LL-HLS.
    await page.waitForFunction(() =>
      document.querySelector("#camera-front .mode")?.textContent === "WebRTC"
    );
    await playing(page, "hls", "LL-HLS");
    // An MJPEG camera's tile plays MJPEG, and says so.
    await page.waitForFunction(() =>
      document.querySelector("#camera-still .mode")?.textContent === "MJPEG" &&
      (document.querySelector("#camera-still img.mjpeg") as HTMLImageElement).naturalWidth > 0
    );

    // 2. LL-HLS cut off: the picture stops, MJPEG.
    const block = (route: { abort(): Promise<void> }) => route.abort();
    await page.route("**/hls/**", block);
    await playing(page, "mjpeg", "MJPEG");

    // 3. LL-HLS back: the tile tries WebRTC (still unreachable), then LL-HLS, and moves up to it.
    await page.unroute("**/hls/**", block);
    await playing(page, "hls", "LL-HLS");

    // 4. WebRTC reachable again: up to the top.
    await page.unroute("**/whep", unreachable);
    await playing(page, "webrtc", "WebRTC");
    assert.deepEqual(errors, []);
  } finally {
    await eyrie.stop();
  }
});
