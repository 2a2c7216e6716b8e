// The burst phase of bench/webrtc_bench.ts: viewers that arrive together, as a WHEP player that
// does not retry would, on a real eyrie per run; Janus fed the same camera's RTP beside it.

import { startEyrie, tempConfig } from "../tests/ui/cli/_eyrie.ts";
import { viewerReady, viewerStats } from "../tests/ui/http/_whep.ts";
import { janusInstalled, startJanus } from "./_janus.ts";
import { quantile } from "./_proc.ts";
import { forwardRtp } from "./_rtp_forward.ts";
import { burstSessions, type BurstTiming, janusBurst } from "./_webrtc_burst.ts";
import { sequentialSessions } from "./_webrtc_page.ts";
import { toml, withBrowser } from "./_webrtc_setup.ts";

/** Runs (each a fresh eyrie): 5 viewers at once, kept playing, then 20 one after another. */
export const BURST = { runs: 3, parallel: 5, sequential: 20 };
const SETTLE_MS = 3_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** 720p30 with recording and motion, as a user runs it. */
export const BURST_CAMERA = {
  id: "burst",
  source: "test",
  pattern: "ball",
  width: 1280,
  height: 720,
  fps: 30,
  encoder: "x264",
  max_viewers: 10,
};

export interface BurstRun {
  parallel: BurstTiming[];
  sequential: BurstTiming[];
  /** The camera's first viewer after start (werift loads), POST → first decoded frame, ms. */
  firstMs: number;
  ended: unknown;
  refused: unknown;
}

export interface BurstResults {
  burst: BurstRun[];
  /** Janus: each viewer's watch request → first decoded frame, ms (-1: none in time). */
  janusBurst?: number[];
}

const ratio = (a: number, b: number) => (a / b).toFixed(2);

/** Runs the phase (Janus too when `janus` and it is installed). */
export async function burstPhase(options: { janus: boolean }): Promise<BurstResults> {
  const runs: BurstRun[] = [];
  for (let run = 0; run < BURST.runs; run++) {
    await withBrowser(async (browser) => {
      await using cfg = await tempConfig(
        `[console]\nlisten = "127.0.0.1:0"\n[recording]\n` + toml(BURST_CAMERA),
      );
      const eyrie = await startEyrie(cfg.file);
      try {
        await viewerReady(eyrie.url, "burst");
        await sleep(SETTLE_MS);
        const page = await browser.newPage();
        await page.goto(`${eyrie.url}/api/health`);
        // The camera's first viewer loads werift (actors/viewer/webrtc.ts): timed on its own.
        const [firstMs] = await page.evaluate(sequentialSessions, {
          camera: "burst",
          count: 1,
          timeoutMs: 10_000,
        });
        await sleep(1000);
        const r = await page.evaluate(burstSessions, {
          camera: "burst",
          parallel: BURST.parallel,
          sequential: BURST.sequential,
          timeoutMs: 10_000,
        });
        await sleep(1500);
        const stats = await viewerStats(eyrie.url, "burst");
        runs.push({ ...r, firstMs, ended: stats.ended, refused: stats.refused });
        await page.close();
      } finally {
        await eyrie.stop();
      }
    });
  }
  const out: BurstResults = { burst: runs };
  // The anchor: Janus fed the same camera's RTP, the same bursts of viewers at once.
  if (options.janus && janusInstalled()) {
    await withBrowser(async (browser) => {
      const dir = await Deno.makeTempDir({ prefix: "eyrie-bench-janus-" });
      const janus = await startJanus(dir);
      const forwarder = await forwardRtp(BURST_CAMERA, { port: janus.rtpPort });
      try {
        await sleep(SETTLE_MS);
        const page = await browser.newPage();
        await page.goto(`${janus.base}/info`);
        const times: number[] = [];
        for (let run = 0; run < BURST.runs; run++) {
          times.push(
            ...await page.evaluate(janusBurst, {
              base: janus.base,
              n: BURST.parallel,
              timeoutMs: 10_000,
            }),
          );
          await sleep(1000);
        }
        out.janusBurst = times;
      } finally {
        await forwarder.stop();
        await janus.stop();
        await Deno.remove(dir, { recursive: true });
      }
    });
  }
  return out;
}

/** The phase's table rows and notes. */
export function burstReport(results: BurstResults): { lines: string[]; notes: string[] } {
  const runs = results.burst;
  const all = runs.flatMap((run) => [...run.parallel, ...run.sequential]);
  const par = runs.flatMap((run) => run.parallel);
  const refused = all.filter((t) => t.status !== 201).length;
  const failed = all.filter((t) => t.status === 201 && t.firstFrameMs < 0).length;
  const ok = (ts: BurstTiming[]) => ts.filter((t) => t.firstFrameMs >= 0);
  const q = (ts: BurstTiming[], key: "answerMs" | "connectedMs" | "firstFrameMs", p: number) =>
    Math.round(quantile(ok(ts).map((t) => t[key]), p));
  const n = BURST.parallel + BURST.sequential;
  const janusTimes = (results.janusBurst ?? []).filter((t) => t >= 0);
  const lines = [
    `| burst: a camera's first viewer after start (loads werift), first frame | ${
      runs.map((run) => Math.round(run.firstMs)).join(", ")
    } ms | — | — |`,
    `| burst: sessions refused (no retry), ${runs.length} runs of ${n} | ${refused} of ${all.length} | goal 0 | — |`,
    `| burst: sessions that decoded no frame in 10 s | ${failed} | goal 0 | — |`,
    `| burst: ${BURST.parallel} at once, first frame p50 / p95 | ${q(par, "firstFrameMs", 0.5)} / ${
      q(par, "firstFrameMs", 0.95)
    } ms | goal p95 500 ms | ${ratio(q(par, "firstFrameMs", 0.95), 500)} |`,
    `| burst: ${BURST.parallel} at once, first frame p50 / p95, Janus (watch → decoded) | — | ${
      janusTimes.length > 0
        ? `${Math.round(quantile(janusTimes, 0.5))} / ${Math.round(quantile(janusTimes, 0.95))} ms`
        : "skipped"
    } | ${
      janusTimes.length > 0
        ? ratio(q(par, "firstFrameMs", 0.95), quantile(janusTimes, 0.95)) + " (p95)"
        : "—"
    } |`,
    `| burst: all ${n}, first frame p50 / p95 | ${q(all, "firstFrameMs", 0.5)} / ${
      q(all, "firstFrameMs", 0.95)
    } ms | — | — |`,
  ];
  const server = (ts: BurstTiming[], key: string) =>
    ts.map((t) => t.server?.[key]).filter((v): v is number => typeof v === "number");
  const split = (ts: BurstTiming[]) =>
    `answer ${q(ts, "answerMs", 0.5)}/${q(ts, "answerMs", 0.95)}, connected ${
      q(ts, "connectedMs", 0.5)
    }/${q(ts, "connectedMs", 0.95)}, decoded ${q(ts, "firstFrameMs", 0.5)}/${
      q(ts, "firstFrameMs", 0.95)
    }; server: ICE ${Math.round(quantile(server(ts, "iceMs"), 0.5))}/${
      Math.round(quantile(server(ts, "iceMs"), 0.95))
    }, DTLS ${Math.round(quantile(server(ts, "connectedMs"), 0.5))}/${
      Math.round(quantile(server(ts, "connectedMs"), 0.95))
    }, first keyframe packet ${Math.round(quantile(server(ts, "firstFrameMs"), 0.5))}/${
      Math.round(quantile(server(ts, "firstFrameMs"), 0.95))
    }`;
  const notes = [
    `burst, ms from POST (p50/p95), ${BURST.parallel} at once: ${split(par)}`,
    `burst, all: ${split(all)}`,
    `burst refusals: ${
      all.filter((t) => t.status !== 201).map((t) => t.status).join(", ") || "none"
    }; ` +
    `eyrie's count of refusals per run: ${
      runs.map((run) => JSON.stringify(run.refused)).join(" ")
    }; ended: ${runs.map((run) => JSON.stringify(run.ended)).join(" ")}`,
  ];
  return { lines, notes };
}
