// The constrained run of the footprint bench, standing in for a Raspberry Pi:
// `eyrie run` inside a child cgroup with a 256 MiB memory ceiling and one
// core of CPU (what `systemd-run --scope -p MemoryMax=256M -p CPUQuota=100%`
// sets), one 720p30 test camera with recording, motion and one Chromium
// viewer (Chromium outside the cgroup; `--viewers 0`: none), for `minutes`.
// Passes with no OOM kill and at most 0.5 % of frames lost between capture
// and the AU ring.

import { makeCgroup } from "./_cgroup.ts";
import { EyrieRun, FPS } from "./_footprint_run.ts";
import { memoryTotals } from "./_smaps.ts";

const MEMORY_MAX = 256 * 2 ** 20;
const DROP_GOAL = 0.005;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (n: number, d = 1) => n.toFixed(d);

export async function piRun(
  o: { minutes: number; env: Record<string, string>; camera: string; viewers: 0 | 1 },
): Promise<void> {
  const cg = makeCgroup(`eyrie-pi-${Deno.pid}`, {
    memoryBytes: MEMORY_MAX,
    cpuQuotaUs: 100_000,
    cpuPeriodUs: 100_000,
  });
  if (typeof cg === "string") {
    console.log(`The constrained run cannot run here: ${cg}.`);
    return;
  }
  console.log(`cgroup ${cg.version}: ${cg.dirs.join(", ")} (256 MiB, one core)`);
  console.log(`load average before: ${Deno.loadavg().map((l) => f(l, 2)).join(" ")}`);
  let peakRss = 0;
  try {
    if (o.camera !== "") console.log(`camera settings: ${o.camera}`);
    // As the systemd unit runs it (ui/service/unit.ts), unless --env says otherwise.
    const env = { MALLOC_ARENA_MAX: "2", ...o.env };
    console.log(`environment: ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(" ")}`);
    const run = await EyrieRun.start({
      cameras: 1,
      viewers: o.viewers,
      env,
      enter: cg.enterScript,
      camera: o.camera,
    });
    let exit: Deno.CommandStatus | undefined;
    run.process.status.then((s) => (exit = s));
    try {
      const firstMs = await run.firstFrameMs();
      const consoleMs = run.logAt("eyrie is running") ?? NaN;
      if (o.viewers === 1) await run.addViewer();
      else console.log("no viewer (--viewers 0)");
      const start = await run.frames();
      const viewer0 = await run.viewerFrames();
      const t0 = performance.now();
      const end = t0 + o.minutes * 60_000;
      let lastPrint = t0;
      // The counts as of the last second eyrie was alive, for a run that ends early.
      let lastFrames = start;
      let lastAt = t0;
      while (performance.now() < end && exit === undefined) {
        await sleep(1000);
        if (exit !== undefined) break;
        try {
          lastFrames = await run.frames();
          lastAt = performance.now();
        } catch { /* it is going */ }
        // The process may be gone between the check and the read (an OOM kill).
        let rss = NaN, anon = NaN;
        try {
          ({ rss, anon } = memoryTotals(run.pid));
        } catch { /* it is going */ }
        if (!Number.isNaN(rss)) peakRss = Math.max(peakRss, rss);
        if (performance.now() - lastPrint >= 60_000) {
          lastPrint = performance.now();
          const r = cg.report();
          console.log(
            `  ${f((lastPrint - t0) / 60_000, 0)} min: RSS ${f(rss)} MB (anonymous ${f(anon)}), ` +
              `cgroup peak ${f((r.peakBytes ?? 0) / 1e6)} MB, OOM kills ${r.oomKills}, ` +
              `throttled ${r.throttledPeriods}/${r.periods} periods`,
          );
        }
      }
      const secs = ((exit === undefined ? performance.now() : lastAt) - t0) / 1000;
      const r = cg.report();
      if (exit !== undefined) {
        console.log(
          `eyrie ended during the run (${JSON.stringify(exit)}):\n${run.logs.slice(-3000)}`,
        );
      }
      const now = exit === undefined ? await run.frames() : lastFrames;
      const viewer1 = exit === undefined ? await run.viewerFrames() : viewer0;
      const expected = FPS * secs;
      const encoded = now.encoded - start.encoded;
      const captured = now.captured - start.captured;
      const drop = Math.max(0, 1 - encoded / expected);
      const decoded = (viewer1?.decoded ?? 0) - (viewer0?.decoded ?? 0);
      console.log("\n| measure | value | goal |");
      console.log("| --- | ---: | --- |");
      console.log(`| duration | ${f(secs / 60)} min | ${o.minutes} min |`);
      console.log(`| start → first encoded frame | ${f(firstMs, 0)} ms | ≤ 1000 ms |`);
      console.log(`| start → console listening | ${f(consoleMs, 0)} ms | – |`);
      console.log(`| OOM kills (cgroup) | ${r.oomKills} | 0 |`);
      console.log(`| times at the memory ceiling | ${r.memoryLimitHits} | – |`);
      console.log(
        `| cgroup memory peak (page cache included) | ${f((r.peakBytes ?? NaN) / 1e6)} MB | ` +
          `≤ ${f(MEMORY_MAX / 1e6)} MB |`,
      );
      console.log(`| eyrie RSS peak (sampled each second) | ${f(peakRss)} MB | – |`);
      console.log(
        `| CPU periods throttled | ${r.throttledPeriods} of ${r.periods} | – |`,
      );
      console.log(
        `| frames captured / encoded / expected | ${captured} / ${encoded} / ${
          f(expected, 0)
        } | – |`,
      );
      console.log(`| frames lost before the AU ring | ${f(drop * 100, 2)} % | ≤ 0.5 % |`);
      console.log(
        `| viewer: decoded, dropped by Chromium | ${decoded}, ${
          (viewer1?.dropped ?? 0) - (viewer0?.dropped ?? 0)
        } | – |`,
      );
      const ok = exit === undefined && r.oomKills === 0 && drop <= DROP_GOAL;
      console.log(`\nConstrained run: ${ok ? "passed" : "FAILED"}.`);
    } finally {
      await run[Symbol.asyncDispose]();
    }
  } finally {
    await cg.remove();
    console.log(
      `cgroup removed. load average after: ${Deno.loadavg().map((l) => f(l, 2)).join(" ")}`,
    );
  }
}
