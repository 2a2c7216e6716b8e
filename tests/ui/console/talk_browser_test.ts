/// <reference lib="dom" />
/**
 * The console's level meter and push-to-talk button in headless Chromium
 * against a real `eyrie run`: a tile of a camera with sound has a meter
 * that reads the camera's tone (an AnalyserNode on the received track:
 * audiotestsrc's 0.3 amplitude is −13.5 dBFS RMS) once a click started the
 * page's audio; holding the tile's talk button sends the fake microphone's
 * 1 kHz tone to the camera's speaker (a file, checked by FFT) while another
 * console shows who holds it; letting go releases it. A tile without sound
 * or speaker has neither control.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { viewerReady } from "../http/_whep.ts";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../_chromium.ts";
import { patientWebrtc } from "./_patient.ts";
import { peakOf } from "../../_spectrum.ts";
import { fakeMicrophone, makeTone } from "../../_tone.ts";
import { getJson, until } from "../../faults/_faults.ts";

Deno.test("the console's meter reads a camera's sound, its talk button talks while held and shows the holder elsewhere; tiles without sound or speaker have neither", async () => {
  const dir = await Deno.makeTempDir({ prefix: "console-talk-" });
  const wav = await makeTone(dir);
  const pcm = join(dir, "door.pcm");
  await using cfg = await tempConfig(`
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
speaker = "file:${pcm}"
[[camera]]
id = "mute"
source = "test"
width = 160
height = 120
fps = 10
encoder = "x264"
audio = "none"
`);
  const eyrie = await startEyrie(cfg.file);
  const browser = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_FLAGS, ...fakeMicrophone(wav)],
  });
  const talk = async () =>
    (await getJson<{ talk: { state: string; holder?: string; packets?: number } }>(
      `${eyrie.url}/api/cameras/door`,
    )).talk;
  try {
    await viewerReady(eyrie.url, "door");
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await patientWebrtc(page);
    await page.goto(`${eyrie.url}/`);
    const meter = page.locator("#camera-door meter.level");
    const button = page.locator("#camera-door button.talk");
    await meter.waitFor({ state: "visible" });
    await button.waitFor({ state: "visible" });
    assert.equal(await button.textContent(), "Hold to talk");
    assert.equal(await page.locator("#camera-mute meter.level").isHidden(), true);
    assert.equal(await page.locator("#camera-mute button.talk").isHidden(), true);

    // A click is the gesture that starts the page's audio; then the meter reads the tone.
    await page.locator("#camera-door button.sound").click();
    const reading = async () => Number(await meter.getAttribute("data-db") ?? "-inf");
    await until("the meter reads the tone", async () => (await reading()) > -40 ? true : undefined);
    // The first readings ramp up (the jitter buffer starts): the tone's is the peak over 2 s.
    let db = -Infinity;
    for (let i = 0; i < 20; i++) {
      db = Math.max(db, await reading());
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(db > -16.5 && db < -10.5, `${db} dBFS`);

    // Hold to talk.
    await button.hover();
    await page.mouse.down();
    await until("the tone reaches the speaker", async () => {
      const t = await talk();
      return t.state === "held" && (t.packets ?? 0) >= 100 ? t : undefined;
    });
    assert.equal(await button.getAttribute("aria-pressed"), "true");
    // Another console sees who holds it.
    const other = await browser.newPage();
    await patientWebrtc(other);
    await other.goto(`${eyrie.url}/`);
    await until("the other console names the holder", async () => {
      const text = await other.locator("#camera-door .talk-holder").textContent();
      return text === "speaker held by 127.0.0.1" ? text : undefined;
    });
    await page.mouse.up();
    await until("the speaker released", async () => {
      const t = await talk();
      return t.state === "free" ? t : undefined;
    });
    assert.equal(await button.textContent(), "Hold to talk");
    await until("the other console shows it free", async () => {
      const text = await other.locator("#camera-door .talk-holder").textContent();
      return text === "" ? true : undefined;
    });
    const bytes = await Deno.readFile(pcm);
    const samples = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
    const peak = peakOf(samples, 48_000, (samples.length >> 1) - 8192);
    assert.ok(Math.abs(peak.hz - 1000) < 10, `peak at ${peak.hz} Hz`);
    assert.ok(peak.share > 0.8, `${peak.share} of the power around 1 kHz`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    assert.equal(await eyrie.stop("SIGTERM"), 0);
    await Deno.remove(dir, { recursive: true });
  }
});
