// Start-up and steady-state memory of `eyrie run` with one 720p30 camera,
// beside the same capture + encode as one gst-launch-1.0 pipeline, in the
// same run.
//
//   deno run -A bench/startup_bench.ts
//
// eyrie: time from spawning `eyrie run` (from source, `deno run main.ts`) to
// the encoder's "first access unit" log line (its timestamp; /metrics cannot
// tell earlier than the console, which listens only once the whole tree has
// started), to /api/health answering 200, and RSS of the process after
// 70 s, sampled each second for 10 s (median and max, and the anonymous and
// file-backed parts), with its CPU share in that window. Anchor: gst-launch-1.0 with the camera's and encoder's own
// elements (videotestsrc 1280x720@30 → x264enc ultrafast/zerolatency 2 Mb/s
// → fakesink): time to exit after one encoded frame (num-buffers=1), and RSS
// and CPU of the live pipeline sampled the same way. Also the RSS of an idle
// `deno run` (the runtime's floor). The config asks for recording and motion
// detection; the report names which of camera, encoder, recorder, detector
// and viewer actually ran.

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
/**
 * Steady state: after the access-unit ring's data area (16 MiB at the default
 * 8 Mb/s ceiling) has been written through once at 2 Mb/s (~64 s), so every
 * page of it counts in RSS.
 */
const WARMUP_S = 70;
const SAMPLES = 10;
const GOAL_MB = 150;
const USER_HZ = 100;

const GST_PIPELINE = (buffers: string) =>
  `videotestsrc is-live=true pattern=smpte ${buffers} ! videoconvert ! videoscale ! videorate ! ` +
  "video/x-raw,format=I420,width=1280,height=720,framerate=30/1 ! " +
  "x264enc speed-preset=ultrafast tune=zerolatency bitrate=2000 key-int-max=30 bframes=0 " +
  "byte-stream=true ! video/x-h264,profile=constrained-baseline,stream-format=byte-stream," +
  "alignment=au ! fakesink";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / USER_HZ;
}

/** Anonymous and file-backed resident MB (heaps and buffers vs mapped binaries and libraries). */
function rssParts(pid: number): { anon: number; file: number } {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (k: string) =>
    Number(new RegExp(`^${k}:\\s+(\\d+) kB$`, "m").exec(status)?.[1] ?? NaN);
  return { anon: kb("RssAnon") * 1024 / 1e6, file: kb("RssFile") * 1024 / 1e6 };
}

/** RSS each second for SAMPLES s: median and max in MB, and CPU % of one core over the window. */
async function steady(pid: number) {
  const rss: number[] = [];
  const cpu0 = cpuSeconds(pid);
  const t0 = performance.now();
  for (let i = 0; i < SAMPLES; i++) {
    await sleep(1000);
    rss.push(rssBytes(pid) / 1e6);
  }
  const cpu = (cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000) * 100;
  rss.sort((a, b) => a - b);
  return { median: rss[Math.floor(rss.length / 2)], max: rss.at(-1)!, cpu, ...rssParts(pid) };
}

async function gstAnchor() {
  const t0 = performance.now();
  const once = await new Deno.Command("gst-launch-1.0", {
    args: ["-q", ...GST_PIPELINE("num-buffers=1").split(" ")],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!once.success) throw new Error(new TextDecoder().decode(once.stderr));
  const firstMs = performance.now() - t0;
  const live = new Deno.Command("gst-launch-1.0", {
    args: ["-q", ...GST_PIPELINE("").split(" ").filter((w) => w !== "")],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await sleep(WARMUP_S * 1000);
  const s = await steady(live.pid);
  live.kill("SIGINT");
  await live.status;
  return { firstMs, ...s };
}

async function denoFloor() {
  const idle = new Deno.Command(Deno.execPath(), {
    args: ["eval", "setInterval(() => {}, 1000)"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await sleep(3000);
  const rss = rssBytes(idle.pid) / 1e6;
  idle.kill("SIGTERM");
  await idle.status;
  return rss;
}

async function eyrie() {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-startup-" });
  const config = `${dir}/eyrie.toml`;
  await Deno.writeTextFile(
    config,
    // Debug logs carry the supervisor's "started" events, with which start-up is taken apart.
    `data_dir = "${dir}/data"\n[log]\nlevel = "debug"\n[console]\nlisten = "127.0.0.1:0"\n` +
      `[[camera]]\nid = "bench"\nsource = "test"\npattern = "smpte"\nwidth = 1280\nheight = 720\n` +
      `fps = 30\ncodec = "h264"\nbitrate_kbps = 2000\n` +
      `[recording]\ndir = "${dir}/data/recordings"\n[detection]\nmotion = true\n`,
  );
  const t0 = performance.now();
  const spawnedAt = Date.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...FLAGS, MAIN, "run", "--config", config],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let logs = "";
  const pump = (async () => {
    for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) logs += c;
  })();
  try {
    let url = "";
    while (url === "") {
      url = /"console":"(http[^"]+)"/.exec(logs)?.[1] ?? "";
      if (performance.now() - t0 > 60_000) throw new Error(`eyrie did not start:\n${logs}`);
      await sleep(5);
    }
    const consoleMs = performance.now() - t0;
    let firstMs = 0;
    let healthMs = 0;
    let actors: string[] = [];
    while (firstMs === 0 || healthMs === 0) {
      if (performance.now() - t0 > 60_000) throw new Error(`no frame or health:\n${logs}`);
      if (firstMs === 0) {
        const line = logs.split("\n").find((l) => l.includes('"msg":"first access unit"'));
        if (line !== undefined) firstMs = Date.parse(JSON.parse(line).ts) - spawnedAt;
      }
      if (healthMs === 0) {
        const res = await fetch(`${url}/api/health`);
        const h = await res.json();
        if (res.status === 200 && h.actors.length > 0) {
          healthMs = performance.now() - t0;
          actors = h.actors.map((a: { id: string }) => a.id);
        }
      }
      await sleep(10);
    }
    await sleep(WARMUP_S * 1000 - (performance.now() - t0));
    const s = await steady(child.pid);
    const health = await (await fetch(`${url}/api/health`)).json();
    actors = health.actors.map((a: { id: string }) => a.id);
    const whep = await fetch(`${url}/api/cameras/bench/whep`, { method: "POST" });
    await whep.body?.cancel();
    return { consoleMs, firstMs, healthMs, actors, whep: whep.status, starts: starts(logs), ...s };
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await pump;
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Each actor's share of the tree's start, from the supervisor's "started" events: the time since
 * the previous actor started (the first: since the recordings were reconciled, the last thing the
 * main thread does before the tree). The supervisor starts a camera's actors one after another;
 * started side by side, the tree would take about as long as its slowest actor.
 */
function starts(logs: string): { actor: string; ms: number }[] {
  const out: { actor: string; ms: number }[] = [];
  let last = NaN;
  for (const line of logs.split("\n")) {
    let r;
    try {
      r = JSON.parse(line);
    } catch {
      continue;
    }
    const at = Date.parse(r.ts);
    if (r.msg === "recordings reconciled") last = at;
    const actor = r.fields?.actor as string | undefined;
    if (r.msg !== "started" || actor === undefined) continue;
    const name = actor.split("/").at(-1)!;
    if (!["camera", "encoder", "recorder", "packetizer", "viewer", "detector"].includes(name)) {
      continue;
    }
    out.push({ actor: name, ms: at - last });
    last = at;
  }
  return out;
}

const floor = await denoFloor();
const gst = await gstAnchor();
const e = await eyrie();

const wanted = ["camera", "encoder", "recorder", "detector", "viewer"];
const present = (name: string) => e.actors.some((id) => id.split("/").at(-1) === name);
const running = wanted.filter((n) => n !== "viewer" && present(n));
const missing = wanted.filter((n) => n !== "viewer" && !present(n));
const viewer = e.whep === 404
  ? "viewer: not measured (no WHEP endpoint yet: POST /api/cameras/bench/whep is 404)"
  : `viewer: WHEP answered ${e.whep}; the bench does not open a session yet`;

const f = (n: number, d = 0) => n.toFixed(d);
console.log(`| measure | eyrie | gst-launch anchor | eyrie ÷ anchor |`);
console.log(`| --- | ---: | ---: | ---: |`);
console.log(`| start → console listening (ms) | ${f(e.consoleMs)} | – | – |`);
console.log(
  `| start → first encoded frame (ms) | ${f(e.firstMs)} | ${f(gst.firstMs)} | ${
    f(e.firstMs / gst.firstMs, 2)
  } |`,
);
console.log(`| start → /api/health 200 (ms) | ${f(e.healthMs)} | – | – |`);
console.log(
  `| RSS at ${WARMUP_S}–${WARMUP_S + SAMPLES} s, median (MB) | ${f(e.median, 1)} | ${
    f(gst.median, 1)
  } | ${f(e.median / gst.median, 2)} |`,
);
console.log(`| RSS, max (MB) | ${f(e.max, 1)} | ${f(gst.max, 1)} | ${f(e.max / gst.max, 2)} |`);
console.log(
  `| of which anonymous (MB) | ${f(e.anon, 1)} | ${f(gst.anon, 1)} | ${f(e.anon / gst.anon, 2)} |`,
);
console.log(
  `| of which file-backed (MB) | ${f(e.file, 1)} | ${f(gst.file, 1)} | ${
    f(e.file / gst.file, 2)
  } |`,
);
console.log(
  `| CPU, % of one core | ${f(e.cpu, 1)} | ${f(gst.cpu, 1)} | ${f(e.cpu / gst.cpu, 2)} |`,
);
console.log(`\nIdle \`deno run\` RSS (the runtime's floor): ${f(floor, 1)} MB.`);
console.log(
  `Goal RSS ≤ ${GOAL_MB} MB: ${e.max <= GOAL_MB ? "met" : "missed"} (max ${f(e.max, 1)} MB).`,
);
console.log(
  `Ran: ${running.join(", ")}. Not running yet: ${missing.join(", ") || "none"}; ${viewer}.`,
);
console.log(`Actors: ${e.actors.join(", ")}.`);
const total = e.starts.reduce((n, s) => n + s.ms, 0);
const slowest = e.starts.reduce((a, b) => (b.ms > a.ms ? b : a), { actor: "", ms: 0 });
console.log(
  `Tree start, one actor after another: ${
    e.starts.map((s) => `${s.actor} ${f(s.ms)}`).join(" + ")
  } = ${f(total)} ms; side by side it would take about the slowest, ${slowest.actor} ` +
    `(${f(slowest.ms)} ms): ${f(total - slowest.ms)} ms less before the console listens.`,
);
