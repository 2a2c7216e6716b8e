// Real peers for the RTP tests: GStreamer and ffprobe as bounded child
// processes, loopback UDP only. Every process is killed by a deadline.

import dgram from "node:dgram";
import { Buffer } from "node:buffer";

export const HAVE_GST = await has("gst-launch-1.0");
export const HAVE_FFPROBE = await has("ffprobe");
export const HAVE_FFMPEG = await has("ffmpeg");

async function has(cmd: string): Promise<boolean> {
  try {
    const flag = cmd.startsWith("ff") ? "-version" : "--version";
    const out = await new Deno.Command(cmd, { args: [flag], stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

/** Runs a command to completion, killed after `timeoutMs`. Throws with its stderr on failure. */
export async function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    // How it ended says most when stderr is empty (a hang killed here, a crash by a signal).
    const how = timedOut
      ? `still running after ${timeoutMs} ms, killed`
      : out.signal !== null
      ? `ended by ${out.signal}`
      : `exit code ${out.code}`;
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${how}): ${new TextDecoder().decode(out.stderr)}` +
        (text === "" ? "" : `\nstdout: ${text.slice(-2000)}`),
    );
  }
  return text;
}

/** gst-launch-1.0 with a pipeline written as one string (no spaces inside caps). */
export function gst(pipeline: string, timeoutMs = 60_000): Promise<string> {
  return run("gst-launch-1.0", ["-q", ...pipeline.split(/\s+/).filter(Boolean)], timeoutMs);
}

/** A long-running gst-launch-1.0 (a receiver), stopped with EOS by `stop()`. */
export class GstProcess {
  readonly #child: Deno.ChildProcess;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #output: Promise<Deno.CommandOutput>;
  #ready: Promise<void>;

  constructor(pipeline: string, timeoutMs = 60_000) {
    this.#child = new Deno.Command("gst-launch-1.0", {
      args: ["-e", ...pipeline.split(/\s+/).filter(Boolean)],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#timer = setTimeout(() => this.#child.kill("SIGKILL"), timeoutMs);
    const [a, b] = this.#child.stdout.tee();
    this.#ready = waitFor(a, "Setting pipeline to PLAYING");
    this.#output = new Response(b).arrayBuffer().then(async (stdout) => {
      const status = await this.#child.status;
      const stderr = new Uint8Array(await new Response(this.#child.stderr).arrayBuffer());
      return { ...status, stdout: new Uint8Array(stdout), stderr } as Deno.CommandOutput;
    });
  }

  /** Resolves once the pipeline is going to PLAYING: udpsrc has bound its port. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Sends EOS (SIGINT with -e), waits for the exit; returns stdout. */
  async stop(graceMs = 15_000): Promise<string> {
    try {
      this.#child.kill("SIGINT");
    } catch { /* already gone */ }
    const hard = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch { /* already gone */ }
    }, graceMs);
    const out = await this.#output;
    clearTimeout(hard);
    clearTimeout(this.#timer);
    return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  }
}

async function waitFor(stream: ReadableStream<Uint8Array>, text: string): Promise<void> {
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  let seen = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`gst-launch-1.0 exited before "${text}": ${seen}`);
    seen += decoder.decode(value);
    if (seen.includes(text)) break;
  }
  // Keep draining so the pipe never blocks the child.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })();
}

/** A UDP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A loopback UDP sender. */
export async function udpSender(): Promise<dgram.Socket> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  return s;
}

/** Sends datagrams in order to 127.0.0.1:port, waiting for each send. */
export async function send(s: dgram.Socket, packets: Uint8Array[], port: number): Promise<void> {
  for (const p of packets) {
    await new Promise<void>((resolve, reject) =>
      s.send(Buffer.from(p), port, "127.0.0.1", (err) => err ? reject(err) : resolve())
    );
  }
}

/** Collects every datagram that reaches a loopback port. */
export class UdpCollector {
  readonly socket: dgram.Socket;
  readonly packets: Uint8Array[] = [];
  port = 0;

  constructor() {
    this.socket = dgram.createSocket({ type: "udp4", recvBufferSize: 8 << 20 });
    this.socket.on("message", (msg: Uint8Array) => this.packets.push(new Uint8Array(msg)));
  }

  async bind(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, "127.0.0.1", resolve));
    this.port = this.socket.address().port;
    return this.port;
  }

  /** Waits until no datagram arrived for `quietMs` (bounded by `maxMs`). */
  async settle(quietMs = 500, maxMs = 20_000): Promise<void> {
    let last = this.packets.length;
    for (let waited = 0; waited < maxMs; waited += quietMs) {
      await sleep(quietMs);
      if (this.packets.length === last) return;
      last = this.packets.length;
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Files in a directory, sorted by name, read whole. */
export async function readSorted(dir: string): Promise<{ name: string; data: Uint8Array }[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isFile) names.push(e.name);
  names.sort();
  return Promise.all(
    names.map(async (name) => ({ name, data: await Deno.readFile(`${dir}/${name}`) })),
  );
}

/** Waits until `dir` holds `count` files or `maxMs` passed. */
export async function waitForFiles(dir: string, count: number, maxMs = 20_000): Promise<void> {
  for (let waited = 0; waited < maxMs; waited += 100) {
    let n = 0;
    for await (const _ of Deno.readDir(dir)) n++;
    if (n >= count) return;
    await sleep(100);
  }
}

/** Decodes numbered JPEGs (%05d.jpg) with GStreamer's jpegdec into raw frames. */
export async function decodeJpegs(inDir: string, outDir: string): Promise<Uint8Array[]> {
  await Deno.mkdir(outDir, { recursive: true });
  await gst(
    `multifilesrc location=${inDir}/%05d.jpg caps=image/jpeg,framerate=30/1 ! jpegdec ! ` +
      `multifilesink location=${outDir}/%05d.raw`,
  );
  return (await readSorted(outDir)).map((f) => f.data);
}

/** Decodes an Annex-B H.264 file with avdec_h264 into raw frames. */
export async function decodeH264(file: string, outDir: string): Promise<Uint8Array[]> {
  await Deno.mkdir(outDir, { recursive: true });
  await gst(
    `filesrc location=${file} ! h264parse ! avdec_h264 ! multifilesink location=${outDir}/%05d.raw`,
  );
  return (await readSorted(outDir)).map((f) => f.data);
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Writes frames as %05d.<ext> files into a new directory. */
export async function writeNumbered(dir: string, frames: Uint8Array[], ext: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Promise.all(
    frames.map((f, i) => Deno.writeFile(`${dir}/${String(i).padStart(5, "0")}.${ext}`, f)),
  );
}
