// The access-unit transport over mTLS against the same framing over plain
// TCP, in one run:
//
//   deno run --allow-all bench/tls_bench.ts
//
// Each row gets a fresh receiver process (this script with --receiver), so
// the sender's and the receiver's CPU are measured apart with
// process.cpuUsage(). Rows: mTLS handshakes per second (connect, greeting,
// close; TCP connects as the anchor), an 8 Mbps-like stream (30 fps × 33 KB,
// paced by a timer) and the maximum throughput (33 KB AUs as fast as the
// sender's queue takes them). Prints a markdown table.
import net from "node:net";
import tls from "node:tls";
import process from "node:process";
import { join } from "node:path";
import { FrameFlags, FrameFormat } from "../actors/defs.ts";
import { initCa, issueCert, type KeyAlgorithm, listCerts, loadClientTls } from "../certs/mod.ts";
import {
  type AccessUnit,
  AuReceiver,
  AuSender,
  connectAuSender,
  listenAuReceiver,
} from "../transports/tls/mod.ts";

/** 8 Mbit/s at 30 fps is 33,333 bytes per access unit. */
const AU_BYTES = 33_333;
const FPS = 30;
const GOP = 30;
const PACED_SECONDS = 10;
/** The maximum-throughput rows move this much: a fixed amount, so a slow row is slow, not short. */
const MAX_ACCESS_UNITS = 6_000;
const HANDSHAKE_SECONDS = 3;
const QUEUE = 60;

type Mode = "tls" | "tcp";

interface ReceiverReport {
  aus: number;
  bytes: number;
  firstMs: number;
  lastMs: number;
  latencyMs: number[];
  cpuS: number;
}

const nowMs = () => performance.timeOrigin + performance.now();
const cpuSeconds = (since: ReturnType<typeof process.cpuUsage>) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};

// ---------------------------------------------------------------- receiver

async function receiverMain(mode: Mode, certsDir: string): Promise<void> {
  const report: ReceiverReport = {
    aus: 0,
    bytes: 0,
    firstMs: 0,
    lastMs: 0,
    latencyMs: [],
    cpuS: 0,
  };
  const onAccessUnit = (unit: { captureNs: number; data: Uint8Array }) => {
    const at = nowMs();
    if (report.aus === 0) report.firstMs = at;
    report.lastMs = at;
    report.aus++;
    report.bytes += unit.data.length;
    if (report.latencyMs.length < 10_000) report.latencyMs.push(at - unit.captureNs / 1e6);
  };
  let receiver: AuReceiver;
  let port: number;
  let stop: () => Promise<void>;
  if (mode === "tls") {
    const tls = await listenAuReceiver({ certsDir, name: "console", watch: false, onAccessUnit });
    receiver = tls;
    port = tls.port;
    stop = () => tls.close();
  } else {
    const plain = new AuReceiver({ onAccessUnit });
    receiver = plain;
    const server = net.createServer((socket) => plain.accept(socket, null));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    port = (server.address() as net.AddressInfo).port;
    stop = async () => {
      await plain.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
  }
  const cpu = process.cpuUsage();
  console.log(`READY ${port}`);
  for await (const _ of Deno.stdin.readable) {
    // The parent closes stdin when it is done.
  }
  for (let i = 0; i < 200 && receiver.stats.active > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  report.cpuS = cpuSeconds(cpu);
  await stop();
  console.log(`DONE ${JSON.stringify(report)}`);
}

// ---------------------------------------------------------------- sender side

interface Peer {
  port: number;
  finish(): Promise<ReceiverReport>;
}

async function startReceiver(mode: Mode, certsDir: string): Promise<Peer> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", import.meta.filename!, "--receiver", mode, certsDir],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  const nextLine = async (): Promise<string> => {
    for (;;) {
      const newline = buffered.indexOf("\n");
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return line;
      }
      const { value, done } = await lines.read();
      if (done) throw new Error("The receiver process ended early");
      buffered += value;
    }
  };
  const ready = await nextLine();
  const port = Number(ready.match(/^READY (\d+)$/)?.[1]);
  return {
    port,
    async finish() {
      await child.stdin.close();
      const done = await nextLine();
      await child.status;
      return JSON.parse(done.replace(/^DONE /, ""));
    },
  };
}

/** Where a sender connects: the receiver's port, and for mTLS the certs and the pin. */
interface Target {
  mode: Mode;
  port: number;
  certs: Certs;
}

interface Certs {
  dir: string;
  /** SHA-256 of the receiver's certificate. */
  pin: string;
}

async function connect(target: Target): Promise<AuSender> {
  const { mode, port, certs } = target;
  if (mode === "tls") {
    return await connectAuSender({
      host: "127.0.0.1",
      port,
      certsDir: certs.dir,
      name: "alice",
      pins: [certs.pin],
      maxQueuedAccessUnits: QUEUE,
    });
  }
  const socket = net.connect(port, "127.0.0.1");
  await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return new AuSender(socket, { maxQueuedAccessUnits: QUEUE });
}

function accessUnit(i: number, payload: Uint8Array): AccessUnit {
  return {
    flags: i % GOP === 0 ? FrameFlags.KEYFRAME : 0,
    format: FrameFormat.H264,
    ptsNs: Math.round((i * 1e9) / FPS),
    captureNs: Math.round(nowMs() * 1e6),
    data: payload,
  };
}

interface StreamRow {
  mode: Mode;
  what: string;
  /** When the sender started. */
  startMs: number;
  offered: number;
  sent: number;
  dropped: number;
  report: ReceiverReport;
  senderCpuS: number;
}

async function stream(mode: Mode, certs: Certs, paced: boolean): Promise<StreamRow> {
  const peer = await startReceiver(mode, certs.dir);
  const sender = await connect({ mode, port: peer.port, certs });
  const payload = new Uint8Array(AU_BYTES).map((_, i) => (i * 7) & 0xff);
  const cpu = process.cpuUsage();
  const start = nowMs();
  let i = 0;
  if (paced) {
    const frameMs = 1000 / FPS;
    while (nowMs() - start < PACED_SECONDS * 1000) {
      sender.send(accessUnit(i++, payload));
      const wait = start + i * frameMs - nowMs();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } else {
    while (i < MAX_ACCESS_UNITS) {
      // As fast as the connection takes them: top the queue up to half full
      // every millisecond (half the queue is 1 MB, 10 ms at 100 MB/s).
      while (i < MAX_ACCESS_UNITS && sender.stats.queued < QUEUE / 2) {
        if (!sender.send(accessUnit(i++, payload))) break;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  await sender.close(10_000);
  const senderCpuS = cpuSeconds(cpu);
  const report = await peer.finish();
  const stats = sender.stats;
  return {
    mode,
    what: paced
      ? `${FPS} fps × ${Math.round(AU_BYTES / 1000)} KB (8 Mbps), ${PACED_SECONDS} s`
      : `max, ${MAX_ACCESS_UNITS} × 33 KB`,
    startMs: start,
    offered: stats.offered,
    sent: stats.sent,
    dropped: stats.dropped,
    report,
    senderCpuS,
  };
}

interface HandshakeRow {
  label: string;
  perSecond: number;
  cpuMsPerConnection: number;
}

/** One connection: TCP connect, or a TLS handshake and the receiver's greeting; then close. */
function connectOnce(mode: Mode, port: number, options: tls.ConnectionOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = mode === "tcp"
      ? net.connect(port, "127.0.0.1")
      : tls.connect({ ...options, host: "127.0.0.1", port });
    socket.once(mode === "tcp" ? "connect" : "data", () => socket.destroy());
    socket.once("error", reject);
    socket.once("close", () => resolve());
  });
}

async function handshakes(
  label: string,
  target: Omit<Target, "port">,
  how: "socket" | "connectAuSender",
): Promise<HandshakeRow> {
  const peer = await startReceiver(target.mode, target.certs.dir);
  const options = await loadClientTls(target.certs.dir, {
    name: "alice",
    pins: [target.certs.pin],
  });
  const once = how === "socket"
    ? () => connectOnce(target.mode, peer.port, options)
    : async () => await (await connect({ ...target, port: peer.port })).close();
  const WARM_UP = 20;
  for (let i = 0; i < WARM_UP; i++) await once();
  const cpu = process.cpuUsage();
  const start = nowMs();
  let count = 0;
  while (nowMs() - start < HANDSHAKE_SECONDS * 1000) {
    await once();
    count++;
  }
  const wallS = (nowMs() - start) / 1000;
  const senderCpuS = cpuSeconds(cpu);
  const report = await peer.finish();
  // The receiver's CPU also covers the warm-up connections.
  return {
    label,
    perSecond: count / wallS,
    cpuMsPerConnection: (senderCpuS / count + report.cpuS / (count + WARM_UP)) * 1000,
  };
}

async function makeCerts(root: string, algorithm: KeyAlgorithm): Promise<Certs> {
  const dir = join(root, algorithm, "certs");
  await initCa({ dir, algorithm, name: "eyrie bench CA" });
  await issueCert(dir, { kind: "server", name: "console" });
  await issueCert(dir, { kind: "client", name: "alice" });
  const pin = (await listCerts(dir)).find((row) => row.name === "console")!.fingerprint256;
  return { dir, pin };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[s.length >> 1];
}

async function main(): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "eyrie-tls-bench-" });
  try {
    const dirs = {
      ed25519: await makeCerts(root, "ed25519"),
      p256: await makeCerts(root, "p256"),
    };
    const shakes: HandshakeRow[] = [
      await handshakes(
        "TCP connect + close (anchor)",
        { mode: "tcp", certs: dirs.ed25519 },
        "socket",
      ),
    ];
    for (const algorithm of ["ed25519", "p256"] as const) {
      shakes.push(
        await handshakes(
          `mTLS 1.3 handshake + greeting, ${algorithm}`,
          { mode: "tls", certs: dirs[algorithm] },
          "socket",
        ),
      );
    }
    shakes.push(
      await handshakes(
        "connectAuSender() + close(), ed25519 (reads certs, CRL and pins each time)",
        { mode: "tls", certs: dirs.ed25519 },
        "connectAuSender",
      ),
    );
    const streams: StreamRow[] = [];
    for (const paced of [true, false]) {
      for (const mode of ["tcp", "tls"] as const) {
        streams.push(await stream(mode, dirs.ed25519, paced));
      }
    }
    printHandshakes(shakes);
    printStreams(streams);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function printHandshakes(rows: HandshakeRow[]): void {
  console.log("\n| connection | per second | CPU ms per connection (both ends) |");
  console.log("| --- | ---: | ---: |");
  for (const row of rows) {
    console.log(
      `| ${row.label} | ${row.perSecond.toFixed(0)} | ${row.cpuMsPerConnection.toFixed(2)} |`,
    );
  }
}

/** Seconds from the sender's first AU to the receiver's last: end to end, buffers included. */
function span(row: StreamRow): number {
  return Math.max((row.report.lastMs - row.startMs) / 1000, 1e-3);
}

function printStreams(rows: StreamRow[]): void {
  console.log(
    "\n| stream | transport | delivered MB/s | AUs delivered / offered | sender CPU s | receiver CPU s | CPU % of a core | median latency ms |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  const byWhat = new Map<string, StreamRow[]>();
  for (const row of rows) byWhat.set(row.what, [...(byWhat.get(row.what) ?? []), row]);
  for (const row of rows) {
    const r = row.report;
    const spanS = span(row);
    const mbps = r.bytes / spanS / 1e6;
    const cpu = row.senderCpuS + r.cpuS;
    console.log(
      `| ${row.what} | ${row.mode === "tls" ? "mTLS 1.3" : "plain TCP"} | ${mbps.toFixed(1)} | ` +
        `${r.aus} / ${row.offered} | ${row.senderCpuS.toFixed(2)} | ${r.cpuS.toFixed(2)} | ` +
        `${((cpu / spanS) * 100).toFixed(1)} | ${median(r.latencyMs).toFixed(2)} |`,
    );
  }
  console.log("");
  for (const [what, pair] of byWhat) {
    const [tcp, tls] = [pair.find((r) => r.mode === "tcp")!, pair.find((r) => r.mode === "tls")!];
    const rate = (row: StreamRow) => row.report.bytes / span(row);
    const cpuPerByte = (row: StreamRow) => (row.senderCpuS + row.report.cpuS) / row.report.bytes;
    console.log(
      `- ${what}: mTLS throughput ÷ TCP = ${(rate(tls) / rate(tcp)).toFixed(3)}, ` +
        `mTLS CPU per byte ÷ TCP = ${(cpuPerByte(tls) / cpuPerByte(tcp)).toFixed(2)}`,
    );
  }
}

if (import.meta.main) {
  const [flag, mode, certsDir] = Deno.args;
  if (flag === "--receiver") await receiverMain(mode as Mode, certsDir);
  else await main();
}
