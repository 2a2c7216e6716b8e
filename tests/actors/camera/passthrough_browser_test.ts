/// <reference lib="dom" />
/**
 * Chromium watches a passed-through RTSP camera over WebRTC: the browser
 * decodes the camera's own access units (its size, not the configured one).
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../_chromium.ts";
import { viewerReady } from "../../ui/http/_whep.ts";
import {
  closedPort,
  getJson,
  startEyrie,
  startRtspCamera,
  tempConfig,
  until,
} from "../../faults/_faults.ts";

const PAGE = `<!doctype html><video id=v muted autoplay playsinline></video><script>
window.connect = async (url) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver("video", { direction: "recvonly" });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((r) => pc.iceGatheringState === "complete" ? r() :
    pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/sdp" }, body: pc.localDescription.sdp });
  if (res.status !== 201) throw new Error("WHEP " + res.status + " " + await res.text());
  await pc.setRemoteDescription({ type: "answer", sdp: await res.text() });
  pc.ontrack = (e) => { document.getElementById("v").srcObject = e.streams[0] || new MediaStream([e.track]); };
  window.pc = pc;
};
window.decoded = async () => {
  let n = { frames: 0, width: 0 };
  (await window.pc.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") n = { frames: s.framesDecoded || 0, width: s.frameWidth || 0 };
  });
  return n;
};
</script>`;

Deno.test("Chromium decodes a passed-through RTSP camera's own H.264 over WebRTC, at the camera's size", async () => {
  await using rtsp = await startRtspCamera(closedPort(), { size: "320x240", fps: 15 });
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
      `[[camera]]\nid = "door"\nsource = "${rtsp.url}"\nwidth = 160\nheight = 120\nfps = 15\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  const profile = await Deno.makeTempDir({ prefix: "eyrie-chromium-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  try {
    const cam = await until("door passing through", async () => {
      const c = await getJson<{ stats: { camera?: { main: { mode: string } } } }>(
        `${eyrie.url}/api/cameras/door`,
      );
      return c.stats.camera?.main.mode === "passthrough" ? c : undefined;
    });
    assert.ok(cam);
    await viewerReady(eyrie.url, "door");
    const page = await browser.newPage();
    await page.route(
      `${eyrie.url}/whep-page`,
      (r) => r.fulfill({ contentType: "text/html", body: PAGE }),
    );
    await page.goto(`${eyrie.url}/whep-page`);
    await page.evaluate(
      (u) => (window as unknown as { connect(u: string): Promise<void> }).connect(u),
      `${eyrie.url}/api/cameras/door/whep`,
    );
    const seen = await until("30 frames decoded", async () => {
      const n = await page.evaluate(() =>
        (window as unknown as { decoded(): Promise<{ frames: number; width: number }> }).decoded()
      );
      return n.frames >= 30 ? n : undefined;
    }, 30_000);
    assert.equal(seen.width, 320, "the camera's own size, not the configured 160");
  } finally {
    await browser.close();
    await Deno.remove(profile, { recursive: true });
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
});
