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

async function watch(
  camera: { size: string; fps: number; profile?: string; bframes?: number },
  check: (
    seen: { frames: number; width: number },
    streams: Streams,
    encoder: { forViewers: boolean; fps: number } | undefined,
  ) => void,
) {
  await using rtsp = await startRtspCamera(closedPort(), camera);
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
    const streams = () => getJson<{ streams: Streams }>(`${eyrie.url}/api/cameras/door`);
    await until("door passing through", async () => {
      const s = (await streams()).streams;
      return s.main.mode === "passthrough" && s.main.source !== undefined ? s : undefined;
    });
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
    // The encoder's rate over a second of watching (it reports every second).
    await new Promise((r) => setTimeout(r, 2100));
    const now = await getJson<
      { streams: Streams; stats: { encoder?: { forViewers: boolean; fps: number } } }
    >(
      `${eyrie.url}/api/cameras/door`,
    );
    check(seen, now.streams, now.stats.encoder);
    // The encode for viewers ends with the last viewer.
    await page.close();
    await until("the encoder idle again", async () => {
      const c = await getJson<{ stats: { encoder?: { forViewers: boolean } } }>(
        `${eyrie.url}/api/cameras/door`,
      );
      return c.stats.encoder?.forViewers === false ? true : undefined;
    }, 30_000);
  } finally {
    await browser.close();
    await Deno.remove(profile, { recursive: true });
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  }
}

interface Streams {
  main: { mode: string; source?: { profile: string; width: number } };
  webrtc: { mode: string; reason: string };
}

Deno.test("Chromium decodes a passed-through RTSP camera's own H.264 over WebRTC, at the camera's size", async () => {
  await watch({ size: "320x240", fps: 15 }, (seen, streams, encoder) => {
    assert.equal(encoder!.forViewers, false, "no encode: the camera's own stream");
    assert.equal(seen.width, 320, "the camera's own size, not the configured 160");
    assert.equal(streams.webrtc.mode, "passthrough");
  });
});

Deno.test("Chromium watches a camera sending B-frames through eyrie's encode for viewers, while the main stream stays the camera's", async () => {
  await watch(
    { size: "320x240", fps: 15, profile: "high", bframes: 2 },
    (seen, streams, encoder) => {
      // Every picture is decoded for it: the camera's 15 fps, not the detector's 5.
      assert.equal(encoder!.forViewers, true);
      assert.ok(encoder!.fps > 8, `viewers' encode at ${encoder!.fps} fps`);
      assert.equal(seen.width, 160, "eyrie's encode at the configured size");
      assert.equal(streams.webrtc.mode, "encoded");
      assert.match(streams.webrtc.reason, /B-frames/);
      assert.equal(streams.main.mode, "passthrough");
      assert.equal(streams.main.source!.profile, "high");
      assert.equal(streams.main.source!.width, 320);
    },
  );
});
