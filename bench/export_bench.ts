// Export priority benchmark: what a WebM transcode does to a recording
// camera's encoder, at normal priority and at the nice 19 eyrie runs it at.
//
//   deno run -A bench/export_bench.ts [--seconds 30] [--rounds 2]
//
// A 60 s 1280x720@30 H.264 segment (mkv) is made first. Then three phases of
// `seconds` each:
//
// - encoder alone: a Deno process running a camera's software encoder path
//   (`videotestsrc is-live=true` 1280x720@30, moving, `x264enc
//   speed-preset=ultrafast tune=zerolatency` at 2 Mbit/s) into an appsink it
//   pulls through ffi/, as eyrie's encoder actor does;
// - the same, with eyrie's real transcode child (`eyrie __transcode`, VP8)
//   exporting the segment over and over at nice 0;
// - the same at nice 19 (`nice -n 19`, as ui/http/_transcode.ts starts it).
//
// For the encoder: frames it delivered in the phase of the 30 a second a
// camera makes, and how late each frame left the encoder after its capture
// time, counted from the first frame (p50, p99, max). For the transcode:
// media seconds it made per second (× real time).

import { join } from "node:path";
import { Pipeline } from "../ffi/gst/mod.ts";
import { muxChainArgs } from "../actors/recorder/mod.ts";

const FPS = 30;
const MAIN = new URL("../main.ts", import.meta.url).pathname;

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(name);
  return i < 0 ? fallback : Number(Deno.args[i + 1]);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

// ---------------------------------------------------------------------------
// Child: the camera's encoder, measured.

function encoder(seconds: number) {
  using p = Pipeline.parse(
    "videotestsrc is-live=true pattern=smpte horizontal-speed=4 " +
      `! video/x-raw,width=1280,height=720,framerate=${FPS}/1 ` +
      "! x264enc speed-preset=ultrafast tune=zerolatency bitrate=2000 key-int-max=30 " +
      "! appsink name=out sync=false max-buffers=4",
  );
  const sink = p.appSink("out");
  p.setState("playing", { timeoutMs: 5000 });
  let t0: number | null = null;
  const lateMs: number[] = [];
  let firstPts = 0;
  while (t0 === null || performance.now() - t0 < seconds * 1000) {
    const s = sink.pull({ timeoutMs: 5000 });
    if (s === null) throw new Error("The encoder stopped");
    const pts = s.pts ?? 0;
    // x264enc offsets pts by 1000 h: count from the first frame, which sets the baseline
    // (the live source's pts is its capture time; a frame is late by the wall time past it).
    if (t0 === null) {
      t0 = performance.now();
      firstPts = pts;
    }
    lateMs.push(performance.now() - t0 - (pts - firstPts) / 1e6);
  }
  // What a live camera makes in that time; an encoder that falls behind delivers fewer.
  console.log(JSON.stringify({ frames: lateMs.length, made: seconds * FPS, lateMs }));
}

// ---------------------------------------------------------------------------
// Parent.

async function makeSegment(file: string) {
  const out = await new Deno.Command("gst-launch-1.0", {
    args: [
      "-q",
      ...`videotestsrc num-buffers=${
        60 * FPS
      } pattern=smpte horizontal-speed=4 ! video/x-raw,width=1280,height=720,framerate=${FPS}/1 ! x264enc tune=zerolatency speed-preset=ultrafast bitrate=2000 key-int-max=30 ! video/x-h264,stream-format=byte-stream,alignment=au`
        .split(" "),
      "!",
      ...muxChainArgs(file, { container: "mkv", codec: "h264", fps: FPS }),
    ],
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

/** Runs transcodes of `file` back to back until `signal`; media seconds made. */
async function transcodes(file: string, nice: boolean, signal: AbortSignal): Promise<number> {
  const job = {
    files: [{ file, startMs: 0, container: "mkv" }],
    fromMs: 0,
    toMs: 60_000,
    endMs: 60_000,
    format: "webm",
    codec: "h264",
    fps: FPS,
    kbps: 2000,
    threads: Math.min(4, navigator.hardwareConcurrency),
  };
  let media = 0;
  while (!signal.aborted) {
    const cmd = [Deno.execPath(), "run", "-A", MAIN, "__transcode"];
    const child = new Deno.Command(nice ? "nice" : cmd[0], {
      args: nice ? ["-n", "19", ...cmd] : cmd.slice(1),
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(JSON.stringify(job)));
    await w.close();
    const drain = child.stdout.pipeTo(new WritableStream()).catch(() => {});
    let last = 0;
    const onAbort = () => child.kill("SIGKILL");
    signal.addEventListener("abort", onAbort);
    for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
      for (const m of text.matchAll(/"progress":([\d.]+)/g)) last = Number(m[1]);
    }
    signal.removeEventListener("abort", onAbort);
    await child.status;
    await drain;
    media += last / 1000;
  }
  return media;
}

async function phase(name: string, seconds: number, segment: string, nice: boolean | null) {
  const stop = new AbortController();
  const started = performance.now();
  const load = nice === null ? Promise.resolve(0) : transcodes(segment, nice, stop.signal);
  // Let the transcode get going before the encoder is measured.
  if (nice !== null) await new Promise((r) => setTimeout(r, 2000));
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--encoder", String(seconds)],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  stop.abort();
  const media = await load;
  const wall = (performance.now() - started) / 1000;
  const e = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    frames: number;
    made: number;
    lateMs: number[];
  };
  const late = e.lateMs.slice(FPS); // the first second settles
  return `| ${name} | ${e.frames} of ${e.made} | ${pct(late, 50).toFixed(0)} | ${
    pct(late, 99).toFixed(0)
  } | ${Math.max(...late).toFixed(0)} | ${nice === null ? "—" : (media / wall).toFixed(2)} |`;
}

async function main() {
  const seconds = arg("--seconds", 30);
  const dir = await Deno.makeTempDir({ prefix: "eyrie-export-bench-" });
  try {
    const segment = join(dir, "seg.mkv");
    await makeSegment(segment);
    console.log(
      `encoder: 1280x720@${FPS} x264 ultrafast; transcode: 1280x720@${FPS} H.264 → VP8 ` +
        `(${navigator.hardwareConcurrency} cores); ${seconds} s a phase\n`,
    );
    console.log(
      "| phase | encoder frames delivered | late p50 (ms) | late p99 (ms) | late max (ms) | transcode × real time |",
    );
    console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
    // Rounds in turn, so a change in the machine's other load colours every phase alike.
    for (let round = 0; round < arg("--rounds", 2); round++) {
      console.log(await phase("encoder alone", seconds, segment, null));
      console.log(await phase("+ transcode at nice 0", seconds, segment, false));
      console.log(await phase("+ transcode at nice 19", seconds, segment, true));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (Deno.args[0] === "--encoder") encoder(Number(Deno.args[1]));
else await main();
