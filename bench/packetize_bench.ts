// Packetization benchmark: RFC 2435 (JPEG) and RFC 6184 FU-A (H.264) against
// a plain memcpy of the same bytes and against GStreamer's rtpjpegpay and
// rtph264pay, all in the same run.
//
//   deno run -A bench/packetize_bench.ts
//
// Prints a markdown table. ns/frame is the fastest batch in a fresh process
// (header stamping into a preallocated PacketBuffer included). CPU s is
// whole-process user+system time from /usr/bin/time for 100,000 frames: a
// child Deno process running the packetizer, and gst-launch-1.0 running
// `multifilesrc loop=true ! caps ! <payloader> ! fakesink`; "gst source only"
// is the same pipeline without the payloader, to show what the payloader adds.

import {
  H264Payloader,
  JpegPayloader,
  PacketBuffer,
  type Payloader,
  RtpPacketizer,
} from "../transports/rtp/mod.ts";

const FRAMES = 100_000;
const MTU = 1400;

function payloader(kind: string): Payloader {
  return kind === "jpeg" ? new JpegPayloader({ mtu: MTU }) : new H264Payloader({ mtu: MTU });
}

/**
 * ns per call of `fn`: the fastest of 31 batches of ~10 ms, after ~300 ms of
 * warm-up. The minimum, not the median: this machine is shared, and other
 * processes only ever add time.
 */
function nsPerCall(fn: () => void): number {
  let n = 1;
  for (let t = 0; t < 10; n *= 2) {
    const s = performance.now();
    for (let i = 0; i < n; i++) fn();
    t = performance.now() - s;
  }
  for (const end = performance.now() + 300; performance.now() < end;) fn();
  const samples: number[] = [];
  for (let b = 0; b < 31; b++) {
    const s = performance.now();
    for (let i = 0; i < n; i++) fn();
    samples.push(((performance.now() - s) * 1e6) / n);
  }
  return Math.min(...samples);
}

// Child modes, each in a fresh process so that every row gets its own JIT
// state: "--cpu" packetizes one file FRAMES times and exits (measured from
// outside); "--ns" prints ns/frame for the packetizer and for memcpy.
if (Deno.args[0] === "--cpu" || Deno.args[0] === "--ns") {
  const [mode, kind, file, count] = Deno.args;
  const data = await Deno.readFile(file);
  const p = new RtpPacketizer(payloader(kind), { payloadType: kind === "jpeg" ? 26 : 96, ssrc: 1 });
  const buf = new PacketBuffer({ slots: 128, slotBytes: MTU });
  const frame = { data, ptsNs: 0, captureNs: 0 };
  let packets = 0;
  const packetize = () => {
    buf.clear();
    frame.ptsNs += 33_333_333;
    packets = p.packetize(frame, buf);
  };
  if (mode === "--cpu") {
    const frames = count === undefined ? FRAMES : Number(count);
    for (let i = 0; i < frames; i++) packetize();
    if (frames === 0) packets = 1;
  } else {
    const dst = new Uint8Array(data.length);
    const ns = nsPerCall(packetize);
    const memcpyNs = nsPerCall(() => dst.set(data));
    console.log(JSON.stringify({ ns, memcpyNs, packets }));
  }
  Deno.exit(packets > 0 ? 0 : 1);
}

async function sh(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`${cmd} failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
}

/** user + system CPU seconds of a command, from /usr/bin/time. */
async function cpuSeconds(cmd: string, args: string[]): Promise<number> {
  const text = await sh("/usr/bin/time", ["-f", "CPU %U %S", cmd, ...args]);
  const m = text.match(/CPU ([\d.]+) ([\d.]+)\s*$/);
  if (!m) throw new Error(`no CPU times in: ${text}`);
  return Number(m[1]) + Number(m[2]);
}

function gst(pipeline: string): string[] {
  return ["-q", ...pipeline.split(/\s+/)];
}

const dir = await Deno.makeTempDir({ prefix: "eyrie-packetize-bench-" });

// A JPEG of about `target` bytes: SMPTE bars at 320x240, 640x480 or 1280x720,
// jpegenc's quality found by bisection.
async function jpegOf(
  target: number,
): Promise<{ file: string; size: number; w: number; h: number }> {
  const [w, h] = target <= 8_000 ? [320, 240] : target <= 30_000 ? [640, 480] : [1280, 720];
  let lo = 1, hi = 100, best = { file: "", size: 0, q: 0 };
  while (lo <= hi) {
    const q = (lo + hi) >> 1;
    const file = `${dir}/jpeg-${target}-${q}.jpg`;
    await sh(
      "gst-launch-1.0",
      gst(
        `videotestsrc num-buffers=1 pattern=smpte ! video/x-raw,width=${w},height=${h},format=I420 ! ` +
          `jpegenc quality=${q} ! filesink location=${file}`,
      ),
    );
    const size = (await Deno.stat(file)).size;
    if (Math.abs(size - target) < Math.abs(best.size - target)) best = { file, size, q };
    if (size < target) lo = q + 1;
    else hi = q - 1;
  }
  return { file: best.file, size: best.size, w, h };
}

// An IDR access unit (SPS, PPS, IDR) and a P access unit from x264 at 1280x720.
async function h264Aus(): Promise<{ file: string; size: number; label: string }[]> {
  await sh(
    "gst-launch-1.0",
    gst(
      `videotestsrc num-buffers=2 pattern=smpte ! video/x-raw,width=1280,height=720,format=I420 ! ` +
        `x264enc key-int-max=30 speed-preset=ultrafast tune=zerolatency bitrate=8000 ! ` +
        `h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! ` +
        `multifilesink location=${dir}/au-%d.h264`,
    ),
  );
  return await Promise.all([0, 1].map(async (i) => {
    const file = `${dir}/au-${i}.h264`;
    return { file, size: (await Deno.stat(file)).size, label: i === 0 ? "IDR" : "P" };
  }));
}

interface Row {
  label: string;
  bytes: number;
  packets: number;
  ns: number;
  memcpyNs: number;
  cpu: number;
  gstCpu: number;
  gstSourceCpu: number;
  gstName: string;
}

async function measure(
  kind: "jpeg" | "h264",
  label: string,
  file: string,
  caps: string,
): Promise<Row> {
  const data = await Deno.readFile(file);
  const self = new URL(import.meta.url).pathname;
  const printed = await sh(Deno.execPath(), ["run", "-A", self, "--ns", kind, file]);
  const { ns, memcpyNs, packets } = JSON.parse(
    printed.slice(printed.indexOf("{"), printed.indexOf("}") + 1),
  );
  const cpu = await cpuSeconds(Deno.execPath(), ["run", "-A", self, "--cpu", kind, file]);
  const pay = kind === "jpeg" ? "rtpjpegpay" : "rtph264pay";
  const src = `multifilesrc location=${file} loop=true num-buffers=${FRAMES} ! ${caps}`;
  const gstCpu = await cpuSeconds(
    "gst-launch-1.0",
    gst(`${src} ! ${pay} mtu=${MTU} ! fakesink sync=false`),
  );
  const gstSourceCpu = await cpuSeconds("gst-launch-1.0", gst(`${src} ! fakesink sync=false`));
  return {
    label,
    bytes: data.length,
    packets,
    ns,
    memcpyNs,
    cpu,
    gstCpu,
    gstSourceCpu,
    gstName: pay,
  };
}

const rows: Row[] = [];
for (const target of [5_000, 20_000, 50_000, 100_000]) {
  const j = await jpegOf(target);
  rows.push(
    await measure(
      "jpeg",
      `JPEG ${Math.round(j.size / 1000)} KB`,
      j.file,
      `image/jpeg,width=${j.w},height=${j.h},framerate=30/1`,
    ),
  );
}
for (const au of await h264Aus()) {
  rows.push(
    await measure(
      "h264",
      `H.264 ${au.label} ${Math.round(au.size / 1000)} KB`,
      au.file,
      "video/x-h264,stream-format=byte-stream,alignment=au,width=1280,height=720,framerate=30/1",
    ),
  );
}
await Deno.remove(dir, { recursive: true });

const cpuInfo = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.+)/)?.[1] ??
  "unknown CPU";
const f = (n: number, d = 2) => n.toFixed(d);
const self = new URL(import.meta.url).pathname;
const startup = await cpuSeconds(Deno.execPath(), [
  "run",
  "-A",
  self,
  "--cpu",
  "jpeg",
  "/dev/null",
  "0",
]);
const load = (await Deno.readTextFile("/proc/loadavg")).split(" ")[0];
const gstVersion = (await sh("gst-launch-1.0", ["--version"])).match(/GStreamer ([\d.]+)/)?.[1];
console.log(
  `Machine: ${cpuInfo}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, ` +
    `GStreamer ${gstVersion}, MTU ${MTU}; load average ${load} at the end of the run. ` +
    `The eyrie CPU column includes ${f(startup)} s of Deno start-up (the same child, 0 frames).`,
);
console.log("");
console.log(
  "| frame | packets | eyrie ns/frame | memcpy ns/frame | × memcpy | eyrie CPU s / 100k | GStreamer CPU s / 100k | gst source only | eyrie ÷ GStreamer |",
);
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.label} | ${r.packets} | ${f(r.ns, 0)} | ${f(r.memcpyNs, 0)} | ${
      f(r.ns / r.memcpyNs)
    } | ` +
      `${f(r.cpu)} | ${f(r.gstCpu)} (${r.gstName}) | ${f(r.gstSourceCpu)} | ${
        f(r.cpu / r.gstCpu)
      } |`,
  );
}
