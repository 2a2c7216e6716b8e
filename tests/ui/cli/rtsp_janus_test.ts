/**
 * Janus's streaming plugin pulling a camera from eyrie's RTSP server (an
 * `rtsp` mountpoint, libcurl's RTSP client, signing in with Digest), and a
 * Chromium viewer on Janus decoding it: eyrie as the camera of a media
 * server that serves the browsers.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../../_chromium.ts";
import { janusInstalled, startJanus } from "../../_janus.ts";
import { watchJanus } from "../../_janus_viewer.ts";
import { DEFAULT_GRANT } from "../../../ui/auth/grant.ts";
import { userSubject } from "../../../ui/auth/grants.ts";
import { AuthStore } from "../../../ui/auth/service.ts";
import { startEyrie, tempConfig } from "./_eyrie.ts";

Deno.test({
  name:
    "Janus pulls a camera from eyrie's RTSP server with Digest, and a Chromium viewer on Janus decodes it",
  ignore: !janusInstalled(),
  async fn() {
    const rtspPort = 18561;
    await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[rtsp]
listen = "127.0.0.1:${rtspPort}"
[[camera]]
id = "h"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 15
encoder = "x264"
gop = 15
`);
    const store = AuthStore.open(`${cfg.dir}/data`);
    try {
      await store.users.add("janus", "viewer", null);
      store.grants.set(userSubject("janus"), "janus", { ...DEFAULT_GRANT, cameras: ["h"] }, "test");
      store.users.setRtspPassword("janus", "rtsp-password-1");
    } finally {
      store.close();
    }
    const eyrie = await startEyrie(cfg.file);
    const janusDir = await Deno.makeTempDir({ prefix: "eyrie-janus-" });
    try {
      const janus = await startJanus(janusDir, {
        mountpoints: `
eyrie-h: {
  type = "rtsp"
  id = 7
  description = "eyrie h over RTSP"
  url = "rtsp://127.0.0.1:${rtspPort}/h"
  rtsp_user = "janus"
  rtsp_pwd = "rtsp-password-1"
  rtsp_failcheck = false
  video = true
}`,
      });
      try {
        // Janus offers a viewer only the media its mountpoint has seen: wait for the stream.
        // (Its first connection at start-up does not reach eyrie; it tries again after 5 s.)
        const deadline = Date.now() + 30_000;
        while (!(await janus.log()).includes("[eyrie-h] New video stream!")) {
          if (Date.now() > deadline) throw new Error(`Janus got no video:\n${await janus.log()}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        await using browser = await launchChromium();
        const page = await browser.newPage();
        // Janus's own origin: Chromium lets no other page fetch from loopback.
        await page.goto(`${janus.base}/info`);
        const got = await page.evaluate(watchJanus, {
          base: janus.base,
          id: 7,
          frames: 30,
          timeoutMs: 30_000,
        });
        assert.equal(got.error, null, await janus.log());
        assert.ok(got.decoded >= 30, `${got.decoded} frames decoded\n${await janus.log()}`);
        assert.equal(got.width, 320);
        assert.match(eyrie.logs(), /"rtsp session opened".*"user":"janus"/);
      } finally {
        await janus.stop();
      }
    } finally {
      assert.equal(await eyrie.stop(), 0);
      await Deno.remove(janusDir, { recursive: true });
    }
  },
});
