/**
 * `[[camera.publish]] kind = "janus"` against Debian's Janus started by the
 * test: eyrie creates the camera's mountpoint (with the streaming plugin's
 * admin_key) and sends its RTP there, and a Chromium viewer on Janus
 * decodes the camera; Janus restarted mid-run gets its mountpoint back
 * within a few seconds and the viewer decodes again; eyrie killed and
 * started again replaces the mountpoint it left; a clean stop removes it.
 */
import assert from "node:assert/strict";
import { launchChromium } from "../../_chromium.ts";
import { freeTcpPort, janusInstalled, listMountpoints, startJanus } from "../../_janus.ts";
import { watchJanus } from "../../_janus_viewer.ts";
import { type Running, startEyrie, tempConfig } from "../../ui/cli/_eyrie.ts";
import type { PublishStats } from "../../../actors/publish/protocol.ts";
import { JanusApi } from "../../../actors/publish/janus_api.ts";
import { JanusMountpoint } from "../../../actors/publish/mountpoint.ts";

const MOUNTPOINT = 77;
const ADMIN_KEY = "janus-admin-key-1";

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function publishStats(eyrie: Running): Promise<PublishStats | undefined> {
  const cam = await (await fetch(`${eyrie.url}/api/cameras/h`)).json();
  return cam.stats?.["publish[0]"];
}

Deno.test({
  name:
    "Janus publishing: a Chromium viewer on Janus decodes the camera; Janus restarted gets its mountpoint back; eyrie restarted replaces it; a clean stop removes it",
  ignore: !janusInstalled(),
  async fn() {
    const httpPort = freeTcpPort();
    const janusDir = await Deno.makeTempDir({ prefix: "eyrie-janus-" });
    await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "h"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 15
encoder = "x264"
gop = 15
  [[camera.publish]]
  kind = "janus"
  url = "http://127.0.0.1:${httpPort}/janus"
  admin_key = "${ADMIN_KEY}"
  id = ${MOUNTPOINT}
`);
    let janus = await startJanus(janusDir, { httpPort, adminKey: ADMIN_KEY });
    let eyrie = await startEyrie(cfg.file);
    await using browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const watch = async () => {
        // Janus's own origin: Chromium lets no other page fetch from loopback.
        await page.goto(`${janus.base}/info`);
        return await page.evaluate(watchJanus, {
          base: janus.base,
          id: MOUNTPOINT,
          frames: 30,
          timeoutMs: 30_000,
        });
      };
      const up = await until("the mountpoint", async () => {
        const s = await publishStats(eyrie);
        return s?.state === "up" && (s.rtp?.packets ?? 0) > 0 ? s : undefined;
      });
      assert.equal(up.mountpoint, MOUNTPOINT);
      assert.ok(up.port !== null && up.port > 0);
      assert.deepEqual((await listMountpoints(janus.base)).map((m) => m.id), [MOUNTPOINT]);
      let got = await watch();
      assert.equal(got.error, null, await janus.log());
      assert.ok(got.decoded >= 30, `${got.decoded} frames decoded`);
      assert.equal(got.width, 320);

      // The console's services panel, /api/services and /metrics say the same.
      await page.goto(`${eyrie.url}/`);
      await page.waitForFunction(() =>
        /Janus: h.*#77.*up/.test(document.getElementById("services")?.textContent ?? "")
      );
      const services = await (await fetch(`${eyrie.url}/api/services`)).json();
      assert.equal(services.publish[0].camera, "h");
      assert.equal(services.publish[0].state, "up");
      const metrics = await (await fetch(`${eyrie.url}/metrics`)).text();
      assert.match(metrics, /^eyrie_publish_up\{camera="h",publish="0",kind="janus"\} 1$/m);
      assert.match(
        metrics,
        /^eyrie_publish_packets_sent_total\{camera="h",publish="0",kind="janus"\} [1-9]\d*$/m,
      );

      // Janus restarts: its mountpoints are gone; eyrie makes its own again.
      await janus.stop();
      const down = await until("the link offline", async () => {
        const s = await publishStats(eyrie);
        return s?.state === "offline" ? s : undefined;
      });
      assert.match(down.cause ?? "", /connection refused by 127\.0\.0\.1:\d+/);
      janus = await startJanus(janusDir, { httpPort, adminKey: ADMIN_KEY });
      const restarted = Date.now();
      const back = await until("the mountpoint again", async () => {
        const s = await publishStats(eyrie);
        return s?.state === "up" && s.creates === 2 ? s : undefined;
      }, 10_000);
      const tookMs = Date.now() - restarted;
      assert.ok(tookMs < 5000, `the mountpoint came back ${tookMs} ms after Janus`);
      assert.equal(back.outages, 1);
      got = await watch();
      assert.ok(got.decoded >= 30, `after Janus restarted: ${got.decoded} frames decoded`);

      // eyrie dies without removing its mountpoint; the next one replaces it.
      await eyrie.stop("SIGKILL");
      assert.deepEqual((await listMountpoints(janus.base)).map((m) => m.id), [MOUNTPOINT]);
      eyrie = await startEyrie(cfg.file);
      await until("the replaced mountpoint", async () => {
        const s = await publishStats(eyrie);
        return s?.state === "up" && (s.rtp?.packets ?? 0) > 0 ? s : undefined;
      });
      got = await watch();
      assert.ok(got.decoded >= 30, `after eyrie restarted: ${got.decoded} frames decoded`);

      // A clean stop takes it away.
      assert.equal(await eyrie.stop(), 0);
      assert.deepEqual(await listMountpoints(janus.base), []);
    } finally {
      await eyrie.stop();
      await janus.stop();
      await Deno.remove(janusDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "a wrong admin_key, a wrong api_secret and no Janus at all are each a cause the mountpoint's link shows",
  ignore: !janusInstalled(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-janus-" });
    const janus = await startJanus(dir, { adminKey: ADMIN_KEY, apiSecret: "api-secret-1" });
    try {
      const cause = async (base: string, options: { adminKey: string; apiSecret?: string }) => {
        const m = new JanusMountpoint({
          api: new JanusApi(base, { apiSecret: options.apiSecret }),
          id: 5,
          adminKey: options.adminKey,
          description: "test",
          fmtp: "packetization-mode=1",
          what: "test",
        });
        const step = await m.step();
        assert.equal(step.port, null);
        return m.link.state.state === "offline" ? m.link.state.cause : "";
      };
      assert.match(
        await cause(janus.base, { adminKey: ADMIN_KEY, apiSecret: "wrong" }),
        /^Janus refused the api_secret/,
      );
      assert.match(
        await cause(janus.base, { adminKey: "wrong", apiSecret: "api-secret-1" }),
        /^the streaming plugin refused: Unauthorized/,
      );
      assert.match(
        await cause(janus.base, { adminKey: "", apiSecret: "api-secret-1" }),
        /the streaming plugin refused: Missing mandatory element \(admin_key\)/,
      );
      assert.match(
        await cause(`http://127.0.0.1:${freeTcpPort()}/janus`, { adminKey: ADMIN_KEY }),
        /^connection refused by 127\.0\.0\.1:\d+ \(is Janus running\?\)$/,
      );
      const right = new JanusMountpoint({
        api: new JanusApi(janus.base, { apiSecret: "api-secret-1" }),
        id: 6,
        adminKey: ADMIN_KEY,
        description: "test",
        fmtp: "packetization-mode=1",
        what: "test",
      });
      assert.ok((await right.step()).port! > 0);
      assert.equal(await right.remove(), true);
    } finally {
      await janus.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
