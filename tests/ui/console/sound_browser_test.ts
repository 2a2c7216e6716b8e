/// <reference lib="dom" />
/**
 * The console's sound control in headless Chromium against a real `eyrie
 * run`: a camera with sound has an Unmute button on its tile; the tile
 * starts muted, and a click plays the camera's tone (the WebRTC audio's
 * level is the tone's); a camera with `audio = "none"` has no button.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { viewerReady } from "../http/_whep.ts";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../_chromium.ts";
import { patientWebrtc } from "./_patient.ts";

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "door"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
[[camera]]
id = "mute"
source = "test"
width = 160
height = 120
fps = 10
encoder = "x264"
audio = "none"
`;

interface Console {
  eyrieConsole: { players: Record<string, { pc: RTCPeerConnection | null }> };
}

Deno.test("the console's tiles start muted, Unmute plays a camera's sound (its level is the tone's), and a camera without sound has no button", async () => {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  const profile = await Deno.makeTempDir({ prefix: "audio-chromium-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  try {
    await viewerReady(eyrie.url, "door");
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await patientWebrtc(page);
    await page.goto(`${eyrie.url}/`);
    const button = page.locator("#camera-door button.sound");
    await button.waitFor({ state: "visible" });
    assert.equal(await button.textContent(), "Unmute");
    assert.equal(
      await page.locator("#camera-door video").evaluate((v) => (v as HTMLVideoElement).muted),
      true,
    );
    assert.equal(await page.locator("#camera-mute button.sound").isHidden(), true);
    await button.click();
    assert.equal(await button.textContent(), "Mute");
    assert.equal(await button.getAttribute("aria-pressed"), "true");
    assert.equal(
      await page.locator("#camera-door video").evaluate((v) => (v as HTMLVideoElement).muted),
      false,
    );
    const level = await page.evaluate(async () => {
      const w = window as unknown as Console;
      const t0 = performance.now();
      while (performance.now() - t0 < 30_000) {
        const pc = w.eyrieConsole.players.door?.pc;
        let level = 0;
        if (pc) {
          (await pc.getStats()).forEach((s) => {
            if (s.type === "inbound-rtp" && s.kind === "audio") level = s.audioLevel ?? 0;
          });
        }
        if (level > 0) {
          // The first reports ramp up (the jitter buffer's start, the level's own window):
          // the tone's level is the steadiest peak over the next two seconds.
          let peak = level;
          for (const t1 = performance.now(); performance.now() - t1 < 2_000;) {
            await new Promise((r) => setTimeout(r, 100));
            (await pc!.getStats()).forEach((s) => {
              if (s.type === "inbound-rtp" && s.kind === "audio") {
                peak = Math.max(peak, s.audioLevel ?? 0);
              }
            });
          }
          return peak;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      // What the tile plays (the sound comes over WebRTC only), for the failure message.
      return document.querySelector("#camera-door .mode")?.textContent ?? "";
    });
    assert.equal(typeof level, "number", `no WebRTC audio within 30 s; the tile plays "${level}"`);
    // audiotestsrc's volume=0.3.
    assert.ok((level as number) > 0.2 && (level as number) < 0.4, `audioLevel ${level}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await Deno.remove(profile, { recursive: true });
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});
