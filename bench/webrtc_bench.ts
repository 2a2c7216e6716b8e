// WebRTC live view benchmark: a real `eyrie run` and headless Chromium, with its goals and Janus
// beside it, in one run.
//
//   deno run -A bench/webrtc_bench.ts [--sessions 500] [--no-janus] [--only sessions,burst,cpu]
//
// 1. 1280x720 at 30 fps (x264, videotestsrc "ball", timecode on): `--sessions` WHEP sessions one
//    after another, each timed from its POST to its first decoded frame (Chromium's getStats,
//    polled every 5 ms), then closed with DELETE; eyrie's RSS and the viewer Worker's JS heap
//    after every 100; then the console's latency page for 20 s: glass to glass, capture clock to
//    the browser's Date.now() at each presented frame.
// 1b. Burst: 1280x720 at 30 fps with recording and motion; three runs, each with a fresh eyrie:
//    one viewer (the camera's first: werift loads), then 5 arriving at once and kept playing, then
//    20 one after another, as a WHEP player that does not retry would. Refusals counted, first
//    frame timed (and where the time went).
// 2. 320x240 at 30 fps, "snow" pinned at 2 Mb/s (the packet rate of a 2 Mb/s 720p stream; the
//    small picture keeps 20 Chromium decoders affordable on 2 cores): CPU of the eyrie process
//    (all threads, from /proc) over 10 s with 0, 1, 5 and 20 viewers.
// 3. The same camera config (camera, encoder and packetizer actors in this process) sent as RTP
//    to Janus's streaming plugin, and Janus's CPU with 0, 1, 5 and 20 viewers.
//
// Each phase has its own eyrie and its own Chromium. Prints a markdown table and writes
// bench/results/webrtc.json.

import { startEyrie, tempConfig } from "../tests/ui/cli/_eyrie.ts";
import { viewerReady, viewerStats } from "../tests/ui/http/_whep.ts";
import { janusInstalled, startJanus } from "./_janus.ts";
import { cpuSeconds, cpuShare, quantile, rssMiB, threadCpuSeconds } from "./_proc.ts";
import { forwardRtp } from "./_rtp_forward.ts";
import { burstPhase, burstReport, type BurstResults } from "./_webrtc_burst_phase.ts";
import { toml, withBrowser } from "./_webrtc_setup.ts";
import {
  addJanusViewers,
  addWhepViewers,
  packetsReceived,
  sequentialSessions,
  waitDecoding,
} from "./_webrtc_page.ts";

const args = Deno.args;
const SESSIONS = Math.max(200, Number(args[args.indexOf("--sessions") + 1]) || 500);
const JANUS = !args.includes("--no-janus");
const PHASES = args.includes("--only")
  ? args[args.indexOf("--only") + 1].split(",")
  : ["sessions", "burst", "cpu"];
const VIEWER_STEPS = [1, 5, 20];
const CPU_WINDOW_MS = 10_000;
const SETTLE_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CONSOLE = `
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
`;
const G2G_CAMERA = {
  id: "g2g",
  source: "test",
  pattern: "ball",
  width: 1280,
  height: 720,
  fps: 30,
  encoder: "x264",
  timecode: true,
  max_viewers: 30,
};
const CPU_CAMERA = {
  id: "cpu",
  source: "test",
  pattern: "snow",
  width: 320,
  height: 240,
  fps: 30,
  encoder: "x264",
  bitrate_kbps: 2000,
  min_bitrate_kbps: 2000,
  max_bitrate_kbps: 2000,
  max_viewers: 30,
};

interface CpuSteps {
  base: number;
  steps: Array<{
    viewers: number;
    decoding: number;
    cpu: number;
    perViewer: number;
    /** Per viewer, by thread name (worker-N: a Worker; tokio-runtime-w: Deno's I/O threads). */
    threads: Record<string, number>;
    /** Packets the viewers received per second, all of them, over the window. */
    packetsPerS: number;
    /**
     * CPU µs above the base per packet the viewers received: what a packet costs, whether or not
     * the sender kept up (a sender that falls behind skips packets and spends less per viewer).
     */
    usPerPacket: number;
  }>;
}

/** Share of one core per thread name over a window of `ms`, with the process's own. */
async function sharesByThread(pid: number, ms: number) {
  const a = threadCpuSeconds(pid);
  const t0 = performance.now();
  const cpu = await cpuShare(pid, ms);
  const b = threadCpuSeconds(pid);
  const secs = (performance.now() - t0) / 1000;
  const threads = new Map([...b].map(([k, v]) => [k, (v - (a.get(k) ?? 0)) / secs]));
  return { cpu, threads };
}

/** CPU share of `pid` with 0, then 1, 5, 20 viewers added by `add(n)`; `frames()` counts theirs. */
async function cpuPerViewer(
  pid: number,
  add: (n: number) => Promise<void>,
  frames: () => Promise<number[]>,
  packets: () => Promise<number>,
): Promise<CpuSteps> {
  await sleep(SETTLE_MS);
  const { cpu: base, threads: baseThreads } = await sharesByThread(pid, CPU_WINDOW_MS);
  const steps = [];
  let have = 0;
  for (const n of VIEWER_STEPS) {
    await add(n - have);
    have = n;
    await frames();
    await sleep(SETTLE_MS);
    const before = await frames();
    const p0 = await packets();
    const t0 = performance.now();
    const { cpu, threads: now } = await sharesByThread(pid, CPU_WINDOW_MS);
    const packetsPerS = (await packets() - p0) / ((performance.now() - t0) / 1000);
    const after = await frames();
    // Viewers whose frame count moved during the window.
    const decoding = after.filter((f, i) => f > (before[i] ?? 0)).length;
    const threads: Record<string, number> = {};
    for (const [name, share] of now) threads[name] = (share - (baseThreads.get(name) ?? 0)) / n;
    steps.push({
      viewers: n,
      decoding,
      cpu,
      perViewer: (cpu - base) / n,
      threads,
      packetsPerS,
      usPerPacket: ((cpu - base) / packetsPerS) * 1e6,
    });
  }
  return { base, steps };
}

const results: Record<string, unknown> = { sessions: SESSIONS, loadAverage: Deno.loadavg() };

// 1. Sessions, memory, glass to glass.
if (PHASES.includes("sessions")) {
  await withBrowser(async (browser) => {
    await using cfg = await tempConfig(CONSOLE + toml(G2G_CAMERA));
    const eyrie = await startEyrie(cfg.file);
    const pid = eyrie.process.pid;
    try {
      await viewerReady(eyrie.url, "g2g");
      const page = await browser.newPage();
      await page.goto(`${eyrie.url}/api/health`);
      const run = (count: number) =>
        page.evaluate(sequentialSessions, { camera: "g2g", count, timeoutMs: 5000 });
      await run(10); // warm-up: JIT, certificate, first keyframes
      await sleep(2000);
      const idle = await cpuShare(pid, 5000);
      const memory = [{
        sessions: 0,
        rss: rssMiB(pid),
        heap: (await viewerStats(eyrie.url, "g2g")).heapMiB,
      }];
      const times: number[] = [];
      let busy = 0;
      let wall = 0;
      for (let done = 0; done < SESSIONS; done += 100) {
        const c0 = cpuSeconds(pid);
        const t0 = performance.now();
        times.push(...await run(Math.min(100, SESSIONS - done)));
        busy += cpuSeconds(pid) - c0;
        wall += (performance.now() - t0) / 1000;
        await sleep(2000);
        memory.push({
          sessions: times.length,
          rss: rssMiB(pid),
          heap: (await viewerStats(eyrie.url, "g2g")).heapMiB,
        });
      }
      // eyrie's CPU for a session (answer, ICE, DTLS, first frames, close) above the camera's own.
      results.cpuMsPerSession = Math.round(((busy - idle * wall) / SESSIONS) * 1000);
      const ok = times.filter((t) => t >= 0);
      await page.close();
      await sleep(1500);
      const stats = await viewerStats(eyrie.url, "g2g");
      results.sessionsDecoded = ok.length;
      results.sessionsFailed = times.length - ok.length;
      results.firstFrameP50 = Math.round(quantile(ok, 0.5));
      results.firstFrameP95 = Math.round(quantile(ok, 0.95));
      results.memory = memory.map((m) => ({ ...m, rss: Math.round(m.rss * 10) / 10 }));
      const half = memory[Math.floor(memory.length / 2)];
      const last = memory[memory.length - 1];
      results.rssPer100All = Math.round(((last.rss - memory[0].rss) / (SESSIONS / 100)) * 10) / 10;
      results.rssPer100Late =
        Math.round(((last.rss - half.rss) / ((last.sessions - half.sessions) / 100)) * 10) / 10;
      results.ended = stats.ended;
      results.dtlsRetransmitsDropped = stats.dtlsRetransmitsDropped;

      const probe = await browser.newPage();
      await probe.goto(`${eyrie.url}/latency?camera=g2g`);
      type Latency = { eyrieLatency: { count: number; misses: number; samples: number[] } };
      await probe.waitForFunction(
        () => (window as unknown as Latency).eyrieLatency.count > 0,
        null,
        { timeout: 20_000 },
      );
      await sleep(5000); // the jitter buffer settles
      const c0 = await probe.evaluate(() => (window as unknown as Latency).eyrieLatency.count);
      await sleep(20_000);
      const g2g = await probe.evaluate(() => {
        const l = (window as unknown as Latency).eyrieLatency;
        return { count: l.count, misses: l.misses, samples: l.samples.slice() };
      });
      const recent = g2g.samples.slice(-(g2g.count - c0));
      results.g2gFrames = recent.length;
      results.g2gMisses = g2g.misses;
      results.g2gP50 = quantile(recent, 0.5);
      results.g2gP95 = quantile(recent, 0.95);
      await probe.close();
    } finally {
      await eyrie.stop();
    }
  });
}

// 1b. Burst: parallel viewers, no retries; Janus beside it.
if (PHASES.includes("burst")) Object.assign(results, await burstPhase({ janus: JANUS }));

// 2. eyrie's CPU per viewer.
if (PHASES.includes("cpu")) {
  await withBrowser(async (browser) => {
    await using cfg = await tempConfig(CONSOLE + toml(CPU_CAMERA));
    const eyrie = await startEyrie(cfg.file);
    try {
      await viewerReady(eyrie.url, "cpu");
      const page = await browser.newPage();
      await page.goto(`${eyrie.url}/api/health`);
      results.eyrieCpu = await cpuPerViewer(
        eyrie.process.pid,
        async (n) => void await page.evaluate(addWhepViewers, { camera: "cpu", n }),
        () => page.evaluate(waitDecoding, { frames: 10, timeoutMs: 10_000 }),
        () => page.evaluate(packetsReceived),
      );
      const stats = await viewerStats(eyrie.url, "cpu");
      results.eyrieDropped = stats.dropped;
      results.eyrieLagAt20 = stats.lagMs;
    } finally {
      await eyrie.stop();
    }
  });
}

// 3. Janus's CPU per viewer, fed the same camera's RTP.
if (!PHASES.includes("cpu")) {
  results.janus = "skipped: --only";
} else if (!JANUS) {
  results.janus = "skipped: --no-janus";
} else if (!janusInstalled()) {
  results.janus = "skipped: Janus is not installed (Debian package janus)";
} else {
  await withBrowser(async (browser) => {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-bench-janus-" });
    const janus = await startJanus(dir);
    const forwarder = await forwardRtp(CPU_CAMERA, { port: janus.rtpPort });
    try {
      const page = await browser.newPage();
      // Janus's own origin: Chromium lets no other page fetch from loopback.
      await page.goto(`${janus.base}/info`);
      results.janusCpu = await cpuPerViewer(
        janus.pid,
        async (n) => void await page.evaluate(addJanusViewers, { base: janus.base, n }),
        () => page.evaluate(waitDecoding, { frames: 10, timeoutMs: 10_000 }),
        () => page.evaluate(packetsReceived),
      );
    } finally {
      await forwarder.stop();
      await janus.stop();
      await Deno.remove(dir, { recursive: true });
    }
  });
}
results.loadAverageAfter = Deno.loadavg();

// Report.
const r = results as Record<string, number>;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const lines = [
  "| figure | eyrie | anchor | ratio |",
  "| ------ | ----: | -----: | ----: |",
];
const notes: string[] = [];
if (PHASES.includes("sessions")) {
  const memory = results.memory as Array<{ sessions: number; rss: number; heap: number }>;
  lines.push(
    `| sessions that decoded a frame | ${r.sessionsDecoded} of ${SESSIONS} | all | — |`,
    `| POST → first decoded frame p50 | ${r.firstFrameP50} ms | goal 300 ms | ${
      ratio(r.firstFrameP50, 300)
    } |`,
    `| POST → first decoded frame p95 | ${r.firstFrameP95} ms | — | — |`,
    `| eyrie CPU per session (answer, ICE, DTLS, first frames, close) | ${r.cpuMsPerSession} ms | — | — |`,
    `| glass to glass p50, 720p30 (${r.g2gFrames} frames) | ${r.g2gP50} ms | goal 50 ms | ${
      ratio(r.g2gP50, 50)
    } |`,
    `| glass to glass p95 | ${r.g2gP95} ms | goal 80 ms | ${ratio(r.g2gP95, 80)} |`,
    `| RSS growth per 100 sessions, all / second half | ${r.rssPer100All} / ${r.rssPer100Late} MiB | goal 0 | — |`,
  );
  notes.push(
    `memory (sessions: RSS MiB / viewer Worker heap MiB): ${
      memory.map((m) => `${m.sessions}: ${m.rss} / ${m.heap}`).join(", ")
    }`,
    `sessions ended: ${
      JSON.stringify(results.ended)
    }; DTLS flight-4 retransmissions dropped: ${results.dtlsRetransmitsDropped}; ` +
      `latency frames without a stamp: ${results.g2gMisses}`,
  );
}
if (PHASES.includes("burst")) {
  const report = burstReport(results as unknown as BurstResults);
  lines.push(...report.lines);
  notes.push(...report.notes);
}
if (PHASES.includes("cpu")) {
  const eyrieCpu = results.eyrieCpu as CpuSteps;
  const janusCpu = results.janusCpu as CpuSteps | undefined;
  lines.push(
    `| CPU with 0 viewers | ${pct(eyrieCpu.base)} (camera, encoder, packetizer, viewer) | Janus ${
      janusCpu ? pct(janusCpu.base) : "—"
    } (fed by another process) | — |`,
  );
  eyrieCpu.steps.forEach((s, i) => {
    const j = janusCpu?.steps[i];
    lines.push(
      `| CPU per additional viewer at ${s.viewers} (2 Mb/s; decoding ${s.decoding}${
        j ? ` / Janus ${j.decoding}` : ""
      }) | ${pct(s.perViewer)} | Janus ${j ? pct(j.perViewer) : "—"} | ${
        j ? ratio(s.perViewer, j.perViewer) : "—"
      } |`,
    );
  });
  eyrieCpu.steps.forEach((s, i) => {
    const j = janusCpu?.steps[i];
    lines.push(
      `| CPU per packet received, ${s.viewers} viewers (${Math.round(s.packetsPerS)}${
        j ? ` / Janus ${Math.round(j.packetsPerS)}` : ""
      } packets/s) | ${s.usPerPacket.toFixed(1)} µs | Janus ${
        j ? `${j.usPerPacket.toFixed(1)} µs` : "—"
      } | ${j ? ratio(s.usPerPacket, j.usPerPacket) : "—"} |`,
    );
  });
  const top = (t: Record<string, number>) =>
    Object.entries(t).filter(([, v]) => Math.abs(v) >= 0.0005).sort((a, b) => b[1] - a[1])
      .slice(0, 5).map(([k, v]) => `${k} ${pct(v)}`).join(", ");
  eyrieCpu.steps.forEach((s, i) => {
    const j = janusCpu?.steps[i];
    notes.push(
      `per viewer at ${s.viewers}, by thread: eyrie ${top(s.threads)}` +
        (j ? `; Janus ${top(j.threads)}` : ""),
    );
  });
  notes.push(
    `packets dropped for slow viewers: ${results.eyrieDropped}; ` +
      `viewer Worker lag at 20 viewers: ${results.eyrieLagAt20} ms` +
      (typeof results.janus === "string" ? `; Janus ${results.janus}` : ""),
  );
}
notes.push(
  `load average before ${(results.loadAverage as number[]).join(" ")}, after ${
    (results.loadAverageAfter as number[]).join(" ")
  }`,
);
console.log(lines.join("\n"));
console.log("\n" + notes.join("\n"));
await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
await Deno.writeTextFile(
  new URL("./results/webrtc.json", import.meta.url),
  JSON.stringify(results, null, 2),
);
