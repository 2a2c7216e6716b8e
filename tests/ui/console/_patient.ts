/**
 * For console tests about what a WebRTC tile does (its sound, talk, its
 * stream), not about the fallback to LL-HLS: the live player waits 60 s for
 * WebRTC's first frame instead of 4 s, so a loaded machine's slow ICE and
 * DTLS do not move the tile down. The fallback has its own test
 * (fallback_browser_test.ts).
 *
 * @module
 */
import type { Page } from "playwright-core";

/** Sets the live player's timings on `page` before its scripts load (`eyrieLiveSettings`). */
export async function patientWebrtc(page: Page): Promise<void> {
  await page.addInitScript(() => {
    (window as unknown as { eyrieLiveSettings: unknown }).eyrieLiveSettings = {
      firstFrameMs: { webrtc: 60_000, hls: 8_000, mjpeg: 8_000 },
      stallMs: 60_000,
    };
  });
}
