/**
 * The page a talk test opens in Chromium: `window.talk(url)` sends the
 * fake microphone to a talk endpoint (WHIP's shape) and says what came back.
 *
 * @module
 */
import type { BrowserContext, Page } from "playwright-core";

export const TALK_PAGE = `<!doctype html><script>
window.talk = async (url) => {
  const mic = await navigator.mediaDevices.getUserMedia({
    // The tone as the file has it: no echo cancelling, noise suppression or gain control.
    audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
  });
  const pc = new RTCPeerConnection();
  pc.addTransceiver(mic.getAudioTracks()[0], { direction: "sendonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => pc.iceGatheringState === "complete" ? r() :
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/sdp" }, body: pc.localDescription.sdp });
  const text = await res.text();
  if (res.status !== 201) { pc.close(); return { status: res.status, body: text }; }
  await pc.setRemoteDescription({ type: "answer", sdp: text });
  window.pc = pc;
  return { status: 201, body: text, location: res.headers.get("location") };
};
</script>`;

export interface TalkResult {
  status: number;
  body: string;
  location?: string;
}

/** A page of `browser` on eyrie's origin (`base`) holding {@linkcode TALK_PAGE}. */
export async function openTalkPage(browser: BrowserContext, base: string): Promise<Page> {
  const page = await browser.newPage();
  await page.route(`${base}/page`, (r) => r.fulfill({ contentType: "text/html", body: TALK_PAGE }));
  await page.goto(`${base}/page`);
  return page;
}

/** Sends `page`'s fake microphone to camera `id`'s talk endpoint; what eyrie answered. */
export function talkFrom(page: Page, base: string, id: string): Promise<TalkResult> {
  return page.evaluate(
    (u) => (window as unknown as { talk(u: string): Promise<TalkResult> }).talk(u),
    `${base}/api/cameras/${id}/talk`,
  );
}
