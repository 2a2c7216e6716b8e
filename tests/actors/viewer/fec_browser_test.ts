/// <reference lib="dom" />
/**
 * FEC with Chromium as the viewer. The answer gives it RED and ULPFEC
 * (Chromium offers both by default). Behind a link that loses 5 % of the
 * RTP packets at random (a UDP proxy, _lossy_proxy.ts), eyrie turns FEC on
 * for that viewer from its receiver reports. Then the link also loses one
 * in ten frame-ending packets for good, resends included: only FEC can
 * give those back, and Chromium goes on decoding every frame. (Chromium 156's stats have no fecPacketsReceived for
 * video, so recovery is shown by what it decodes.) Once the link is clean,
 * eyrie turns FEC off again after its hysteresis.
 */
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../../_chromium.ts";
import { viewerReady } from "../../ui/http/_whep.ts";
import { getJson, startEyrie, tempConfig, until } from "../../faults/_faults.ts";
import { answerOf, connect, inbound, WHEP_PAGE } from "./_whep_page.ts";
import { LossyUdpProxy } from "./_lossy_proxy.ts";

interface Session {
  fecProtection: number;
  fecPacketsSent: number;
  framesSent: number;
  direct: boolean;
}

/** Camera yard's value of a metric in /metrics (NaN: not there). */
async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = new RegExp(`^${name}\\{camera="yard"\\} (\\S+)$`, "m").exec(text);
  return m === null ? NaN : Number(m[1]);
}

/** For until(): true once the metric is `want`. */
function metricIs(url: string, name: string, want: number) {
  return async () => (await metric(url, name)) === want ? true : undefined;
}

/** Frame-ending packets lost for good in the second phase. */
const LOST_FOR_GOOD = 15;

Deno.test("a Chromium viewer behind a 5 % lossy link gets RED + ULPFEC, rebuilds packets lost for good from it, and loses it once the link is clean", async () => {
  const mode = Deno.env.get("FEC_TEST_MODE") ?? "auto"; // "never": see it fail without FEC
  await using cfg = await tempConfig(
    `[console]\nlisten = "127.0.0.1:0"\n[recording]\nenabled = false\n` +
      `[detection]\nmotion = false\n[webrtc]\nfec = "${mode}"\n` +
      `[[camera]]\nid = "yard"\nsource = "test"\npattern = "snow"\nwidth = 640\nheight = 360\n` +
      `fps = 20\nbitrate_kbps = 1200\n`,
  );
  const eyrie = await startEyrie(cfg.file);
  const profile = await Deno.makeTempDir({ prefix: "fec-chromium-" });
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  const proxy = new LossyUdpProxy({ loss: 0.05 });
  try {
    await viewerReady(eyrie.url, "yard");
    const page = await browser.newPage();
    await page.route(
      `${eyrie.url}/whep-page`,
      (r) => r.fulfill({ contentType: "text/html", body: WHEP_PAGE }),
    );
    await page.goto(`${eyrie.url}/whep-page`);
    await page.exposeFunction("makeProxy", (port: number) => proxy.start(port));
    const session = async () => {
      const c = await getJson<{ stats: { viewer?: { sessions: Session[] } } }>(
        `${eyrie.url}/api/cameras/yard`,
      );
      return c.stats.viewer?.sessions[0];
    };
    await connect(page, "v", `${eyrie.url}/api/cameras/yard/whep`, true);

    if (mode !== "never") {
      // Negotiated: the answer's video section lists the RED and ULPFEC Chromium offered.
      const answer = await answerOf(page, "v");
      const red = /^a=rtpmap:(\d+) red\/90000\r?$/m.exec(answer)?.[1];
      const ulpfec = /^a=rtpmap:(\d+) ulpfec\/90000\r?$/m.exec(answer)?.[1];
      assert.ok(red !== undefined && ulpfec !== undefined, answer);
      assert.match(answer, new RegExp(`^m=video \\d+ \\S+ \\d+ ${red} ${ulpfec}\\r?$`, "m"));
      const on = await until("FEC on for the lossy viewer", async () => {
        const s = await session();
        return s !== undefined && s.fecProtection > 0 && s.fecPacketsSent > 50 ? s : undefined;
      }, 60_000);
      assert.ok(on.direct, "FEC is sent on the direct path");
      await until("the metrics say so", metricIs(eyrie.url, "eyrie_viewers_with_fec", 1));
      assert.ok((await metric(eyrie.url, "eyrie_viewer_fec_bytes_total")) > 0);
    }
    await until("frames decoded", async () => {
      const s = await inbound(page, "v");
      return s !== null && s.framesDecoded > 40 ? s : undefined;
    }, 30_000);

    // Now frame-ending packets lost for good too: without FEC each one stalls the picture until
    // a keyframe (H.264 frames are found by sequence numbers: a gap is never crossed).
    // Frames eyrie sent that Chromium has not decoded (yet): those in flight, and those lost.
    // The session's framesSent comes with the viewer's stats once a second, so it is read the
    // moment it changes (then it is fresh) and Chromium's count right after: a stale framesSent
    // once made "behind" read -16.
    const behind = async () => {
      const first = (await session())!.framesSent;
      for (const t0 = Date.now(); Date.now() - t0 < 5_000;) {
        const sent = (await session())!.framesSent;
        if (sent !== first) return sent - (await inbound(page, "v"))!.framesDecoded;
        await new Promise((r) => setTimeout(r, 30));
      }
      throw new Error("the viewer's stats did not change in 5 s");
    };
    // In flight before: the least of a few readings (a loaded machine decodes late now and then).
    let inFlight = Infinity;
    for (let i = 0; i < 5; i++) inFlight = Math.min(inFlight, await behind());
    proxy.markersLostForGood = 0.1;
    await until(
      `${LOST_FOR_GOOD} frame ends lost for good`,
      () => proxy.lostForGood.size >= LOST_FOR_GOOD ? true : undefined,
      60_000,
    );
    proxy.markersLostForGood = 0;
    // Every frame decoded once Chromium catches up: no more behind than before. A frame whose end
    // was lost for good and not rebuilt would never be decoded (without FEC: about half of them
    // and what depends on them, 90 of 165 frames in one run with FEC_TEST_MODE=never).
    let last = 0;
    await until(
      `Chromium decoded the frames whose ends were lost (behind: ${inFlight} before)`,
      // Within ten frames (half a second at 20 fps) of before: the fifteen frames lost for good
      // are never decoded unless FEC rebuilt them, so without it this never holds.
      async () => (last = await behind()) <= inFlight + 10 ? true : undefined,
      20_000,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}; ${last} frames behind after`);
    });

    proxy.loss = 0;
    await until("FEC off once the link is clean", async () => {
      const s = await session();
      return s !== undefined && s.fecProtection === 0 ? s : undefined;
    }, 60_000);
    await until("the metrics say so", metricIs(eyrie.url, "eyrie_viewers_with_fec", 0));
    await browser.close();
    assert.equal(await eyrie.stop("SIGTERM"), 0);
  } finally {
    proxy.close();
    await browser.close().catch(() => {});
    await Deno.remove(profile, { recursive: true });
    await eyrie.stop("SIGTERM").catch(() => {});
  }
});
