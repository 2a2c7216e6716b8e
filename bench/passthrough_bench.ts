// CPU of eyrie recording and serving a 1080p30 RTSP camera: the camera's own
// H.264 passed through, against decoded and encoded again by eyrie, in the
// same run.
//
//   deno task bench passthrough [--seconds 20] [--rounds 2] [--bframes 2] [--motion off|on]
//
// The camera is gst-rtsp-server (tests/faults/_rtsp_camera.py, another
// process, not counted): videotestsrc 1920x1080@30 through x264 at 4 Mb/s
// (with --bframes N: High profile with N B-frames). eyrie records it
// continuously (fragmented MP4), serves it on its RTSP server, and one RTSP
// player (gst-launch-1.0 rtspsrc ! fakesink, not counted) watches it; once
// without detection (the goal's case: recorded and viewed) and once with
// motion detection at its default 5 fps (then every frame is decoded).
// Measured: eyrie's CPU (all its threads, /proc/<pid>/stat, and per thread
// name from /proc/<pid>/task: where it goes) over `--seconds`
// after 10 s of warm-up, and the access units per second the recorder took,
// for `passthrough = "auto"` and `passthrough = "never"` (x264, the
// configured 1920x1080@30), alternating, `--rounds` times each. Goal:
// passthrough ≤ 0.15× the CPU of decode + encode.

import { cpuShare, threadShares } from "./_proc.ts";
import { startRtspCamera } from "../tests/faults/_faults.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const arg = (name: string, d: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : d;
};
const SECONDS = arg("seconds", 20);
const ROUNDS = arg("rounds", 1);
const BFRAMES = arg("bframes", 0);
const WARMUP_MS = 10_000;
const GOAL = 0.15;
/** Which detection cases to run (both by default). */
const MOTION = (() => {
  const i = Deno.args.indexOf("--motion");
  const v = i >= 0 ? Deno.args[i + 1] : "both";
  if (v !== "off" && v !== "on" && v !== "both") throw new TypeError(`--motion off|on, got "${v}"`);
  return v === "both" ? [false, true] : [v === "on"];
})();

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  cpu: number;
  /** Access units per second the recorder wrote. */
  fps: number;
  /** Share of a core per thread name over the same window. */
  threads: [string, number][];
}

async function measure(
  url: string,
  passthrough: "auto" | "never",
  motion: boolean,
): Promise<Sample> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-bench-pass-" });
  const rtspPort = freePort();
  const consolePort = freePort();
  const cfg = `${dir}/eyrie.toml`;
  await Deno.writeTextFile(
    cfg,
    `data_dir = "${dir}/data"\n[console]\nlisten = "127.0.0.1:${consolePort}"\n` +
      `[rtsp]\nlisten = "127.0.0.1:${rtspPort}"\n[recording]\nsegment_s = 60\n` +
      `[[camera]]\nid = "cam"\nsource = "${url}"\nwidth = 1920\nheight = 1080\nfps = 30\n` +
      `bitrate_kbps = 4000\npassthrough = "${passthrough}"\n` +
      `[camera.detection]\nmotion = ${motion}\n`,
  );
  const eyrie = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", MAIN, "run", "--config", cfg],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // eyrie's log lines about its RTSP server, to say why a player was dropped.
  const rtspLog: string[] = [];
  const logDone = (async () => {
    const lines = eyrie.stderr.pipeThrough(new TextDecoderStream()).pipeThrough(
      new TransformStream<string, string>({
        transform(chunk, c) {
          for (const l of chunk.split("\n")) if (l.includes("rtsp")) c.enqueue(l);
        },
      }),
    );
    for await (const l of lines) rtspLog.push(l.slice(0, 300));
  })();
  let player: Deno.ChildProcess | undefined;
  try {
    // The console answers once the tree runs; then the player can connect.
    for (let i = 0; i < 300; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${consolePort}/api/cameras/cam`);
        const c = await r.json() as { stats?: { recorder?: { accessUnits?: number } } };
        if ((c.stats?.recorder?.accessUnits ?? 0) > 0) break;
      } catch { /* not yet */ }
      await sleep(100);
    }
    player = new Deno.Command("gst-launch-1.0", {
      args: ["-q", "rtspsrc", `location=rtsp://127.0.0.1:${rtspPort}/cam`, "!", "fakesink"],
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let playerEnded = false;
    const playerStatus = player.status.then((st) => {
      playerEnded = true;
      return st;
    });
    await sleep(WARMUP_MS);
    type Cam = {
      streams: { main: { mode: string } };
      stats: { recorder: { accessUnits: number } };
    };
    const cam = async () =>
      await (await fetch(`http://127.0.0.1:${consolePort}/api/cameras/cam`)).json() as Cam;
    const before = (await cam()).stats.recorder.accessUnits;
    const t0 = performance.now();
    const [share, threads] = await Promise.all([
      cpuShare(eyrie.pid, SECONDS * 1000),
      threadShares(eyrie.pid, SECONDS * 1000),
    ]);
    const c = await cam();
    const fps = (c.stats.recorder.accessUnits - before) / ((performance.now() - t0) / 1000);
    if (c.streams.main.mode !== (passthrough === "auto" ? "passthrough" : "encoded")) {
      throw new Error(`Expected ${passthrough}, eyrie says ${c.streams.main.mode}`);
    }
    if (playerEnded) {
      const err = new TextDecoder().decode((await player.output()).stderr).trim().split("\n");
      throw new Error(
        `The RTSP player ended (${(await playerStatus).code}): ${err.slice(-12).join(" ")}\n` +
          `eyrie's RTSP log:\n${rtspLog.slice(-20).join("\n")}`,
      );
    }
    return { cpu: share, fps, threads };
  } finally {
    try {
      player?.kill("SIGTERM");
    } catch { /* it ended; said above */ }
    await player?.status;
    eyrie.kill("SIGTERM");
    await eyrie.status;
    await logDone.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
}

const camPort = freePort();
await using camera = await startRtspCamera(camPort, {
  size: "1920x1080",
  fps: 30,
  bitrateKbps: 4000,
  ...(BFRAMES > 0 ? { profile: "high", bframes: BFRAMES } : {}),
});
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
for (const motion of MOTION) {
  const pass: Sample[] = [];
  const encode: Sample[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    pass.push(await measure(camera.url, "auto", motion));
    encode.push(await measure(camera.url, "never", motion));
  }
  const p = mean(pass.map((x) => x.cpu)), e = mean(encode.map((x) => x.cpu));
  const ratio = p / e;
  // Per access unit recorded: a loaded machine starves the x264 case (and the camera) of frames,
  // and a case that makes fewer frames costs less.
  const pf = p / mean(pass.map((x) => x.fps)), ef = e / mean(encode.map((x) => x.fps));
  console.log(
    `1080p30 RTSP camera${
      BFRAMES > 0 ? ` (High, ${BFRAMES} B-frames)` : ""
    }, recorded + one RTSP ` +
      `player, motion detection ${
        motion ? "on (every frame decoded)" : "off (keyframes decoded)"
      }, ` +
      `${SECONDS} s × ${ROUNDS}: passthrough ${pct(p)} of a core at ` +
      `${mean(pass.map((x) => x.fps)).toFixed(1)} fps, decode + encode ${pct(e)} at ` +
      `${mean(encode.map((x) => x.fps)).toFixed(1)} fps: ratio ${ratio.toFixed(3)} ` +
      `(goal ≤ ${GOAL}${motion ? "" : ", set for recorded + viewed"}) ${
        ratio <= GOAL ? "met" : "not met"
      }`,
  );
  console.log(`  per access unit recorded: ratio ${(pf / ef).toFixed(3)}`);
  console.log(`  passthrough per thread: ${profile(pass)}`);
  console.log(`  decode + encode per thread: ${profile(encode)}`);
}

/** Where the passthrough CPU goes, per thread name (GStreamer names its threads after elements). */
function profile(samples: Sample[]): string {
  const sum = new Map<string, number>();
  for (const x of samples) {
    for (const [name, v] of x.threads) sum.set(name, (sum.get(name) ?? 0) + v / samples.length);
  }
  return [...sum].sort((a, b) => b[1] - a[1]).slice(0, 12)
    .map(([n, v]) => `${n} ${(v * 100).toFixed(2)} %`).join(", ");
}
