/// <reference lib="dom" />
// Chromium on the /recordings page: clicks a camera's timeline where a
// segment is, and reports what the page's <video> did.
import { type Page } from "playwright-core";
import { launchChromium } from "../../_chromium.ts";

export interface Played {
  segment: string;
  currentTime: number;
  readyState: number;
  paused: boolean;
  error: string | null;
  muted: boolean;
  /** Bytes of sound the player decoded (Chromium's webkitAudioDecodedByteCount). */
  audioBytes: number;
}

/** A fresh Chromium profile and page, closed by the returned dispose. */
export async function openBrowser(): Promise<{ page: Page } & AsyncDisposable> {
  const context = await launchChromium({ viewport: { width: 1280, height: 800 } });
  const page = context.pages()[0] ?? await context.newPage();
  return { page, [Symbol.asyncDispose]: () => context[Symbol.asyncDispose]() };
}

/** Clicks `camera`'s timeline at the time `atMs`, as a person would. */
export async function clickTimeline(page: Page, camera: string, atMs: number): Promise<void> {
  const tl = page.locator(`.timeline[data-camera="${camera}"]`);
  // Pages back or forward (half a view a click) until `atMs` is in view: the
  // view opens around the latest recording, which a slow run leaves far behind.
  let from = 0, to = 0;
  for (let clicks = 0;; clicks++) {
    from = Number(await tl.getAttribute("data-from"));
    to = Number(await tl.getAttribute("data-to"));
    if (atMs >= from && atMs < to) break;
    if (clicks === 100) throw new Error(`${atMs} is outside the timeline ${from}–${to}`);
    await page.click(atMs < from ? "#prev" : "#next");
  }
  const box = (await tl.boundingBox())!;
  await page.mouse.click(box.x + ((atMs - from) / (to - from)) * box.width, box.y + box.height / 2);
}

/** Waits until the player shows `segment` at or past `minTime` s, playing; returns its state. */
export async function waitForPlayback(
  page: Page,
  segment: number,
  minTime: number,
  timeoutMs = 20_000,
): Promise<Played> {
  const state = () =>
    page.evaluate(() => {
      const v = document.querySelector<HTMLVideoElement>("#player")!;
      return {
        segment: v.dataset.segment ?? "",
        currentTime: v.currentTime,
        readyState: v.readyState,
        paused: v.paused,
        error: v.error?.message ?? null,
        muted: v.muted,
        audioBytes: (v as HTMLVideoElement & { webkitAudioDecodedByteCount?: number })
          .webkitAudioDecodedByteCount ?? -1,
      };
    });
  try {
    await page.waitForFunction(
      ({ segment, minTime }) => {
        const v = document.querySelector<HTMLVideoElement>("#player")!;
        return v.dataset.segment === String(segment) && v.readyState >= 2 && !v.paused &&
          v.currentTime >= minTime;
      },
      { segment, minTime },
      { timeout: timeoutMs, polling: 50 },
    );
  } catch (e) {
    throw new Error(
      `The player did not play segment ${segment} past ${minTime} s: ${
        JSON.stringify(await state())
      }`,
      { cause: e },
    );
  }
  return await state();
}
