// One `eyrie run` for the footprint bench: N test cameras (720p30, x264,
// recording, motion), optionally one Chromium viewer, optionally inside a
// cgroup; times to first frame from its log, memory and CPU from /proc,
// frames from /metrics.

import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../tests/_chromium.ts";
import { addWhepViewers, waitDecoding } from "./_webrtc_page.ts";
import { cpuSeconds } from "./_proc.ts";
import { type MemoryTotals, memoryTotals, workerThreads } from "./_smaps.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const FLAGS = [
  "--allow-ffi",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];
export const FPS = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RunOptions {
  cameras: number;
  viewers: 0 | 1;
  /** Extra environment (MALLOC_ARENA_MAX, EYRIE_PLACEMENT). */
  env?: Record<string, string>;
  /** `sh -c` prefix run before exec (moving the shell into a cgroup). */
  enter?: string;
  /** More TOML lines for every camera, e.g. `max_bitrate_kbps = 2000`. */
  camera?: string;
  /** Continuous recording (default) or none (`mode = "off"`), to take the recorder out. */
  recording?: boolean;
  /** Motion detection (default) or none. */
  motion?: boolean;
}

/**
 * Frame counters summed over cameras, from /metrics: the rings' write counts, which are read at
 * the scrape (the actors' own stats arrive once a second, too coarse for a 10 s window).
 */
export interface Frames {
  /** Raw frames the camera actors committed. */
  captured: number;
  /** Access units the encoders committed. */
  encoded: number;
}

/** A running eyrie with its console, logs and (optionally) a Chromium viewer. */
export class EyrieRun implements AsyncDisposable {
  readonly options: RunOptions;
  readonly dir: string;
  readonly process: Deno.ChildProcess;
  readonly spawnedAt: number;
  url = "";
  #logs = "";
  #pump: Promise<void>;
  #browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  #profile = "";
  #page: Awaited<ReturnType<NonNullable<EyrieRun["browser"]>["newPage"]>> | undefined;

  private constructor(options: RunOptions, dir: string, process: Deno.ChildProcess, at: number) {
    this.options = options;
    this.dir = dir;
    this.process = process;
    this.spawnedAt = at;
    this.#pump = (async () => {
      for await (const c of process.stderr.pipeThrough(new TextDecoderStream())) this.#logs += c;
    })();
  }

  get browser() {
    return this.#browser;
  }

  get pid(): number {
    return this.process.pid;
  }

  get logs(): string {
    return this.#logs;
  }

  static async start(options: RunOptions): Promise<EyrieRun> {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-footprint-" });
    const cams = Array.from(
      { length: options.cameras },
      (_, i) =>
        `[[camera]]\nid = "cam${i + 1}"\nsource = "test"\npattern = "smpte"\nwidth = 1280\n` +
        `height = 720\nfps = ${FPS}\ncodec = "h264"\nbitrate_kbps = 2000\n${
          options.camera ?? ""
        }\n`,
    ).join("");
    await Deno.writeTextFile(
      `${dir}/eyrie.toml`,
      `data_dir = "${dir}/data"\n[console]\nlisten = "127.0.0.1:0"\n${cams}` +
        `[recording]\ndir = "${dir}/data/recordings"\n` +
        (options.recording === false ? `mode = "off"\n` : "") +
        `[detection]\nmotion = ${options.motion !== false}\n`,
    );
    const deno = [Deno.execPath(), "run", ...FLAGS, MAIN, "run", "--config", `${dir}/eyrie.toml`];
    const [cmd, ...args] = options.enter === undefined
      ? deno
      : ["sh", "-c", `${options.enter} && exec "$0" "$@"`, ...deno];
    const at = Date.now();
    const process = new Deno.Command(cmd, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      env: { NO_COLOR: "1", ...options.env },
    }).spawn();
    const run = new EyrieRun(options, dir, process, at);
    while (run.url === "") {
      run.url = /"console":"(http[^"]+)"/.exec(run.#logs)?.[1] ?? "";
      if (Date.now() - at > 90_000) {
        await run[Symbol.asyncDispose]();
        throw new Error(`eyrie did not start:\n${run.#logs}`);
      }
      await sleep(5);
    }
    return run;
  }

  /** ms from spawn to a log line with `msg` for `actor` (wall clock of the log's ts), or null. */
  logAt(msg: string, actor?: string): number | null {
    for (const line of this.#logs.split("\n")) {
      if (!line.includes(msg)) continue;
      try {
        const r = JSON.parse(line);
        if (r.msg === msg && (actor === undefined || r.actor === actor)) {
          return Date.parse(r.ts) - this.spawnedAt;
        }
      } catch { /* not a JSON line */ }
    }
    return null;
  }

  /** Spawn → first access unit of every camera (the slowest), waiting up to 60 s. */
  async firstFrameMs(): Promise<number> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const times = Array.from(
        { length: this.options.cameras },
        (_, i) => this.logAt("first access unit", `cam${i + 1}/encoder`),
      );
      if (times.every((t) => t !== null)) return Math.max(...(times as number[]));
      if (Date.now() > deadline) throw new Error(`no first access unit:\n${this.#logs}`);
      await sleep(20);
    }
  }

  /** Opens one Chromium WHEP viewer of cam1 and waits until it decodes. */
  async addViewer(): Promise<void> {
    this.#profile = await Deno.makeTempDir({ prefix: "eyrie-footprint-chromium-" });
    this.#browser = await chromium.launchPersistentContext(this.#profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_FLAGS,
    });
    this.#page = await this.#browser.newPage();
    await this.#page.goto(`${this.url}/api/health`);
    await this.#page.evaluate(addWhepViewers, { camera: "cam1", n: 1 });
    const got = await this.#page.evaluate(waitDecoding, { frames: 30, timeoutMs: 30_000 });
    if (!(got[0] >= 30)) throw new Error(`the viewer decoded ${got[0]} frames`);
  }

  /** The viewer's decoded and dropped frames (Chromium's inbound-rtp stats). */
  async viewerFrames(): Promise<{ decoded: number; dropped: number } | null> {
    if (this.#page === undefined) return null;
    return await this.#page.evaluate(async () => {
      const w = window as unknown as { benchViewers?: RTCPeerConnection[] };
      let decoded = 0, dropped = 0;
      for (const pc of w.benchViewers ?? []) {
        (await pc.getStats()).forEach((s) => {
          if (s.type === "inbound-rtp" && s.kind === "video") {
            decoded += s.framesDecoded ?? 0;
            dropped += s.framesDropped ?? 0;
          }
        });
      }
      return { decoded, dropped };
    });
  }

  async frames(): Promise<Frames> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const ring = (name: string) => {
      let n = 0;
      const line = new RegExp(
        `^eyrie_ring_written_total\\{[^}]*ring="${name}"[^}]*\\} (\\S+)$`,
        "gm",
      );
      for (const m of text.matchAll(line)) n += Number(m[1]);
      return n;
    };
    return { captured: ring("raw"), encoded: ring("au") };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#browser?.close().catch(() => {});
    if (this.#profile !== "") await Deno.remove(this.#profile, { recursive: true });
    try {
      this.process.kill("SIGTERM");
    } catch { /* gone */ }
    await this.process.status;
    await this.#pump;
    await Deno.remove(this.dir, { recursive: true });
  }
}

/** Memory and CPU of a process over a window: RSS each second (median), totals at the end. */
export interface Window extends MemoryTotals {
  rssMedian: number;
  /** Share of one core, %. */
  cpu: number;
  workers: number;
}

export async function sampleWindow(pid: number, seconds: number): Promise<Window> {
  const rss: number[] = [];
  const c0 = cpuSeconds(pid);
  const t0 = performance.now();
  for (let i = 0; i < seconds; i++) {
    await sleep(1000);
    rss.push(memoryTotals(pid).rss);
  }
  const cpu = (cpuSeconds(pid) - c0) / ((performance.now() - t0) / 1000) * 100;
  rss.sort((a, b) => a - b);
  return {
    ...memoryTotals(pid),
    rssMedian: rss[Math.floor(rss.length / 2)],
    cpu,
    workers: workerThreads(pid),
  };
}

/** gst-launch-1.0 with `cameras` branches doing the camera's and encoder's work, into fakesink. */
export function anchorArgs(cameras: number, buffers = ""): string[] {
  const branch =
    `videotestsrc is-live=true pattern=smpte ${buffers} ! videoconvert ! videoscale ! ` +
    `videorate ! video/x-raw,format=I420,width=1280,height=720,framerate=${FPS}/1 ! ` +
    "x264enc speed-preset=ultrafast tune=zerolatency bitrate=2000 key-int-max=30 bframes=0 " +
    "byte-stream=true ! video/x-h264,profile=constrained-baseline,stream-format=byte-stream," +
    "alignment=au ! h264parse config-interval=-1 ! fakesink";
  return ["-q", ...Array.from({ length: cameras }, () => branch).join(" ").split(" ")]
    .filter((w) => w !== "");
}
