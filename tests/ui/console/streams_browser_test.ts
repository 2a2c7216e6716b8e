/// <reference lib="dom" />
/**
 * The console's choice of stream in Chromium against a real `eyrie run`
 * with two cameras, one with a sub stream: the grid plays that camera's sub
 * stream (decoded at its size, the tile says "sub 320×180"), the other its
 * main stream; the one-column layout moves the first to its main stream
 * ("main (auto)", decoded at the main size).
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { viewerReady } from "../http/_whep.ts";
import { launchChromium } from "../../_chromium.ts";

const CAMERA =
  `source = "test"\npattern = "ball"\nwidth = 640\nheight = 360\nfps = 15\nencoder = "x264"\n`;
const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[detection]
motion = false
[[camera]]
id = "yard"
${CAMERA}
  [camera.sub]
  width = 320
  height = 180
  bitrate_kbps = 300
[[camera]]
id = "door"
${CAMERA}`;

/** The tile the last check saw, for the failure message. */
let seen: unknown;

interface Console {
  eyrieConsole: { players: Record<string, { pc: RTCPeerConnection | null }> };
}

/** What a tile shows: its stream label and the width its player decodes. */
function tile(page: import("playwright-core").Page, id: string) {
  return page.evaluate(async (id) => {
    const pc = (window as unknown as Console).eyrieConsole?.players[id]?.pc;
    let width = 0;
    let frames = 0;
    if (pc) {
      (await pc.getStats()).forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") {
          width = s.frameWidth ?? 0;
          frames = s.framesDecoded ?? 0;
        }
      });
    }
    const label = document.querySelector(`#camera-${id} h2 .stream`)?.textContent ?? "";
    return { label: label.replace(/^ · /, ""), width, frames };
  }, id);
}

async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await f();
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms (last seen: ${JSON.stringify(seen)})`);
}

Deno.test("The console's grid plays a camera's sub stream and says so; the one-column layout plays its main stream", async () => {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium();
  try {
    await viewerReady(eyrie.url, "yard");
    await viewerReady(eyrie.url, "door");
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // This test is about the stream a tile asks for, not the fallback to LL-HLS: on a loaded
    // machine WebRTC's first frame may take longer than the player's 4 s.
    await page.addInitScript(() => {
      (window as unknown as { eyrieLiveSettings: unknown }).eyrieLiveSettings = {
        firstFrameMs: { webrtc: 60_000, hls: 8_000, mjpeg: 8_000 },
        stallMs: 60_000,
      };
    });
    await page.goto(`${eyrie.url}/`);

    const grid = (id: string, label: string, width: number) =>
      until(`${id}: "${label}" at ${width} wide`, async () => {
        const t = await tile(page, id);
        seen = { t, errors };
        return t.label === label && t.width === width && t.frames > 10 ? t : undefined;
      });
    await grid("yard", "sub 320×180", 320);
    await grid("door", "main", 640);

    await page.click('.layout-picker button[data-layout="1"]');
    await grid("yard", "main (auto)", 640);
    await grid("door", "main", 640);

    await page.click('.layout-picker button[data-layout="2"]');
    await grid("yard", "sub 320×180", 320);
    assert.deepEqual(errors, []);
  } finally {
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});
