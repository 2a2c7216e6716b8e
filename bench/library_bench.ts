// Library benchmark (actors/library/, ui/http/library.ts):
//  1. scanning 1,000 files (copies of five 2 s clips that gst-launch-1.0
//     makes, in mp4, mkv, webm, avi and mov): GStreamer's discoverer through
//     FFI plus a thumbnail per file, beside `ffprobe` run once per file (a
//     program per file: what the library avoids) on 100 of them; and the
//     rescan of the 1,000 unchanged;
//  2. time to first byte of a Range request through the library's route,
//     beside a bare Deno.serve handler reading the same bytes;
//  3. CPU of a remux (Matroska → fragmented MP4, 60 s of 720p H.264 + AAC)
//     beside a plain read of the same file through the same route.
//
//   deno run -A bench/library_bench.ts [--files 1000]

import { Hono } from "hono";
import { Library } from "../actors/library/library.ts";
import { libraryRoutes } from "../ui/http/library.ts";
import { PRINCIPAL } from "../ui/http/access.ts";
import { remuxStream } from "../actors/library/remux.ts";
import { CLIPS, makeClip } from "../tests/actors/library/_clips.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i < 0 ? fallback : Number(Deno.args[i + 1]);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

/** CPU seconds of this process so far (every thread, GStreamer's included): /proc/self/stat. */
function cpuSeconds(): number {
  const f = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

const FILES = arg("--files", 1000);
const root = await Deno.makeTempDir({ prefix: "eyrie-library-bench-" });
const films = `${root}/films`;
await Deno.mkdir(films);
try {
  // 1. Scan.
  const names = Object.keys(CLIPS);
  for (const n of names) await makeClip(CLIPS[n], `${root}/${n}`);
  for (let i = 0; i < FILES; i++) {
    const n = names[i % names.length];
    const dir = `${films}/${String(Math.floor(i / 100)).padStart(2, "0")}`;
    await Deno.mkdir(dir, { recursive: true });
    await Deno.copyFile(`${root}/${n}`, `${dir}/${i}-${n}`);
  }
  const library = new Library([{ id: "films", path: films }], { dataDir: `${root}/data` });
  let t0 = performance.now();
  const [report] = await library.start();
  const scanMs = performance.now() - t0;
  t0 = performance.now();
  const again = await library.scan("films");
  const rescanMs = performance.now() - t0;
  const probeN = 100;
  t0 = performance.now();
  for (let i = 0; i < probeN; i++) {
    const n = names[i % names.length];
    const dir = `${films}/${String(Math.floor(i / 100)).padStart(2, "0")}`;
    const out = await new Deno.Command("ffprobe", {
      args: ["-v", "error", "-show_format", "-show_streams", "-of", "json", `${dir}/${i}-${n}`],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (out.code !== 0) throw new Error("ffprobe failed");
  }
  const probeMs = (performance.now() - t0) / probeN;
  console.log(`scan: ${report.files} files, ${report.errors} errors, ${report.read} read`);
  console.log(
    `| scan of ${FILES} files (discoverer + thumbnail) | ${(scanMs / 1000).toFixed(1)} s | ` +
      `${(scanMs / FILES).toFixed(1)} ms/file |`,
  );
  console.log(
    `| rescan, unchanged (read ${again.read}) | ${rescanMs.toFixed(0)} ms | ${
      (rescanMs / FILES).toFixed(2)
    } ms/file |`,
  );
  console.log(`| anchor: ffprobe per file (${probeN} files) | | ${probeMs.toFixed(1)} ms/file |`);
  console.log(`scan ÷ ffprobe per file: ${((scanMs / FILES) / probeMs).toFixed(2)}×`);

  // 2. TTFB of a Range request, through the route and through a bare handler.
  // As the console with auth off: the local principal (the access check itself is not measured).
  const local = new Hono().use((c, next) => {
    c.set(PRINCIPAL as never, { kind: "local" } as never);
    return next();
  });
  const app = local.route("/", libraryRoutes(library));
  const item = library.index.list("films").find((i) => i.mime === "video/mp4")!;
  const path = (await library.pathOf(item))!;
  const routed = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  const bare = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async () => {
    using f = await Deno.open(path);
    await f.seek(1000, Deno.SeekMode.Start);
    const buf = new Uint8Array(4096);
    const n = (await f.read(buf)) ?? 0;
    return new Response(buf.subarray(0, n), { status: 206 });
  });
  const ttfb = async (url: string) => {
    const ms: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      const res = await fetch(url, { headers: { range: "bytes=1000-5095" } });
      if (res.status !== 206) throw new Error(`${url}: ${res.status}`);
      const reader = res.body!.getReader();
      await reader.read();
      ms.push(performance.now() - t);
      await reader.cancel();
    }
    return ms.slice(50); // warmed up
  };
  const viaRoute = await ttfb(`http://127.0.0.1:${routed.addr.port}/api/library/items/${item.id}`);
  const viaBare = await ttfb(`http://127.0.0.1:${bare.addr.port}/`);
  await routed.shutdown();
  await bare.shutdown();
  console.log(
    `| Range TTFB, route | p50 ${pct(viaRoute, 0.5).toFixed(2)} ms | p95 ${
      pct(viaRoute, 0.95).toFixed(2)
    } ms |`,
  );
  console.log(
    `| anchor: bare handler | p50 ${pct(viaBare, 0.5).toFixed(2)} ms | p95 ${
      pct(viaBare, 0.95).toFixed(2)
    } ms |`,
  );
  console.log(`TTFB route ÷ bare (p50): ${(pct(viaRoute, 0.5) / pct(viaBare, 0.5)).toFixed(2)}×`);
  await library[Symbol.asyncDispose]();

  // 3. Remux CPU against a plain read of a 60 s 720p Matroska file.
  const long = `${root}/long/film.mkv`;
  await Deno.mkdir(`${root}/long`);
  await makeClip(
    // Snow: every frame new, so the 4 Mbit/s is spent (~30 MB), as a film's would be.
    "videotestsrc num-buffers=1800 pattern=snow ! video/x-raw,format=I420,width=1280,height=720,framerate=30/1 " +
      "! x264enc speed-preset=ultrafast bitrate=4000 vbv-buf-capacity=1000 key-int-max=60 ! h264parse ! queue ! m. " +
      "audiotestsrc num-buffers=2600 ! audioconvert ! audio/x-raw,rate=44100,channels=2 ! avenc_aac ! aacparse " +
      "! queue ! m. matroskamux name=m",
    long,
  );
  const lib2 = new Library([{ id: "long", path: `${root}/long` }], { dataDir: `${root}/data2` });
  await lib2.start();
  const film = lib2.index.list("long")[0];
  const app2 = new Hono().use((c, next) => {
    c.set(PRINCIPAL as never, { kind: "local" } as never);
    return next();
  }).route("/", libraryRoutes(lib2));
  // Each way 3 times (CPU time is counted in 10 ms ticks); figures per run.
  const measure = async (body: () => Promise<ReadableStream<Uint8Array>>) => {
    const c0 = cpuSeconds();
    const w0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      for await (const chunk of await body()) bytes += chunk.byteLength;
    }
    return {
      cpu: (cpuSeconds() - c0) / 3,
      wall: (performance.now() - w0) / 3000,
      bytes: bytes / 3,
    };
  };
  const plain = await measure(async () => {
    const res = await app2.fetch(new Request(`http://x/api/library/items/${film.id}`));
    if (res.status !== 200) throw new Error(`plain read: ${res.status}`);
    return res.body!;
  });
  // The remux stream alone (the route would also start the background copy).
  const filmPath = (await lib2.pathOf(film))!;
  const remux = await measure(() => remuxStream(filmPath, { mime: film.mime, audio: true }));
  console.log(
    `| plain read | ${plain.bytes} B | ${plain.cpu.toFixed(2)} s CPU | ${
      plain.wall.toFixed(2)
    } s |`,
  );
  console.log(
    `| remux to fMP4 | ${remux.bytes} B | ${remux.cpu.toFixed(2)} s CPU | ${
      remux.wall.toFixed(2)
    } s |`,
  );
  console.log(
    `remux ÷ plain CPU: ${(remux.cpu / Math.max(plain.cpu, 0.01)).toFixed(1)}×; ` +
      `remux CPU per minute of film: ${(remux.cpu / (film.duration_s / 60)).toFixed(2)} s ` +
      `(${((remux.cpu / film.duration_s) * 100).toFixed(1)}% of a core in real time)`,
  );
  await lib2[Symbol.asyncDispose]();
} finally {
  await Deno.remove(root, { recursive: true });
}
