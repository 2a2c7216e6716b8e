// Where a running eyrie's anonymous memory grows: one 720p30 test camera
// (recording, motion) and, unless --viewers 0, one Chromium viewer; after a
// minute, the anonymous memory every 30 s, then the mappings that grew most
// between the first minute and the end (/proc/PID/smaps). Runs only when
// named:
//
//   deno task bench memgrowth --minutes 5 [--viewers 0] [--env MALLOC_ARENA_MAX=2]
//     [--recording off] [--motion off] [--camera "max_bitrate_kbps = 2000"]
//
// A region of 256 kB that is new is a V8 heap page; the rw-p part of a thread's
// malloc arena grows in place; [heap] is the main malloc arena.
import { EyrieRun } from "./_footprint_run.ts";

const args = Deno.args;
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const minutes = Number(opt("--minutes", "5"));
const env: Record<string, string> = Object.fromEntries(
  args.flatMap((a, i) => (args[i - 1] === "--env" ? [a.split("=", 2)] : [])),
);
function regions(pid: number) {
  const text = Deno.readTextFileSync(`/proc/${pid}/smaps`);
  const out = new Map<string, { rss: number; anon: number; name: string }>();
  let cur: { key: string; name: string } | null = null;
  for (const line of text.split("\n")) {
    const m = line.match(/^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/);
    if (m) {
      cur = {
        key: m[1],
        name: `${m[3]} ${m[4] || "[anon]"} ${
          ((parseInt(m[2], 16) - parseInt(m[1], 16)) / 1048576).toFixed(1)
        }M`,
      };
      continue;
    }
    const r = line.match(/^(Rss|Anonymous):\s+(\d+) kB/);
    if (r && cur) {
      const e = out.get(cur.key) ?? { rss: 0, anon: 0, name: cur.name };
      if (r[1] === "Rss") e.rss = Number(r[2]);
      else e.anon = Number(r[2]);
      out.set(cur.key, e);
    }
  }
  return out;
}
const V = opt("--viewers", "1") === "0" ? 0 : 1;
const run = await EyrieRun.start({
  cameras: 1,
  viewers: V,
  env,
  camera: opt("--camera", ""),
  recording: opt("--recording", "on") !== "off",
  motion: opt("--motion", "on") !== "off",
});
await run.firstFrameMs();
if (V) await run.addViewer();
console.log(`load average before: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
await new Promise((r) => setTimeout(r, 60_000));
const anonMb = () =>
  Number(Deno.readTextFileSync(`/proc/${run.pid}/status`).match(/RssAnon:\s+(\d+)/)![1]) / 1024;
const anon0 = anonMb();
console.log(`1.0m anon ${anon0.toFixed(1)} MB`);
const a = regions(run.pid);
const t0 = Date.now();
const series: string[] = [];
while (Date.now() - t0 < (minutes - 1) * 60_000) {
  await new Promise((r) => setTimeout(r, 30_000));
  const st = Deno.readTextFileSync(`/proc/${run.pid}/status`).match(/RssAnon:\s+(\d+)/)![1];
  series.push(
    `${((Date.now() - t0) / 60000 + 1).toFixed(1)}m anon ${(Number(st) / 1024).toFixed(1)} MB`,
  );
  const thr = [...Deno.readDirSync(`/proc/${run.pid}/task`)].length;
  console.log(series.at(-1), "threads", thr);
}
const b = regions(run.pid);
const anon1 = anonMb();
console.log(
  `anon ${anon0.toFixed(1)} → ${anon1.toFixed(1)} MB from minute 1 to ${minutes}: ` +
    `${((anon1 - anon0) / (minutes - 1)).toFixed(2)} MB/min; load average after: ${
      Deno.loadavg().map((l) => l.toFixed(2)).join(" ")
    }`,
);
const diffs: [number, string][] = [];
for (const [k, e] of b) {
  const before = a.get(k)?.anon ?? 0;
  diffs.push([e.anon - before, `${e.name} ${before}→${e.anon} kB${a.has(k) ? "" : " (new)"}`]);
}
for (const [k, e] of a) if (!b.has(k)) diffs.push([-e.anon, `${e.name} gone (${e.anon} kB)`]);
diffs.sort((x, y) => Math.abs(y[0]) - Math.abs(x[0]));
for (const [d, s] of diffs.slice(0, 25)) console.log(`${(d / 1024).toFixed(1)} MB  ${s}`);
const tasks = [...Deno.readDirSync(`/proc/${run.pid}/task`)].map((t) =>
  Deno.readTextFileSync(`/proc/${run.pid}/task/${t.name}/comm`).trim()
);
console.log("threads:", tasks.join(","));
await run[Symbol.asyncDispose]();
