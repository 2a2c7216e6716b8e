/// <reference lib="dom" />
/**
 * The console in headless Chromium against a real `eyrie run`: live video
 * on `/`, five viewers at once, a run of sequential sessions (the DTLS race
 * shows there), and the latency page reading the stamps. One eyrie and one
 * browser serve every step.
 */
import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { viewerReady, viewerStats } from "../http/_whep.ts";
import { launchChromium } from "../../_chromium.ts";

/** Sequential sessions in CI; bench/webrtc_bench.ts runs 200. */
const SESSIONS = 40;
const ARTIFACTS = new URL("../../artifacts/", import.meta.url).pathname;

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[[camera]]
id = "front"
source = "test"
pattern = "ball"
width = 640
height = 480
fps = 30
encoder = "x264"
timecode = true
`;

interface Eyrie {
  eyrieConsole: { players: Record<string, { pc: RTCPeerConnection | null }> };
  eyrieWhep: {
    connect(v: HTMLVideoElement, id: string): Promise<{ pc: RTCPeerConnection; location: string }>;
    play(v: HTMLVideoElement, id: string): { pc: RTCPeerConnection | null; stop(): void };
  };
  eyrieLatency: { count: number; misses: number; p50: number | null; p95: number | null };
}

Deno.test("The console plays live video in Chromium: one, five at once, sequential sessions, and the latency probe", async () => {
  await using cfg = await tempConfig(CONFIG);
  const eyrie = await startEyrie(cfg.file);
  await using browser = await launchChromium();
  try {
    await viewerReady(eyrie.url, "front");
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    // 1. `/` shows the camera live: more than 60 frames decoded (a hang guard of 30 s: how fast
    // is the webrtc bench's to measure, not a test's on a loaded machine).
    await page.goto(`${eyrie.url}/`);
    const live = await page.evaluate(async () => {
      const w = window as unknown as Eyrie;
      const t0 = performance.now();
      while (performance.now() - t0 < 30_000) {
        const pc = w.eyrieConsole?.players.front?.pc;
        let frames = 0;
        if (pc) {
          (await pc.getStats()).forEach((s) => {
            if (s.type === "inbound-rtp" && s.kind === "video") frames = s.framesDecoded ?? 0;
          });
        }
        if (frames > 60) return { frames, ms: Math.round(performance.now() - t0) };
        await new Promise((r) => setTimeout(r, 100));
      }
      return { frames: -1, ms: 30_000 };
    });
    assert.ok(live.frames > 60, `framesDecoded ${live.frames} within 30 s`);
    // The stats and the actor tree have filled in by the next refresh.
    await page.waitForFunction(() =>
      document.querySelector("#camera-front .stats b")?.textContent !== "–" &&
      document.querySelector("#actors")?.textContent?.includes("viewer")
    );
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}console_live.png`, fullPage: true });
    const card = await page.textContent("#camera-front");
    assert.match(card!, /x264enc/);
    assert.match(await page.textContent("#actors") ?? "", /viewer running/);
    // The console's reload action re-reads the config file, as SIGHUP does.
    await page.click("#reload");
    await page.waitForFunction(() =>
      /^(not )?reloaded/.test(document.querySelector("#reload-result")?.textContent ?? "")
    );
    assert.equal(await page.textContent("#reload-result"), "reloaded: nothing changed");
    for (const href of ["/recordings", "/events", "/latency"]) {
      assert.equal(await page.locator(`nav a[href="${href}"]`).count(), 1, href);
    }
    // A phone's width: one column, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth
    );
    assert.equal(overflow, 0, "no horizontal scrolling on a phone");
    await page.screenshot({ path: `${ARTIFACTS}console_phone.png` });
    await page.setViewportSize({ width: 1280, height: 720 });

    // 2. Five more viewers at once: every one decodes.
    const five = await page.evaluate(async () => {
      const w = window as unknown as Eyrie;
      const players = Array.from({ length: 5 }, () => {
        const v = document.createElement("video");
        v.muted = true;
        document.body.appendChild(v);
        return w.eyrieWhep.play(v, "front");
      });
      const decoded = async (p: { pc: RTCPeerConnection | null }) => {
        let frames = 0;
        if (p.pc) {
          (await p.pc.getStats()).forEach((s) => {
            if (s.type === "inbound-rtp" && s.kind === "video") frames = s.framesDecoded ?? 0;
          });
        }
        return frames;
      };
      const t0 = performance.now();
      let frames: number[] = [];
      while (performance.now() - t0 < 30_000) {
        frames = await Promise.all(players.map(decoded));
        if (frames.every((f) => f >= 30)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      (window as unknown as { five: unknown }).five = players;
      return frames;
    });
    assert.ok(five.every((f) => f >= 30), `frames decoded by each: ${five}`);
    let stats = await viewerStats(eyrie.url, "front");
    for (let i = 0; i < 100 && stats.viewers !== 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await viewerStats(eyrie.url, "front");
    }
    assert.equal(stats.viewers, 6, "the console's viewer and five more, all connected at once");
    await page.evaluate(() => {
      for (const p of (window as unknown as { five: { stop(): void }[] }).five) p.stop();
    });

    // 3. Sequential sessions: each must decode its first frame; then it closes (DELETE).
    const runs = await page.evaluate(async (count) => {
      const w = window as unknown as Eyrie;
      const out: Array<{ ok: boolean; ms: number }> = [];
      const v = document.createElement("video");
      v.muted = true;
      for (let i = 0; i < count; i++) {
        let t0 = performance.now();
        let s;
        for (let attempt = 0;; attempt++) {
          try {
            s = await w.eyrieWhep.connect(v, "front");
            break;
          } catch (e) {
            // 503 + Retry-After: the viewer Worker is busy (a loaded machine); a client waits.
            const retryMs = (e as { retryMs?: number }).retryMs ?? 0;
            if (retryMs === 0 || attempt === 10) throw e;
            await new Promise((r) => setTimeout(r, retryMs));
            t0 = performance.now();
          }
        }
        let ok = false;
        while (performance.now() - t0 < 15_000) {
          let frames = 0;
          (await s.pc.getStats()).forEach((r) => {
            if (r.type === "inbound-rtp" && r.kind === "video") frames = r.framesDecoded ?? 0;
          });
          if (frames > 0) {
            ok = true;
            break;
          }
          await new Promise((r) => setTimeout(r, 10));
        }
        out.push({ ok, ms: Math.round(performance.now() - t0) });
        s.pc.close();
        await fetch(s.location, { method: "DELETE" });
      }
      return out;
    }, SESSIONS);
    const failed = runs.filter((r) => !r.ok).length;
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    console.log(
      `${SESSIONS} sequential sessions: ${SESSIONS - failed} decoded, ${failed} failed; ` +
        `POST to first decoded frame p50 ${ms[ms.length >> 1]} ms, max ${ms[ms.length - 1]} ms`,
    );
    assert.equal(failed, 0);

    // 4. The latency page reads the capture time stamped into each frame.
    const probe = await browser.newPage();
    probe.on("pageerror", (e) => errors.push(e.message));
    await probe.goto(`${eyrie.url}/latency?camera=front`);
    await probe.waitForFunction(() => (window as unknown as Eyrie).eyrieLatency.count >= 60, null, {
      timeout: 20_000,
    });
    const latency = await probe.evaluate(() => (window as unknown as Eyrie).eyrieLatency);
    assert.ok(latency.p50! > 0 && latency.p95! < 5000, JSON.stringify(latency));
    assert.ok(latency.misses <= 5, `frames without a readable stamp: ${latency.misses}`);
    await probe.screenshot({ path: `${ARTIFACTS}console_latency.png` });
    await probe.close();
    await page.close();
    assert.deepEqual(errors, []);

    // The server saw every session end as closed; none was torn down by the delivery guard.
    stats = await viewerStats(eyrie.url, "front");
    for (let i = 0; i < 30 && stats.viewers !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await viewerStats(eyrie.url, "front");
    }
    const ended = stats.ended as Record<string, number>;
    assert.equal(ended.no_delivery, 0);
    assert.equal(ended.stalled, 0);
    assert.ok(ended.closed >= SESSIONS + 5, JSON.stringify(ended));
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});
