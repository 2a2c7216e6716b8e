// LL-HLS beside WebRTC: glass to glass of the same camera in one run, one eyrie, one Chromium.
//
//   deno run -A bench/hls_bench.ts [--seconds 20]
//
// 1280x720 at 30 fps (x264, videotestsrc "ball", timecode on, a keyframe a second). The console's
// latency page plays the camera over WebRTC (the anchor), then over LL-HLS with hls.js
// (`?player=hls`), each for `--seconds` after 5 s to settle: capture clock to the browser's
// Date.now() at each presented frame. Goal: LL-HLS p50 ≤ 2000 ms. Also the CPU share of the eyrie
// process while each plays (hls.js segments on eyrie's main thread; WebRTC in the viewer Worker).
// Prints a markdown table and writes bench/results/hls.json.

import { startEyrie, tempConfig } from "../tests/ui/cli/_eyrie.ts";
import { viewerReady } from "../tests/ui/http/_whep.ts";
import { cpuShare, quantile } from "./_proc.ts";
import { type Browser, toml, withBrowser } from "./_webrtc_setup.ts";

const args = Deno.args;
const SECONDS = Math.max(5, Number(args[args.indexOf("--seconds") + 1]) || 20);
const SETTLE_MS = 5_000;
const GOAL_MS = 2_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
` + toml({
  id: "g2g",
  source: "test",
  pattern: "ball",
  width: 1280,
  height: 720,
  fps: 30,
  encoder: "x264",
  timecode: true,
});

interface Figures {
  frames: number;
  misses: number;
  p50: number;
  p95: number;
  cpu: number;
}

type Latency = { eyrieLatency: { count: number; misses: number; samples: number[] } };

async function measure(browser: Browser, url: string, pid: number): Promise<Figures> {
  const page = await browser.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(
      () => (window as unknown as Latency).eyrieLatency.count > 0,
      null,
      { timeout: 30_000 },
    );
    await sleep(SETTLE_MS);
    const c0 = await page.evaluate(() => (window as unknown as Latency).eyrieLatency.count);
    const cpu = await cpuShare(pid, SECONDS * 1000);
    const l = await page.evaluate(() => {
      const l = (window as unknown as Latency).eyrieLatency;
      return { count: l.count, misses: l.misses, samples: l.samples.slice() };
    });
    const recent = l.samples.slice(-(l.count - c0));
    return {
      frames: recent.length,
      misses: l.misses,
      p50: quantile(recent, 0.5),
      p95: quantile(recent, 0.95),
      cpu: Math.round(cpu * 1000) / 10,
    };
  } finally {
    await page.close();
  }
}

await using cfg = await tempConfig(CONFIG);
const eyrie = await startEyrie(cfg.file);
let webrtc: Figures;
let hls: Figures;
try {
  await viewerReady(eyrie.url, "g2g");
  [webrtc, hls] = await withBrowser(async (browser) => [
    await measure(browser, `${eyrie.url}/latency?camera=g2g`, eyrie.process.pid),
    await measure(browser, `${eyrie.url}/latency?camera=g2g&player=hls`, eyrie.process.pid),
  ]);
} finally {
  await eyrie.stop();
}

const ratio = (a: number, b: number) => (a / b).toFixed(2);
const table = [
  "| 1280x720 at 30 fps, glass to glass | WebRTC (anchor) | LL-HLS (hls.js) | LL-HLS / WebRTC | LL-HLS goal |",
  "| --- | --- | --- | --- | --- |",
  `| p50 | ${webrtc.p50} ms | ${hls.p50} ms | ${ratio(hls.p50, webrtc.p50)} | ${GOAL_MS} ms (${
    ratio(hls.p50, GOAL_MS)
  } of it) |`,
  `| p95 | ${webrtc.p95} ms | ${hls.p95} ms | ${ratio(hls.p95, webrtc.p95)} | |`,
  `| frames read (${SECONDS} s) | ${webrtc.frames} | ${hls.frames} | | |`,
  `| eyrie CPU while playing (% of a core) | ${webrtc.cpu} | ${hls.cpu} | ${
    ratio(hls.cpu, webrtc.cpu)
  } | |`,
];
console.log(table.join("\n"));
const out = new URL("results/", import.meta.url);
await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(
  new URL("hls.json", out),
  JSON.stringify({ seconds: SECONDS, loadAverage: Deno.loadavg(), webrtc, hls }, null, 2),
);
