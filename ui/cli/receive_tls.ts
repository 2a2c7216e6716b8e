/**
 * `eyrie receive --tls` (or `--transport quic`): the receiving end of
 * `[[camera.forward]]`. Listens for eyrie's access-unit stream over TLS 1.3
 * with mutual authentication (transports/tls: a client certificate from this
 * installation's CA is required, revocations apply while it runs; the sender
 * pins this server), or for RTP in QUIC datagrams (transports/quic),
 * prints stats once a second, and writes the first sender's stream to a
 * file (Annex-B H.264 or concatenated JPEGs) if asked.
 *
 * @module
 */
import { join } from "node:path";
import { FrameFormat } from "../../actors/defs.ts";
import { listenAuReceiver, type ReceivedAccessUnit } from "../../transports/tls/mod.ts";
import { listenQuicReceiver } from "../../transports/quic/mod.ts";
import { defaultDataDir, loadConfig } from "../config/mod.ts";
import { expectPositionals, parseCommand } from "./args.ts";
import { UsageError } from "./errors.ts";
import { HELP } from "./help.ts";
import type { Io } from "./main.ts";

const STATS_EVERY_MS = 1000;
/** Longest --duration. Reason: a day is plenty for a bounded run; longer runs stop with Ctrl-C. */
const MAX_DURATION_S = 86_400;
const DEFAULT_PORT = 7443;

interface Options {
  transport: "tls" | "quic";
  host: string;
  port: number;
  name: string;
  certsDir: string;
  out: string | undefined;
  count: number;
  durationS: number;
  json: boolean;
  quiet: boolean;
}

function usage(message: string): UsageError {
  return new UsageError(`${message} (see: eyrie receive --help)`);
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw usage(`--${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

async function parse(args: string[]): Promise<Options | null> {
  const { values, positionals } = parseCommand("receive", args, {
    tls: { type: "boolean" },
    quic: { type: "boolean" },
    transport: { type: "string" },
    port: { type: "string", short: "p" },
    host: { type: "string" },
    name: { type: "string" },
    certs: { type: "string" },
    config: { type: "string", short: "c" },
    "data-dir": { type: "string" },
    out: { type: "string", short: "o" },
    count: { type: "string", short: "n" },
    duration: { type: "string", short: "t" },
    json: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
  });
  if (values.help) return null;
  expectPositionals("receive", positionals, 0, 0);
  const chosen = [values.tls ? "tls" : null, values.quic ? "quic" : null, values.transport ?? null]
    .filter((t) => t !== null);
  if (chosen.length === 0) throw usage("This receiver needs --tls or --transport quic");
  const transport = chosen[0];
  if (transport !== "tls" && transport !== "quic") {
    throw usage(`--transport must be tls or quic, got "${transport}"`);
  }
  if (chosen.some((t) => t !== transport)) {
    throw usage(`Give one transport: ${chosen.map((t) => `"${t}"`).join(" and ")} conflict`);
  }
  const sources = [values.certs, values.config, values["data-dir"]].filter((v) => v !== undefined);
  if (sources.length > 1) throw usage("Give one of --certs, --config, --data-dir");
  let certsDir: string;
  if (values.certs !== undefined) certsDir = values.certs;
  else if (values.config !== undefined) {
    const config = await loadConfig(values.config);
    certsDir = config.tls?.dir ?? join(config.data_dir, "certs");
  } else certsDir = join(values["data-dir"] ?? defaultDataDir(), "certs");
  if (values.out === "") throw usage("--out needs a file name (or - for stdout)");
  let durationS = 0;
  if (values.duration !== undefined) {
    durationS = Number(values.duration);
    if (!/^\d+(\.\d+)?$/.test(values.duration) || !(durationS > 0 && durationS <= MAX_DURATION_S)) {
      throw usage(
        `--duration must be a number of seconds above 0 and at most ${MAX_DURATION_S}, got "${values.duration}"`,
      );
    }
  }
  return {
    transport,
    host: (values.host ?? "0.0.0.0").replace(/^\[(.*)\]$/, "$1"),
    port: values.port === undefined ? DEFAULT_PORT : integer("port", values.port, 0, 65535),
    name: values.name ?? "console",
    certsDir,
    out: values.out,
    count: values.count === undefined ? 0 : integer("count", values.count, 1, 2 ** 31),
    durationS,
    json: values.json === true,
    quiet: values.quiet === true,
  };
}

function writeAll(sink: { writeSync(p: Uint8Array): number }, data: Uint8Array): void {
  for (let at = 0; at < data.length;) at += sink.writeSync(data.subarray(at));
}

export async function receiveTlsMain(args: string[], io: Io): Promise<number> {
  const o = await parse(args);
  if (o === null) {
    io.stdout(HELP.receive_tls);
    return 0;
  }
  // Stats share stdout only when frames do not go there.
  const statsLine = o.quiet ? () => {} : o.out === "-" ? io.stderr : io.stdout;
  const listen = o.transport === "quic" ? listenQuicReceiver : listenAuReceiver;
  const receiver = await listen({
    certsDir: o.certsDir,
    name: o.name,
    host: o.host,
    port: o.port,
    onConnection: (peer) =>
      io.stderr(`eyrie: sender connected: ${peer?.cn} (${peer?.fingerprint256})`),
    onDisconnect: (peer, error) =>
      io.stderr(`eyrie: sender left: ${peer?.cn}${error === null ? "" : ` (${error.message})`}`),
    onRefused: (error) => io.stderr(`eyrie: refused a connection: ${error.message}`),
  }).catch((error) => {
    throw new Error(`Cannot listen on ${o.host}:${o.port}: ${(error as Error).message}`);
  });
  io.stderr(
    `eyrie: receiving on ${o.host}:${receiver.port} (${
      o.transport === "quic" ? "QUIC on UDP, RTP in datagrams" : "TLS 1.3"
    }, client certificates from ${o.certsDir}); ` +
      `senders pin: eyrie certs pin --accept ${receiver.fingerprint256} --name NAME`,
  );
  let out: Deno.FsFile | null = null;
  try {
    if (o.out !== undefined && o.out !== "-") {
      out = await Deno.open(o.out, { write: true, create: true, truncate: true });
    }
  } catch (error) {
    await receiver.close();
    throw new Error(`Cannot write "${o.out}": ${(error as Error).message}`);
  }
  const sink = o.out === "-" ? Deno.stdout : out;

  let stopReason = "";
  const stop = (why: string) => {
    if (stopReason !== "") return;
    stopReason = why;
    receiver.close();
  };
  const onSignal = () => stop("signal");
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const started = performance.now();
  const timer = o.durationS > 0
    ? setTimeout(() => stop("duration"), o.durationS * 1000)
    : undefined;

  let written = 0;
  let writtenBytes = 0;
  let lastCount = 0;
  let lastBytes = 0;
  let source: string | null = null;
  let format: number | null = null;
  const line = () => {
    const s = receiver.stats;
    const t = (performance.now() - started) / 1000;
    const perS = s.accessUnits - lastCount;
    const kbps = (s.bytes - lastBytes) * 8 / 1000;
    lastCount = s.accessUnits;
    lastBytes = s.bytes;
    if (o.json) {
      return JSON.stringify({
        t: Math.round(t * 10) / 10,
        aus: perS,
        kbps: Math.round(kbps * 10) / 10,
        accessUnits: s.accessUnits,
        written,
        active: s.active,
        gaps: s.gaps,
        dropped: s.dropped,
        refused: s.refused,
        errors: s.errors,
      });
    }
    return `${t.toFixed(1).padStart(6)} s  ${String(perS).padStart(4)} AU/s  ` +
      `${kbps.toFixed(1).padStart(8)} kbit/s  senders ${s.active}  units ${s.accessUnits}` +
      `  gaps ${s.gaps}  dropped ${s.dropped}  refused ${s.refused}`;
  };
  const ticker = setInterval(() => statsLine(line()), STATS_EVERY_MS);

  try {
    for await (const au of receiver as AsyncIterable<ReceivedAccessUnit>) {
      if (stopReason !== "") break;
      // One file holds one stream: the first sender's.
      const from = au.peer?.fingerprint256 ?? "";
      source ??= from;
      format ??= au.format;
      if (from !== source || au.format !== format) continue;
      if (sink !== null) writeAll(sink, au.data);
      written++;
      writtenBytes += au.data.length;
      if (o.count > 0 && written >= o.count) stop("count");
    }
  } finally {
    clearInterval(ticker);
    clearTimeout(timer);
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await receiver.close();
    out?.close();
  }
  statsLine(line());
  const kind = format === FrameFormat.JPEG ? "JPEG frames" : "H.264 access units";
  io.stderr(
    `eyrie: ${written} ${kind} (${writtenBytes} bytes)` +
      (o.out === undefined ? "" : ` written to ${o.out}`) + ` (stopped: ${stopReason || "closed"})`,
  );
  return written > 0 ? 0 : 1;
}
