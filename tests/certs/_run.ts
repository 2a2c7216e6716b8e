/** Subprocess and socket helpers for tests that talk to real peers (openssl, curl). */
import type net from "node:net";
import type { AddressInfo } from "node:net";

/** Every subprocess is killed after this long; a healthy run takes well under a second. */
export const PEER_TIMEOUT_MS = 15_000;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs `cmd` with `stdin` as its input (default none, like `</dev/null`), killed after `timeoutMs`. */
export async function run(
  cmd: string,
  args: string[],
  options: { timeoutMs?: number; stdin?: string } = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs ?? PEER_TIMEOUT_MS);
  try {
    if (options.stdin !== undefined) {
      const writer = child.stdin.getWriter();
      await writer.write(new TextEncoder().encode(options.stdin)).catch(() => {});
      await writer.close().catch(() => {});
    }
    const out = await child.output();
    const text = new TextDecoder();
    return {
      code: out.code,
      stdout: text.decode(out.stdout),
      stderr: text.decode(out.stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** A long-running peer (openssl s_server) with the port it printed. */
export interface Peer extends AsyncDisposable {
  port: number;
  output(): string;
}

/** Starts `cmd`, waits until stdout matches `ready` (first group = port), kills it on dispose. */
export async function spawnPeer(cmd: string, args: string[], ready: RegExp): Promise<Peer> {
  const child = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const killer = setTimeout(() => child.kill("SIGKILL"), PEER_TIMEOUT_MS);
  let text = "";
  const decoder = new TextDecoder();
  let found: (port: number) => void = () => {};
  const portPromise = new Promise<number>((resolve) => (found = resolve));
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      text += decoder.decode(chunk, { stream: true });
      const match = text.match(ready);
      if (match) found(Number(match[1]));
    }
  };
  const drains = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const status = child.status;
  const port = await Promise.race([
    portPromise,
    status.then((s) => {
      throw new Error(`${cmd} exited (${s.code}) before it was ready:\n${text}`);
    }),
  ]);
  return {
    port,
    output: () => text,
    async [Symbol.asyncDispose]() {
      clearTimeout(killer);
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await child.stdin.close().catch(() => {});
      await status;
      await drains;
    },
  };
}

/** A TLS handshake on loopback takes milliseconds; a socket idle this long is stuck. */
export const SOCKET_TIMEOUT_MS = 5_000;

/** The open sockets of each server from {@linkcode listen}, destroyed by {@linkcode closeServer}. */
const connections = new WeakMap<net.Server, Set<net.Socket>>();

/** Listens on an ephemeral loopback port and returns it; tracks connections for {@linkcode closeServer}. */
export function listen(server: net.Server): Promise<number> {
  const open = new Set<net.Socket>();
  connections.set(server, open);
  server.on("connection", (socket: net.Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

/**
 * Closes a server and waits for it. Connections still open are destroyed
 * first: `server.close()` alone waits for every client to hang up, which a
 * failed test's client may never do.
 */
export function closeServer(server: net.Server): Promise<void> {
  for (const socket of connections.get(server) ?? []) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Rejects with `label` (a string, or a function asked at the timeout) if `promise` takes longer than `ms`: a bound, not a measurement. */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  label: string | (() => string),
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          const what = typeof label === "string" ? label : label();
          reject(new Error(`Timed out waiting for ${what}`));
        }, ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long {@linkcode waitFor} polls before it gives up: an event on loopback takes milliseconds. */
export const WAIT_TIMEOUT_MS = 2_000;
const WAIT_POLL_MS = 5;

/** Resolves once `condition()` holds; rejects naming `label` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  label: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${label}`);
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

/** A temporary directory removed on dispose. */
export async function tempDir(): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempDir({ prefix: "eyrie-certs-test-" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}
