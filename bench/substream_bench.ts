// What a sub stream (`[camera.sub]`, docs/streams.md) costs while nobody
// uses it and while a viewer does, and which way of making it costs less
// here, in one run:
//
//   deno task bench substream [--seconds 15] [--rounds 2]
//
// eyrie records one camera continuously (fragmented MP4), no detection;
// measured: eyrie's CPU (all its threads, /proc/<pid>/stat) over `--seconds`
// after 8 s of warm-up, per case, cases alternating `--rounds` times. A
// viewer is Chromium (another process, not counted) playing one WHEP session
// on the main or the sub stream; each case with a viewer is set against the
// same camera with a viewer on the main stream and no sub stream, so the
// viewer's own cost (werift, SRTP) is in both:
//
// - a test camera (videotestsrc `ball`) 1280x720@30 encoded by x264 at
//   2 Mb/s, without a sub stream, with a 640x360@30 500 kb/s sub stream that
//   nobody uses (the sub encoder idle, demand.ts), and with a viewer on it
//   (a second encoder on the same raw frames, scaling them itself);
// - an RTSP camera (gst-rtsp-server, another process, not counted) sending
//   1280x720@30 H.264 at 2 Mb/s: passed through without a sub stream (the
//   anchor), with the sub stream unused (keyframes decoded only), with a
//   viewer on it (every frame decoded, scaled and encoded into the sub
//   stream: "from the passthrough source decoded"), and `passthrough =
//   "never"` with a viewer on the sub stream (decoded, the main stream
//   encoded again, and the sub stream scaled beside it from the same decoded
//   frames: "a scaler branch and a second encoder on the same capture").
//
// Each figure is a ratio to its anchor in the same run.

import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../tests/_chromium.ts";
import { connect, decoded, WHEP_PAGE } from "../tests/actors/viewer/_whep_page.ts";
import { cpuShare } from "./_proc.ts";
import { startRtspCamera } from "../tests/faults/_faults.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const arg = (name: string, d: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : d;
};
const SECONDS = arg("seconds", 15);
const ROUNDS = arg("rounds", 1);
const WARMUP_MS = 8_000;
const SUB = `[camera.sub]\nwidth = 640\nheight = 360\nbitrate_kbps = 500\n`;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Sample {
  cpu: number;
  /** Access units per second of the main and the sub stream. */
  mainFps: number;
  subFps: number;
}

type Viewer = "none" | "main" | "sub";

async function measure(camera: string, viewer: Viewer): Promise<Sample> {
  const dir = await Deno.makeTempDir({ prefix: "substream-bench-" });
  const consolePort = freePort();
  const cfg = `${dir}/eyrie.toml`;
  await Deno.writeTextFile(
    cfg,
    `data_dir = "${dir}/data"\n[console]\nlisten = "127.0.0.1:${consolePort}"\n` +
      `[recording]\nsegment_s = 60\n[detection]\nmotion = false\n` +
      `[[camera]]\nid = "cam"\nwidth = 1280\nheight = 720\nfps = 30\nbitrate_kbps = 2000\n` +
      camera,
  );
  const eyrie = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-net", MAIN, "run", "--config", cfg],
    stdout: "null",
    stderr: "null",
  }).spawn();
  type Cam = {
    stats: { recorder?: { accessUnits: number }; "sub-encoder"?: { accessUnits: number } };
  };
  let browser: Awaited<ReturnType<typeof watch>> | null = null;
  const cam = async () =>
    await (await fetch(`http://127.0.0.1:${consolePort}/api/cameras/cam`)).json() as Cam;
  try {
    for (let i = 0; i < 300; i++) {
      try {
        if (((await cam()).stats.recorder?.accessUnits ?? 0) > 0) break;
      } catch { /* not yet */ }
      await sleep(100);
    }
    browser = viewer === "none" ? null : await watch(consolePort, viewer);
    await sleep(WARMUP_MS);
    const before = (await cam()).stats;
    const t0 = performance.now();
    const cpu = await cpuShare(eyrie.pid, SECONDS * 1000);
    const after = (await cam()).stats;
    const s = (performance.now() - t0) / 1000;
    if (browser !== null) {
      // The viewer must still be playing at the end: a case whose viewer stalled measures nothing.
      const d = await decoded(browser.page, "v");
      if (d.frames < 30) throw new Error(`The ${viewer} viewer decoded only ${d.frames} frames`);
    }
    return {
      cpu,
      mainFps: ((after.recorder?.accessUnits ?? 0) - (before.recorder?.accessUnits ?? 0)) / s,
      // The encoder reports once a second: near enough over 20 s.
      subFps: ((after["sub-encoder"]?.accessUnits ?? 0) -
        (before["sub-encoder"]?.accessUnits ?? 0)) / s,
    };
  } finally {
    await browser?.close();
    eyrie.kill("SIGTERM");
    await eyrie.status;
    await Deno.remove(dir, { recursive: true });
  }
}

/** Chromium playing one WHEP session of camera "cam" on `stream`, until its first frames. */
async function watch(consolePort: number, stream: "main" | "sub") {
  const profile = await Deno.makeTempDir({ prefix: "substream-bench-chromium-" });
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
  const base = `http://127.0.0.1:${consolePort}`;
  const page = await ctx.newPage();
  await page.route(
    `${base}/whep-page`,
    (route) => route.fulfill({ contentType: "text/html", body: WHEP_PAGE }),
  );
  await page.goto(`${base}/whep-page`);
  await connect(page, "v", `${base}/api/cameras/cam/whep?stream=${stream}`);
  for (let i = 0; (await decoded(page, "v")).frames < 10; i++) {
    if (i > 300) throw new Error(`The ${stream} viewer got no picture`);
    await sleep(100);
  }
  return {
    page,
    close: async () => {
      await ctx.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}

await using rtsp = await startRtspCamera(freePort(), {
  size: "1280x720",
  fps: 30,
  bitrateKbps: 2000,
});
const test = `source = "test"\npattern = "ball"\nencoder = "x264"\n`;
const pass = `source = "${rtsp.url}"\n`;
const never = `source = "${rtsp.url}"\npassthrough = "never"\nencoder = "x264"\n`;
/** name, camera, viewer, anchor (the case it is a ratio to). */
const cases: [string, string, Viewer, string | null][] = [
  ["test camera, main only", test, "none", null],
  ["test camera, main + sub, nobody on sub", test + SUB, "none", "test camera, main only"],
  ["test camera, main only, a viewer on main", test, "main", null],
  [
    "test camera, main + sub, a viewer on sub",
    test + SUB,
    "sub",
    "test camera, main only, a viewer on main",
  ],
  ["RTSP passthrough, main only", pass, "none", null],
  [
    "RTSP passthrough + sub, nobody on sub (keyframes decoded)",
    pass + SUB,
    "none",
    "RTSP passthrough, main only",
  ],
  ["RTSP passthrough, main only, a viewer on main", pass, "main", null],
  [
    "RTSP passthrough + sub, a viewer on sub (every frame decoded)",
    pass + SUB,
    "sub",
    "RTSP passthrough, main only, a viewer on main",
  ],
  [
    'RTSP passthrough = "never" + sub, a viewer on sub (scaler beside the main encoder)',
    never + SUB,
    "sub",
    "RTSP passthrough, main only, a viewer on main",
  ],
];
const samples = new Map<string, Sample[]>(cases.map(([n]) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, camera, viewer] of cases) {
    samples.get(name)!.push(await measure(camera, viewer));
  }
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const cpu = (name: string) => mean(samples.get(name)!.map((x) => x.cpu));
console.log(`1280x720@30 camera recorded, sub 640x360@30 500 kb/s, ${SECONDS} s × ${ROUNDS}:`);
for (const [name, , , anchor] of cases) {
  const s = samples.get(name)!;
  console.log(
    `  ${name}: ${(cpu(name) * 100).toFixed(1)} % of a core, main ` +
      `${mean(s.map((x) => x.mainFps)).toFixed(1)} fps, sub ${
        mean(s.map((x) => x.subFps)).toFixed(1)
      } fps` +
      (anchor === null ? "" : `: ${(cpu(name) / cpu(anchor)).toFixed(2)}× ${anchor}`),
  );
}
