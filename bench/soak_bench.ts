// Soak: one 720p30 camera with recording and motion, one Chromium viewer that stays and WHEP
// viewers joining and leaving every few seconds, for an hour; the eyrie process's RSS, open file
// descriptors and threads sampled throughout. Goals after warm-up: RSS growth under 5 MiB, fds
// and threads flat.
//
//   deno task bench soak [--minutes 60] [--warmup 10] [--churners 1]
//
// A real `eyrie run` process and a headless Chromium (playwright-core, the flags from DESIGN.md).
// Samples every 30 s: RSS (/proc/PID/status), fds (/proc/PID/fd), threads (/proc/PID/task), the
// viewer Worker's heap and the sessions' counts. Prints a markdown table and writes
// bench/results/soak.json.

import { chromium } from "playwright-core";
import { startEyrie, tempConfig } from "../tests/ui/cli/_eyrie.ts";
import { viewerReady, viewerStats } from "../tests/ui/http/_whep.ts";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../tests/_chromium.ts";
import { fdCount, rssMiB, threadCount } from "./_proc.ts";
import { type SoakCounts, startSoak } from "./_soak_page.ts";

const args = Deno.args;
function option(name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i < 0 ? NaN : Number(args[i + 1]);
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}
const MINUTES = option("minutes", 60);
const WARMUP_MINUTES = option("warmup", Math.min(10, MINUTES / 3));
const CHURNERS = option("churners", 1);
/** `--viewers 0`: no viewer at all (the camera, recording and motion alone), for comparison. */
const VIEWERS = option("viewers", 1);
const SAMPLE_MS = 30_000;
/** A churn viewer watches this long after its first frame, then leaves and waits GAP_MS. */
const HOLD_MS = 3_000;
const GAP_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  min: number;
  rssMiB: number;
  fds: number;
  threads: number;
  heapMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  started: number;
  ended: number;
  viewers: number;
  churn: SoakCounts;
}

const CONFIG = `
[console]
listen = "127.0.0.1:0"
[recording]
max_bytes = "300MB"
[[camera]]
id = "soak"
source = "test"
pattern = "ball"
width = 1280
height = 720
fps = 30
encoder = "x264"
`;

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

const samples: Sample[] = [];
const loadBefore = Deno.loadavg();
const profile = await Deno.makeTempDir({ prefix: "eyrie-soak-chromium-" });
await using cfg = await tempConfig(CONFIG);
// As the systemd unit runs it (ui/service/unit.ts): glibc's per-thread arenas capped.
const eyrie = await startEyrie(cfg.file, { env: { MALLOC_ARENA_MAX: "2" } });
const pid = eyrie.process.pid;
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_FLAGS,
});
let counts: SoakCounts | undefined;
try {
  await viewerReady(eyrie.url, "soak");
  const page = await browser.newPage();
  await page.goto(`${eyrie.url}/api/health`);
  if (VIEWERS > 0) {
    await page.evaluate(startSoak, {
      camera: "soak",
      churners: CHURNERS,
      holdMs: HOLD_MS,
      gapMs: GAP_MS,
    });
    // The viewer actor starts with the first offer and reports every second: the first sample
    // needs its stats.
    while ((await viewerStats(eyrie.url, "soak")).ended === undefined) await sleep(200);
  } else {
    await page.evaluate(() => {
      (window as unknown as { soak: unknown }).soak = {};
    });
  }
  const t0 = performance.now();
  const end = t0 + MINUTES * 60_000;
  for (let next = t0; next <= end; next += SAMPLE_MS) {
    await sleep(Math.max(0, next - performance.now()));
    const stats = await viewerStats(eyrie.url, "soak");
    // No viewer (`--viewers 0`): no viewer actor, no stats.
    const ended = Object.values((stats.ended ?? {}) as Record<string, number>)
      .reduce((a, b) => a + b, 0);
    const churn = await page.evaluate(() => ({
      ...(window as unknown as { soak: SoakCounts }).soak,
    }));
    const s: Sample = {
      min: Math.round((performance.now() - t0) / 6000) / 10,
      rssMiB: Math.round(rssMiB(pid) * 10) / 10,
      fds: fdCount(pid),
      threads: threadCount(pid),
      heapMiB: (stats.heapMiB ?? 0) as number,
      heapTotalMiB: (stats.heapTotalMiB ?? 0) as number,
      externalMiB: (stats.externalMiB ?? 0) as number,
      started: (stats.started ?? 0) as number,
      ended,
      viewers: (stats.viewers ?? 0) as number,
      churn,
    };
    samples.push(s);
    console.error(`soak: ${JSON.stringify(s)}`);
  }
  await page.evaluate(() => (window as unknown as { soakStop: boolean }).soakStop = true);
  counts = await page.evaluate(() => ({ ...(window as unknown as { soak: SoakCounts }).soak }));
  await page.close();
} finally {
  await browser.close();
  await eyrie.stop();
  await Deno.remove(profile, { recursive: true });
}
const loadAfter = Deno.loadavg();

// Report.
const after = samples.filter((s) => s.min >= WARMUP_MINUTES);
const at = after[0];
const last = samples[samples.length - 1];
const span = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;
const growth = Math.round((last.rssMiB - at.rssMiB) * 10) / 10;
const perHour = Math.round(
  slope(after.map((s) => s.min), after.map((s) => s.rssMiB)) * 60 * 10,
) / 10;
const sessions = last.started;
const lines = [
  `| figure | value | goal |`,
  `| ------ | ----: | ---: |`,
  `| RSS at start / after warm-up (${at.min} min) / at the end (${last.min} min) | ${
    samples[0].rssMiB
  } / ${at.rssMiB} / ${last.rssMiB} MiB | — |`,
  `| RSS growth after warm-up (end − warm-up) | ${growth} MiB | < 5 MiB |`,
  `| RSS trend after warm-up (least squares) | ${perHour} MiB/h | — |`,
  `| RSS range after warm-up | ${span(after.map((s) => s.rssMiB))} MiB | — |`,
  `| open fds after warm-up (min–max; at warm-up, at the end) | ${
    span(after.map((s) => s.fds))
  }; ${at.fds}, ${last.fds} | flat |`,
  `| threads after warm-up (min–max; at warm-up, at the end) | ${
    span(after.map((s) => s.threads))
  }; ${at.threads}, ${last.threads} | flat |`,
  `| viewer Worker heap used / reserved after warm-up | ${span(after.map((s) => s.heapMiB))} / ${
    span(after.map((s) => s.heapTotalMiB))
  } MiB | — |`,
  `| sessions (eyrie's count) / churn sessions decoded / not decoded in 10 s / POSTs refused | ${sessions} / ${counts?.decoded} / ${counts?.failed} / ${counts?.refused} | all decoded, none refused |`,
];
const every = Math.max(1, Math.round(samples.length / 12));
const table = [
  "| min | RSS MiB | fds | threads | heap used / reserved / external MiB | sessions started |",
  "| --: | ------: | --: | ------: | ---------------------------------: | ---------------: |",
  ...samples.filter((_, i) => i % every === 0 || i === samples.length - 1).map((s) =>
    `| ${s.min} | ${s.rssMiB} | ${s.fds} | ${s.threads} | ${s.heapMiB} / ${s.heapTotalMiB} / ${s.externalMiB} | ${s.started} |`
  ),
];
console.log(lines.join("\n"));
console.log("\n" + table.join("\n"));
console.log(
  `\n${MINUTES} min, warm-up ${WARMUP_MINUTES} min, ${CHURNERS} churning viewer(s) (hold ${HOLD_MS} ms after the first frame, then ${GAP_MS} ms away) and one staying; load average before ${
    loadBefore.join(" ")
  }, after ${loadAfter.join(" ")}`,
);
await Deno.mkdir(new URL("./results/", import.meta.url), { recursive: true });
await Deno.writeTextFile(
  new URL("./results/soak.json", import.meta.url),
  JSON.stringify({ minutes: MINUTES, warmup: WARMUP_MINUTES, samples, counts }, null, 2),
);
