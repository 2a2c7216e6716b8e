/// <reference lib="dom" />
/**
 * The console as a new user meets it, in headless Chromium against a real
 * `eyrie run` with no users (auth off), a 4:3 camera, recording and motion:
 * every page at desktop and phone widths, light and dark (screenshots in
 * tests/artifacts/console/), with nothing answered 404 (the favicon) and a
 * way back to Live; then what each page must do: /access and /admin with
 * auth off, /latency measuring, a tile's quality, snapshot and fullscreen
 * controls, the grid layout, an event card's snapshot shape and its link to
 * the recording at that moment, and timeline labels that fit a phone.
 */
import assert from "node:assert/strict";
import { type Page } from "playwright-core";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { viewerReady } from "../http/_whep.ts";
import { launchChromium } from "../../_chromium.ts";

const ARTIFACTS = new URL("../../artifacts/console/", import.meta.url).pathname;

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
segment_s = 10
[detection]
motion_fps = 10
[[camera]]
id = "front"
source = "test"
pattern = "ball"
width = 640
height = 480
fps = 15
encoder = "x264"
timecode = true
`;

const PAGES = ["/", "/latency", "/recordings", "/events", "/library", "/access", "/admin"];
const SIZES = [["desktop", 1280, 800], ["phone", 390, 844]] as const;
const SCHEMES = ["light", "dark"] as const;

/** Polls `check` in the page until it returns true (bounded by the page's default timeout). */
async function until(page: Page, check: () => boolean): Promise<void> {
  await page.waitForFunction(check, undefined, { timeout: 20_000 });
}

Deno.test("The console in Chromium: every page at two widths and two schemes, and what each page must do", async (t) => {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium();
  await Deno.mkdir(ARTIFACTS, { recursive: true });
  try {
    await viewerReady(eyrie.url, "front");
    const page = await browser.newPage();
    const errors: string[] = [];
    const failed: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });

    const everyPage = async () => {
      for (const [size, width, height] of SIZES) {
        await page.setViewportSize({ width, height });
        for (const scheme of SCHEMES) {
          await page.emulateMedia({ colorScheme: scheme });
          for (const path of PAGES) {
            await page.goto(`${eyrie.url}${path}`, { waitUntil: "load" });
            await page.waitForTimeout(300); // the scripts' first fetches
            const live = page.locator('nav.eyrie-nav a[href="/"]');
            assert.equal(await live.count(), 1, `${path}: a link to Live`);
            assert.ok(await live.isVisible(), `${path}: the link to Live shows`);
            const icon = await page.getAttribute('link[rel="icon"]', "href");
            assert.equal(icon, "/favicon.svg", `${path} names the icon`);
            const overflow = await page.evaluate(() =>
              document.documentElement.scrollWidth - document.documentElement.clientWidth
            );
            assert.ok(overflow <= 1, `${path} at ${width} px scrolls sideways by ${overflow} px`);
            const name = `${path === "/" ? "live" : path.slice(1)}-${size}-${scheme}.png`;
            await page.screenshot({ path: `${ARTIFACTS}${name}`, fullPage: true });
          }
        }
      }
      const icon = await page.request.get(`${eyrie.url}/favicon.svg`);
      assert.equal(icon.headers()["content-type"], "image/svg+xml");
      assert.deepEqual(failed, []);
      assert.deepEqual(errors, []);
    };

    await t.step("every page: no failed request, a way back to Live, fits a phone", async () => {
      try {
        await everyPage();
      } finally {
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.emulateMedia({ colorScheme: "light" });
      }
    });

    await t.step("auth off: /access says every camera, nobody to sign out anywhere", async () => {
      const me = await (await fetch(`${eyrie.url}/api/auth/me`)).json();
      assert.match(me.grantText, /^all cameras;/);
      await page.goto(`${eyrie.url}/access`);
      await until(page, () => document.getElementById("grant")?.textContent !== "…");
      assert.match(await page.textContent("#grant") ?? "", /^all cameras;/);
      assert.match(await page.textContent("#who") ?? "", /auth is off/);
      assert.equal(await page.isVisible("#askbox"), false, "nothing to ask for");
      for (const path of ["/admin", "/access", "/"]) {
        await page.goto(`${eyrie.url}${path}`);
        await page.waitForTimeout(300);
        assert.equal(await page.getByText("Sign out").isVisible(), false, `${path}: no Sign out`);
      }
    });

    await t.step("/latency says it is measuring, not what it needs", async () => {
      await page.goto(`${eyrie.url}/latency`);
      await until(page, () => document.getElementById("hint")?.textContent !== "");
      assert.match(await page.textContent("#hint") ?? "", /^measuring/);
      assert.doesNotMatch(await page.textContent("h2") ?? "", /needs/);
    });

    await t.step("a tile: quality preset, snapshot, fullscreen, video controls", async () => {
      await page.goto(`${eyrie.url}/`);
      const tile = page.locator("#camera-front");
      await tile.locator(".tile-controls select").waitFor();
      assert.equal(await tile.locator("video").getAttribute("controls"), "");
      const before = (await (await fetch(`${eyrie.url}/api/cameras/front`)).json()).quality;
      assert.equal(await tile.locator(".tile-controls select").inputValue(), before);
      const want = before === "low" ? "high" : "low";
      await tile.locator(".tile-controls select").selectOption(want);
      await until(
        page,
        () => document.querySelector("#camera-front .tile-msg")?.textContent !== "",
      );
      assert.match(
        await tile.locator(".tile-msg").textContent() ?? "",
        new RegExp(`^quality ${want}:`),
      );
      const cam = await (await fetch(`${eyrie.url}/api/cameras/front`)).json();
      assert.equal(cam.quality, want);
      const snapshot = await tile.locator("a", { hasText: "Snapshot" }).getAttribute("href");
      const shot = await page.request.get(`${eyrie.url}${snapshot}`);
      assert.equal(shot.status(), 200);
      assert.equal(shot.headers()["content-type"], "image/jpeg");
      await tile.locator("button", { hasText: "Fullscreen" }).click();
      await until(page, () => document.fullscreenElement?.tagName === "VIDEO");
      await page.screenshot({ path: `${ARTIFACTS}tile-fullscreen.png` });
      await page.evaluate(() => document.exitFullscreen());
      await until(page, () => document.fullscreenElement === null);
    });

    await t.step("the grid's layout: 1, 2x2, 3x3, kept across a reload", async () => {
      await page.goto(`${eyrie.url}/`);
      const columns = () =>
        page.evaluate(() =>
          getComputedStyle(document.getElementById("cameras")!).gridTemplateColumns.split(" ")
            .length
        );
      for (const [label, want] of [["1", 1], ["2×2", 2], ["3×3", 3]] as const) {
        await page.locator(".layout-picker button", { hasText: label }).click();
        assert.equal(await columns(), want, label);
      }
      await page.locator(".layout-picker button", { hasText: "2×2" }).click();
      await page.reload();
      await page.locator(".layout-picker").waitFor();
      assert.equal(await columns(), 2, "kept across a reload");
      await page.screenshot({ path: `${ARTIFACTS}live-grid-2x2.png` });
      await page.locator(".layout-picker button", { hasText: "auto" }).click();
    });

    await t.step(
      "an event card: its snapshot in the camera's 4:3, and its recording at that moment",
      async () => {
        await page.goto(`${eyrie.url}/events`);
        await page.locator("article.event .frame img").first().waitFor({ timeout: 30_000 });
        await until(page, () => {
          const img = document.querySelector<HTMLImageElement>("article.event .frame img");
          return img !== null && img.complete && img.naturalWidth > 0;
        });
        const shape = await page.evaluate(() => {
          const img = document.querySelector<HTMLImageElement>("article.event .frame img")!;
          const frame = img.parentElement!.getBoundingClientRect();
          return { image: img.naturalWidth / img.naturalHeight, frame: frame.width / frame.height };
        });
        assert.ok(Math.abs(shape.image - 4 / 3) < 0.02, `snapshot is ${shape.image}:1`);
        assert.ok(Math.abs(shape.frame - 4 / 3) < 0.02, `its frame is ${shape.frame}:1`);
        const link = page.locator("article.event a.clip").first();
        const href = await link.getAttribute("href");
        const at = Number(new URL(href!, eyrie.url).searchParams.get("at"));
        await link.click();
        await page.waitForURL(`${eyrie.url}/recordings?camera=front&at=${at}`);
        await until(page, () => document.getElementById("player")?.dataset.segment !== undefined);
        // Playing: the clock under the player moves off its blank (on the player's timeupdate).
        await until(
          page,
          () =>
            (document.getElementById("player") as HTMLVideoElement).currentTime > 0 &&
            document.getElementById("now")!.textContent !== "--:--:--",
        );
        const segment = await page.evaluate(() =>
          document.getElementById("player")!.dataset.segment
        );
        const recordings = await (await fetch(`${eyrie.url}/api/recordings?camera=front`)).json();
        const seg = recordings.segments.find((s: { id: number }) => String(s.id) === segment);
        assert.ok(seg !== undefined, `segment ${segment} is front's`);
        // The segment that holds the moment, or the first one after it when recording began later.
        assert.ok(
          seg.end_ms === null || seg.end_ms > at,
          "the segment does not end before the moment",
        );
        await page.screenshot({ path: `${ARTIFACTS}recordings-from-event.png` });
      },
    );

    await t.step("a phone's timeline labels do not overlap", async () => {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.goto(`${eyrie.url}/recordings`);
      await page.locator(".ticks span").first().waitFor();
      const boxes = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>(".cam:first-child .ticks span")]
          .filter((s) => s.offsetParent !== null)
          .map((s) => s.getBoundingClientRect())
          .map((r) => [r.left, r.right])
      );
      assert.ok(boxes.length >= 3, `${boxes.length} labels`);
      for (let i = 1; i < boxes.length; i++) {
        assert.ok(boxes[i][0] >= boxes[i - 1][1], `label ${i} overlaps: ${JSON.stringify(boxes)}`);
      }
    });
    assert.deepEqual(errors, []);
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});
