// What a sub stream (`[camera.sub]`, docs/streams.md) costs, and which way of
// making it costs less here, in one run:
//
//   deno task bench substream [--seconds 20] [--rounds 2]
//
// eyrie records one camera continuously (fragmented MP4), nobody watching, no
// detection; measured: eyrie's CPU (all its threads, /proc/<pid>/stat) over
// `--seconds` after 8 s of warm-up, per case, cases alternating `--rounds`
// times:
//
// - a test camera (videotestsrc `ball`) 1280x720@30 encoded by x264 at
//   2 Mb/s, without a sub stream, and with a 640x360@30 500 kb/s sub stream
//   (a second encoder on the same raw frames, scaling them itself: eyrie's
//   design for a camera it encodes anyway);
// - an RTSP camera (gst-rtsp-server, another process, not counted) sending
//   1280x720@30 H.264 at 2 Mb/s: passed through without a sub stream (the
//   anchor), passed through with the sub stream (every frame decoded, scaled
//   and encoded into the sub stream: "from the passthrough source decoded"),
//   and `passthrough = "never"` with the sub stream (decoded, the main stream
//   encoded again, and the sub stream scaled beside it from the same decoded
//   frames: "a scaler branch and a second encoder on the same capture").
//
// Each figure is a ratio to its anchor in the same run.

import { cpuShare } from "./_proc.ts";
import { startRtspCamera } from "../tests/faults/_faults.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const arg = (name: string, d: number) => {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : d;
};
const SECONDS = arg("seconds", 20);
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

async function measure(camera: string): Promise<Sample> {
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
  const cam = async () =>
    await (await fetch(`http://127.0.0.1:${consolePort}/api/cameras/cam`)).json() as Cam;
  try {
    for (let i = 0; i < 300; i++) {
      try {
        if (((await cam()).stats.recorder?.accessUnits ?? 0) > 0) break;
      } catch { /* not yet */ }
      await sleep(100);
    }
    await sleep(WARMUP_MS);
    const before = (await cam()).stats;
    const t0 = performance.now();
    const cpu = await cpuShare(eyrie.pid, SECONDS * 1000);
    const after = (await cam()).stats;
    const s = (performance.now() - t0) / 1000;
    return {
      cpu,
      mainFps: ((after.recorder?.accessUnits ?? 0) - (before.recorder?.accessUnits ?? 0)) / s,
      // The encoder reports once a second: near enough over 20 s.
      subFps: ((after["sub-encoder"]?.accessUnits ?? 0) -
        (before["sub-encoder"]?.accessUnits ?? 0)) / s,
    };
  } finally {
    eyrie.kill("SIGTERM");
    await eyrie.status;
    await Deno.remove(dir, { recursive: true });
  }
}

await using rtsp = await startRtspCamera(freePort(), {
  size: "1280x720",
  fps: 30,
  bitrateKbps: 2000,
});
const test = `source = "test"\npattern = "ball"\nencoder = "x264"\n`;
const cases: [string, string][] = [
  ["test camera, main only", test],
  ["test camera, main + sub", test + SUB],
  ["RTSP passthrough, main only", `source = "${rtsp.url}"\n`],
  ["RTSP passthrough + sub (decoded source)", `source = "${rtsp.url}"\n${SUB}`],
  [
    'RTSP passthrough = "never" + sub (scaler beside the main encoder)',
    `source = "${rtsp.url}"\npassthrough = "never"\nencoder = "x264"\n${SUB}`,
  ],
];
const samples = new Map<string, Sample[]>(cases.map(([n]) => [n, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, camera] of cases) samples.get(name)!.push(await measure(camera));
}
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const cpu = (name: string) => mean(samples.get(name)!.map((x) => x.cpu));
const anchors: Record<string, string> = {
  "test camera, main + sub": "test camera, main only",
  "RTSP passthrough + sub (decoded source)": "RTSP passthrough, main only",
  'RTSP passthrough = "never" + sub (scaler beside the main encoder)':
    "RTSP passthrough, main only",
};
console.log(`1280x720@30 camera recorded, sub 640x360@30 500 kb/s, ${SECONDS} s × ${ROUNDS}:`);
for (const [name] of cases) {
  const s = samples.get(name)!;
  const anchor = anchors[name];
  console.log(
    `  ${name}: ${(cpu(name) * 100).toFixed(1)} % of a core, main ` +
      `${mean(s.map((x) => x.mainFps)).toFixed(1)} fps, sub ${
        mean(s.map((x) => x.subFps)).toFixed(1)
      } fps` +
      (anchor === undefined ? "" : `: ${(cpu(name) / cpu(anchor)).toFixed(2)}× ${anchor}`),
  );
}
