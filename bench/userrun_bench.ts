// A user's run, for finding what grows: one 1280x720 test camera (sub stream, sound, recording in
// 60 s segments, motion), a dead rtsp:// camera beside it, the console (/) open in headless
// Chromium showing the tiles, and every 20 s a WHEP offer whose ICE never completes (a half-open
// session). Each part can be left out, to bisect. Runs only when named:
//
//   deno task bench userrun [--minutes 8] [--no halfopen,console,dead,sub,sound]
//     [--halfopen-every 20] [--dead 1] [--pattern ball]
//     [--camera "max_bitrate_kbps = 2000"] [--env K=V] [--gc-log FILE]
//
// `--gc-log FILE` runs eyrie with V8's --trace-gc and writes its lines there; each names its
// isolate (the main thread's or a Worker's), so the heap of each can be followed over the run.
//
// Every 30 s: RSS and anonymous memory (/proc/PID/status), fds, threads, the viewer Worker's heap
// and its session counts; at minute 1 and at the end the mappings of /proc/PID/smaps, and the
// regions whose anonymous memory changed most between them (a 64 MiB-aligned rw-p region is a
// glibc thread arena, [heap] the main arena, a new 256 kB region a V8 page) and, when gdb is
// installed, glibc's own account of its arenas (bench/_malloc_info.ts).
import { chromium } from "playwright-core";
import { offer } from "../tests/actors/viewer/_offers.ts";
import { EYRIE_FLAGS, MAIN, startEyrie } from "../tests/ui/cli/_eyrie.ts";
import { viewerStats } from "../tests/ui/http/_whep.ts";
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from "../tests/_chromium.ts";
import { fdCount, threadCount } from "./_proc.ts";
import { diffRegions, regions } from "./_regions.ts";
import { diffMallocInfo, type MallocInfo, mallocInfo } from "./_malloc_info.ts";

const args = Deno.args;
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const MINUTES = Number(opt("--minutes", "8"));
/**
 * `--pattern snow`: the test camera's picture. "ball" compresses to ~100 kb/s, so rings sized for
 * `max_bitrate_kbps` take minutes to be written through once; "snow" fills them in seconds.
 */
const PATTERN = opt("--pattern", "ball");
/** `--camera "max_bitrate_kbps = 2000"`: more TOML lines for the test camera. */
const CAMERA_EXTRA = opt("--camera", "");
/** `--dead N`: that many dead cameras (to see whether what one costs grows with their number). */
const DEAD = Number(opt("--dead", "1"));
const HALFOPEN_EVERY_MS = Number(opt("--halfopen-every", "20")) * 1000;
const without = new Set(opt("--no", "").split(",").filter((s) => s !== ""));
const PARTS = ["halfopen", "console", "dead", "sub", "sound"];
for (const p of without) {
  if (!PARTS.includes(p)) throw new RangeError(`Unknown part "${p}": one of ${PARTS.join(", ")}`);
}
const env: Record<string, string> = Object.fromEntries(
  args.flatMap((a, i) => (args[i - 1] === "--env" ? [a.split("=", 2)] : [])),
);
const SAMPLE_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const dir = await Deno.makeTempDir({ prefix: "eyrie-userrun-" });
const cam = (id: string, src: string, extra = "") =>
  `[[camera]]\nid = "${id}"\nsource = "${src}"\nwidth = 1280\nheight = 720\nfps = 30\n${extra}`;
const front = cam(
  "front",
  "test",
  `pattern = "${PATTERN}"\n${CAMERA_EXTRA}\n${without.has("sound") ? 'audio = "none"\n' : ""}${
    without.has("sub") ? "" : "[camera.sub]\nwidth = 640\nheight = 360\n"
  }`,
);
// A port nothing listens on: the camera stays offline and retries.
const deadPort = (() => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
})();
const dead = without.has("dead") ? "" : Array.from(
  { length: DEAD },
  (_, i) => cam(i === 0 ? "dead" : `dead${i + 1}`, `rtsp://admin:pw@127.0.0.1:${deadPort}/stream`),
).join("");
const file = `${dir}/eyrie.toml`;
await Deno.writeTextFile(
  file,
  `data_dir = "${dir}/data"\n[console]\nlisten = "127.0.0.1:0"\n[recording]\nsegment_s = 60\n` +
    `[detection]\nmotion = true\n${front}${dead}`,
);
const gcLog = opt("--gc-log", "");
const eyrie = gcLog === "" ? await startEyrie(file, { env }) : await withGcLog(gcLog);

/** eyrie with V8's GC trace on its stdout, copied to `path`. */
async function withGcLog(path: string) {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", ...EYRIE_FLAGS, MAIN, "run", "--config", file],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env, DENO_V8_FLAGS: "--trace-gc" },
  }).spawn();
  const out = await Deno.open(path, { write: true, create: true, truncate: true });
  const copied = process.stdout.pipeTo(out.writable);
  let text = "";
  const pump = (async () => {
    for await (const c of process.stderr.pipeThrough(new TextDecoderStream())) text += c;
  })();
  let url = "";
  for (const deadline = Date.now() + 90_000; url === "";) {
    url = /"console":"(http[^"]+)"/.exec(text)?.[1] ?? "";
    if (Date.now() > deadline) throw new Error(`eyrie did not start:\n${text}`);
    await sleep(20);
  }
  return {
    process,
    url,
    stop: async () => {
      process.kill("SIGTERM");
      await process.status;
      await pump;
      await copied;
    },
  };
}
const pid = eyrie.process.pid;
const status = () => Deno.readTextFileSync(`/proc/${pid}/status`);
const mb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status())![1]) / 1024;
const profile = await Deno.makeTempDir({ prefix: "eyrie-userrun-chromium-" });
const browser = without.has("console")
  ? undefined
  : await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_FLAGS,
  });
const loadBefore = Deno.loadavg();
let halfOpen = 0;
let refused = 0;
const rows: string[] = [];
let first: ReturnType<typeof regions> | undefined;
let firstMalloc: MallocInfo | null = null;
try {
  if (browser !== undefined) await (await browser.newPage()).goto(`${eyrie.url}/`);
  const t0 = performance.now();
  let nextOffer = t0;
  let nextSample = t0;
  while (performance.now() - t0 < MINUTES * 60_000) {
    const now = performance.now();
    if (!without.has("halfopen") && now >= nextOffer) {
      nextOffer += HALFOPEN_EVERY_MS;
      // A viewer that leaves mid-handshake: an offer whose ICE never completes.
      const r = await fetch(`${eyrie.url}/api/cameras/front/whep`, {
        method: "POST",
        headers: { "content-type": "application/sdp" },
        body: offer(),
      });
      await r.body?.cancel();
      if (r.status === 201) halfOpen++;
      else refused++;
    }
    if (now >= nextSample) {
      nextSample += SAMPLE_MS;
      const min = (now - t0) / 60_000;
      if (first === undefined && min >= 1) {
        first = regions(pid);
        firstMalloc = await mallocInfo(pid);
      }
      const v = await viewerStats(eyrie.url, "front");
      const ended = Object.values((v.ended ?? {}) as Record<string, number>)
        .reduce((a, b) => a + b, 0);
      const row = `| ${min.toFixed(1)} | ${mb("VmRSS").toFixed(1)} | ${
        mb("RssAnon").toFixed(1)
      } | ${fdCount(pid)} | ${threadCount(pid)} | ${v.heapMiB ?? "–"} / ${
        v.heapTotalMiB ?? "–"
      } / ${v.externalMiB ?? "–"} | ${v.started ?? 0} / ${ended} / ${v.connecting ?? 0} / ${
        v.viewers ?? 0
      } | ${halfOpen} |`;
      rows.push(row);
      console.error(row);
    }
    await sleep(Math.max(0, Math.min(nextOffer, nextSample) - performance.now()));
  }
  const last = regions(pid);
  const lastMalloc = await mallocInfo(pid);
  console.log(
    `without: ${[...without].join(", ") || "nothing"}; ${MINUTES} min; half-open every ${
      HALFOPEN_EVERY_MS / 1000
    } s (${halfOpen} answered, ${refused} refused); load average before ${
      loadBefore.join(" ")
    }, after ${Deno.loadavg().join(" ")}\n`,
  );
  console.log(
    "| min | RSS MiB | anon MiB | fds | threads | viewer heap used / reserved / external MiB | sessions started / ended / connecting / connected | half-open |",
  );
  console.log("| --: | --: | --: | --: | --: | --: | --: | --: |");
  for (const r of rows) console.log(r);
  if (first !== undefined) {
    console.log("\nregions that changed most from minute 1 to the end:");
    for (const line of diffRegions(first, last).slice(0, 15)) console.log(line);
  }
  if (firstMalloc !== null && lastMalloc !== null) {
    console.log("\nmalloc (malloc_info through gdb) from minute 1 to the end:");
    for (const line of diffMallocInfo(firstMalloc, lastMalloc)) console.log(line);
  }
} finally {
  await browser?.close();
  await eyrie.stop();
  await Deno.remove(profile, { recursive: true });
  await Deno.remove(dir, { recursive: true });
}
