// The forward over QUIC (RTP in datagrams) against the forward over TLS/TCP,
// on a lossy, slow link, in one run:
//
//   sudo deno task bench quic            (root: it makes network namespaces)
//
// Two network namespaces joined by a link that delays the sender's packets by
// 50 ms and drops 0, 2 or 5 % of them (bench/_link.py: this kernel has no
// sch_netem, so the link is a user-space TUN pair doing what `tc qdisc add dev
// <sender side> root netem delay 50ms loss N%` would; the way back is clean
// and immediate). In the sender's namespace a real `eyrie run` encodes a
// 640x480 x264 test camera at 1000 kbit/s and forwards it; in the receiver's
// namespace this script (--receiver) receives with the same transport code as
// `eyrie receive`. Per row: after a 3 s warm-up, the frames captured in the
// next 20 s that arrive (by 5 s after the window), and their latency from
// capture to arrival (one clock: both namespaces are on this host).
// Keyframe requests after a loss reach the real encoder. Prints a markdown
// table.
import { join } from "node:path";
import { acceptPin, initCa, issueCert } from "../certs/mod.ts";
import { listenQuicReceiver } from "../transports/quic/mod.ts";
import { listenAuReceiver } from "../transports/tls/mod.ts";

const FPS = 30;
const WARMUP_S = 3;
const WINDOW_S = 20;
/** Frames arriving later than this after the window are not waited for (and are not delivered). */
const GRACE_S = 5;
const LOSSES = (Deno.env.get("QUIC_BENCH_LOSSES") ?? "0,2,5").split(",").map(Number);
const DELAY_MS = 50;
const SENDER_IP = "10.79.0.1";
const RECEIVER_IP = "10.79.0.2";
const PORT = 7443;
const ROOT = new URL("..", import.meta.url).pathname;

type Transport = "tls" | "quic";

interface Report {
  transport: Transport;
  delivered: number;
  expected: number;
  latencyMs: number[];
  gaps: number;
  keyframeRequests: number;
}

const nowNs = () => (performance.timeOrigin + performance.now()) * 1e6;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// ---------------------------------------------------------------- receiver

async function receiverMain(transport: Transport, certsDir: string): Promise<void> {
  const options = { certsDir, name: "console", host: RECEIVER_IP, port: PORT };
  const receiver = transport === "quic"
    ? await listenQuicReceiver(options)
    : await listenAuReceiver({ ...options, watch: false });
  console.log("listening");
  let windowStart = 0;
  let windowEnd = 0;
  let delivered = 0;
  const latencyMs: number[] = [];
  let stopAt = Infinity;
  const ticker = setInterval(() => {
    if (nowNs() > stopAt) receiver.close();
  }, 100);
  const debug = Deno.env.get("QUIC_BENCH_DEBUG") === "1";
  let seen = 0;
  for await (const au of receiver) {
    const at = nowNs();
    if (debug && seen++ < 5) {
      console.error(`first units: age ${((at - au.captureNs) / 1e6).toFixed(1)} ms`);
    }
    if (windowStart === 0) {
      windowStart = au.captureNs + WARMUP_S * 1e9;
      windowEnd = windowStart + WINDOW_S * 1e9;
      stopAt = windowEnd + GRACE_S * 1e9;
    }
    if (au.captureNs >= windowStart && au.captureNs < windowEnd) {
      delivered++;
      latencyMs.push((at - au.captureNs) / 1e6);
    }
    if (at > stopAt) break;
  }
  clearInterval(ticker);
  const stats = receiver.stats as { gaps: number; keyframeRequests?: number };
  await receiver.close();
  const report: Report = {
    transport,
    delivered,
    expected: WINDOW_S * FPS,
    latencyMs,
    gaps: stats.gaps,
    keyframeRequests: stats.keyframeRequests ?? 0,
  };
  console.log(JSON.stringify(report));
}

// ---------------------------------------------------------------- driver

async function sh(cmd: string[], allowFail = false): Promise<string> {
  const out = await new Deno.Command(cmd[0], { args: cmd.slice(1), stdin: "null" }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success && !allowFail) throw new Error(`${cmd.join(" ")}: ${text.trim()}`);
  return text;
}

/** Line reader over a child's stdout. */
function lines(stream: ReadableStream<Uint8Array<ArrayBuffer>>): () => Promise<string | null> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  return async () => {
    for (;;) {
      const i = buf.indexOf("\n");
      if (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        return line;
      }
      const { value, done } = await reader.read();
      if (done) return buf === "" ? null : buf;
      buf += value;
    }
  };
}

async function row(
  transport: Transport,
  loss: number,
  ctx: {
    ns: { s: string; r: string };
    certsDir: string;
    tmp: string;
    link: (cmd: string) => Promise<string>;
  },
): Promise<Report & { loss: number; linkDropped: number; linkIn: number }> {
  await ctx.link(`set ${DELAY_MS} ${loss} 0 0 ${loss * 1000 + (transport === "quic" ? 1 : 2)}`);
  const receiver = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      ctx.ns.r,
      Deno.execPath(),
      "run",
      "-A",
      "--unstable-net",
      new URL(import.meta.url).pathname,
      "--receiver",
      transport,
      ctx.certsDir,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "inherit",
    stdin: "null",
  }).spawn();
  const next = lines(receiver.stdout);
  if ((await next()) !== "listening") throw new Error("the bench receiver did not start");
  const config = join(ctx.tmp, `cam-${transport}-${loss}.toml`);
  await Deno.writeTextFile(
    config,
    `data_dir = "${ctx.tmp}/cam-data"
[console]
listen = "127.0.0.1:0"
[[camera]]
id = "front"
source = "test"
width = 640
height = 480
fps = ${FPS}
encoder = "x264"
bitrate_kbps = 1000
  [[camera.forward]]
  transport = "${transport}"
  host = "${RECEIVER_IP}"
  port = ${PORT}
  remote = "hub"
  cert = "cam"
  dir = "${ctx.certsDir}"
`,
  );
  const sender = new Deno.Command("ip", {
    args: [
      "netns",
      "exec",
      ctx.ns.s,
      Deno.execPath(),
      "run",
      "--unstable-net",
      "-A",
      join(ROOT, "main.ts"),
      "run",
      "--config",
      config,
    ],
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  // The sender's log lines about its forward: why a row delivered nothing, if it did.
  const forwardLog: string[] = [];
  const logs = (async () => {
    const next = lines(sender.stderr);
    for (let l = await next(); l !== null; l = await next()) {
      if (l.includes('"forward') && forwardLog.length < 20) forwardLog.push(l);
    }
  })();
  try {
    const line = await next();
    if (line === null) throw new Error("the bench receiver ended without a report");
    const report = JSON.parse(line) as Report;
    if (report.delivered === 0 || Deno.env.get("QUIC_BENCH_DEBUG") === "1") {
      console.error(forwardLog.join("\n"));
    }
    const [abIn, abDropped] = (await ctx.link("stats")).split(" ").slice(1).map(Number);
    return { ...report, loss, linkIn: abIn, linkDropped: abDropped };
  } finally {
    sender.kill("SIGTERM");
    await sender.status;
    await logs;
    await receiver.status;
  }
}

async function main(): Promise<void> {
  if (Deno.uid() !== 0) {
    console.error(
      "quic bench: needs root (it creates network namespaces): sudo deno task bench quic",
    );
    Deno.exit(2);
  }
  const tmp = await Deno.makeTempDir({ prefix: "eyrie-quic-bench-" });
  const certsDir = join(tmp, "certs");
  await initCa({ dir: certsDir, algorithm: "p256" });
  const server = await issueCert(certsDir, { kind: "server", name: "console" });
  await issueCert(certsDir, { kind: "client", name: "cam" });
  await acceptPin(certsDir, "hub", server.fingerprint256);

  const tag = String(Deno.pid % 100000);
  const ns = { s: `eyrie-qs-${tag}`, r: `eyrie-qr-${tag}` };
  const tun = { s: `eqs${tag}`, r: `eqr${tag}` };
  const linkProc = new Deno.Command("/usr/bin/python3", {
    args: [join(ROOT, "bench/_link.py"), tun.s, tun.r],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const linkIn = linkProc.stdin.getWriter();
  const linkOut = lines(linkProc.stdout);
  const link = async (cmd: string) => {
    await linkIn.write(new TextEncoder().encode(`${cmd}\n`));
    return (await linkOut()) ?? "";
  };
  try {
    if ((await linkOut()) !== "ready") throw new Error("the link emulator did not start");
    for (
      const [name, dev, ip, peer] of [
        [ns.s, tun.s, SENDER_IP, RECEIVER_IP],
        [ns.r, tun.r, RECEIVER_IP, SENDER_IP],
      ]
    ) {
      await sh(["ip", "netns", "add", name]);
      await sh(["ip", "link", "set", dev, "netns", name]);
      await sh(["ip", "-n", name, "addr", "add", ip, "peer", peer, "dev", dev]);
      await sh(["ip", "-n", name, "link", "set", dev, "up"]);
      await sh(["ip", "-n", name, "link", "set", "lo", "up"]);
    }
    const rows = [];
    for (const loss of LOSSES) {
      for (
        const transport of (Deno.env.get("QUIC_BENCH_TRANSPORTS") ?? "tls,quic").split(
          ",",
        ) as Transport[]
      ) {
        const r = await row(transport, loss, { ns, certsDir, tmp, link });
        const sorted = [...r.latencyMs].sort((a, b) => a - b);
        rows.push({
          ...r,
          p50: quantile(sorted, 0.5),
          p95: quantile(sorted, 0.95),
          max: sorted.at(-1) ?? NaN,
        });
        console.error(
          `quic bench: ${transport} ${loss}%: ${r.delivered}/${r.expected} frames, p95 ${
            quantile(sorted, 0.95).toFixed(1)
          } ms`,
        );
      }
    }
    console.log(
      `\nLink: ${DELAY_MS} ms and N % loss sender → receiver, clean back; 640x480 x264 1000 kbit/s, ${FPS} fps; ` +
        `${WINDOW_S} s window after ${WARMUP_S} s\n`,
    );
    console.log(
      "| loss | transport | frames delivered | delivered % | p50 ms | p95 ms | max ms | link packets dropped | receiver gaps | keyframe requests |",
    );
    console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of rows) {
      console.log(
        `| ${r.loss} % | ${
          r.transport === "tls" ? "TLS/TCP" : "QUIC datagrams"
        } | ${r.delivered} / ${r.expected} | ${(100 * r.delivered / r.expected).toFixed(1)} | ${
          r.p50.toFixed(1)
        } | ${r.p95.toFixed(1)} | ${
          r.max.toFixed(1)
        } | ${r.linkDropped} / ${r.linkIn} | ${r.gaps} | ${
          r.transport === "quic" ? r.keyframeRequests : "–"
        } |`,
      );
    }
    console.log("");
    for (const loss of LOSSES) {
      const t = rows.find((r) => r.loss === loss && r.transport === "tls");
      const q = rows.find((r) => r.loss === loss && r.transport === "quic");
      if (t === undefined || q === undefined) continue;
      console.log(`- ${loss} %: QUIC p95 ÷ TCP p95 = ${(q.p95 / t.p95).toFixed(2)}×`);
    }
  } finally {
    await linkIn.close().catch(() => {});
    await linkProc.status;
    for (const name of [ns.s, ns.r]) await sh(["ip", "netns", "del", name], true);
    await Deno.remove(tmp, { recursive: true });
  }
}

if (Deno.args[0] === "--receiver") {
  await receiverMain(Deno.args[1] as Transport, Deno.args[2]);
  Deno.exit(0);
} else {
  await main();
}
