/// <reference lib="dom" />
/**
 * The cameras' recordings as one more library on `/library`, against a real
 * `eyrie run` with a [[library]] folder and two test cameras recording 10 s
 * segments (one in MP4, one in Matroska): Chromium chooses "camera
 * recordings" beside the folder, sees a card per segment with its
 * thumbnail, and plays an MP4 segment as it is and the Matroska one through
 * its MP4 copy (the recordings' own routes), with screenshots.
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { makeClips } from "../../actors/library/_clips.ts";
import { launchChromium } from "../../_chromium.ts";

const ARTIFACTS = new URL("../../artifacts/library/", import.meta.url).pathname;

interface Segment {
  id: number;
  camera: string;
  container: string;
  open: boolean;
  url: string;
  thumbnail_url: string | null;
}

Deno.test("/library shows the camera recordings as one more library and plays them through the recordings routes", async () => {
  const films = await Deno.makeTempDir({ prefix: "library2-films-" });
  await makeClips(films);
  await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
dir = "rec"
segment_s = 10
[[library]]
id = "films"
path = "${films}"
[[camera]]
id = "yard"
source = "test"
width = 320
height = 240
fps = 15
[[camera]]
id = "gate"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 15
  [camera.recording]
  container = "mkv"
`);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium({ viewport: { width: 1280, height: 800 } });
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  try {
    // A closed segment with a thumbnail from each camera.
    let segments: Segment[] = [];
    const closed = (camera: string) =>
      segments.find((s) => s.camera === camera && !s.open && s.thumbnail_url !== null);
    const deadline = Date.now() + 90_000;
    while (closed("yard") === undefined || closed("gate") === undefined) {
      assert.ok(Date.now() < deadline, `no closed segments: ${JSON.stringify(segments)}`);
      await new Promise((r) => setTimeout(r, 500));
      segments = (await (await fetch(`${eyrie.url}/api/recordings`)).json()).segments;
    }
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${eyrie.url}/library`);
    await page.waitForFunction(() => document.body.dataset.ready === "1");
    const options = await page.$$eval("#lib option", (os) => os.map((o) => o.textContent));
    assert.deepEqual(options, ["all libraries", "films", "camera recordings"]);

    await page.selectOption("#lib", "@recordings");
    await page.waitForFunction(() =>
      document.querySelectorAll('.item[data-id^="rec-"]').length > 0 &&
      /recordings/.test(document.getElementById("msg")!.textContent ?? "")
    );
    const ids = await page.$$eval(".item", (es) => es.map((e) => (e as HTMLElement).dataset.id));
    for (const s of [closed("yard")!, closed("gate")!]) assert.ok(ids.includes(`rec-${s.id}`));
    // Search by camera keeps that camera's segments only.
    await page.fill("#q", "gate");
    await page.waitForFunction(() =>
      [...document.querySelectorAll(".item .name")].every((n) => n.textContent!.startsWith("gate"))
    );
    await page.fill("#q", "");
    await page.waitForFunction(() =>
      [...document.querySelectorAll(".item .name")].some((n) => n.textContent!.startsWith("yard"))
    );
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>(".item img")].every((i) =>
        i.complete && i.naturalWidth > 0
      )
    );
    await page.screenshot({ path: `${ARTIFACTS}library-recordings.png`, fullPage: true });

    for (
      const [camera, src] of [["yard", /\/api\/recordings\/\d+$/], [
        "gate",
        /\?format=mp4$/,
      ]] as const
    ) {
      const s = closed(camera)!;
      await page.click(`.item[data-id="rec-${s.id}"]`);
      await page.waitForFunction(
        (id) => {
          const v = document.getElementById("player") as HTMLVideoElement;
          return v.dataset.item === id && v.currentTime > 0.5;
        },
        `rec-${s.id}`,
        { timeout: 30_000 },
      );
      assert.match(await page.$eval("#player", (v) => (v as HTMLVideoElement).src), src);
    }
    await page.screenshot({ path: `${ARTIFACTS}library-recordings-playing.png` });
    console.log(`screenshots: ${ARTIFACTS}library-recordings{,-playing}.png`);
    assert.deepEqual(errors, []);
  } finally {
    assert.equal(await eyrie.stop(), 0);
    await Deno.remove(films, { recursive: true });
  }
});
