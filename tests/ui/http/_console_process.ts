/**
 * The real console app (createApp over a System whose cameras run no
 * actors) served by the real `serve()` in a process of its own, so a test
 * can attack it and see it exit if it does. Run as a script:
 *
 *   deno run -A _console_process.ts '{"dataDir": "...", "tls": "<certs dir>"?,
 *     "timeouts": {...}?, "users": [{"name", "role", "password"}]?}'
 *
 * It prints one JSON line `{"port": N}` on stdout once listening, JSON log
 * lines on stderr, and stops on SIGTERM. {@linkcode startConsoleProcess}
 * runs it.
 */
import { System } from "../../../actors/system/mod.ts";
import { loadServerTls } from "../../../certs/mod.ts";
import { AuthStore } from "../../../ui/auth/service.ts";
import { checkConfig } from "../../../ui/config/mod.ts";
import { createApp } from "../../../ui/http/app.ts";
import { serve, type ServerTimeouts } from "../../../ui/http/serve.ts";

export interface ConsoleProcessOptions {
  dataDir: string;
  /** Serve HTTPS with the server certificate "console" of this certs dir, client certs requested. */
  tls?: string;
  timeouts?: Partial<ServerTimeouts>;
  users?: { name: string; role: "admin" | "viewer"; password: string | null }[];
}

/** A console in a child process. */
export interface ConsoleProcess extends AsyncDisposable {
  port: number;
  pid: number;
  /** Its stderr so far. */
  logs(): string;
  /** Resolves with the exit code if it exits. */
  exited: Promise<number>;
  /** Whether it is still running. */
  running(): boolean;
  /** Resident memory in bytes, from /proc. */
  rssBytes(): number;
}

/** Bounds the start: the app opens its state file and binds, in well under a second. */
const START_TIMEOUT_MS = 30_000;

export async function startConsoleProcess(options: ConsoleProcessOptions): Promise<ConsoleProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--no-check", import.meta.filename!, JSON.stringify(options)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let stderr = "";
  const drainErr = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) stderr += chunk;
  })();
  let alive = true;
  const exited = child.status.then((s) => {
    alive = false;
    return s.code;
  });
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const killer = setTimeout(() => child.kill("SIGKILL"), START_TIMEOUT_MS);
  let port = 0;
  try {
    while (port === 0) {
      const { value, done } = await lines.read();
      if (done) throw new Error(`the console process exited at start:\n${stderr}`);
      out += value;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m !== null) port = Number(m[1]);
    }
  } finally {
    clearTimeout(killer);
  }
  const drainOut = (async () => {
    while (!(await lines.read()).done);
  })();
  return {
    port,
    pid: child.pid,
    logs: () => stderr,
    exited,
    running: () => alive,
    rssBytes: () => {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    },
    async [Symbol.asyncDispose]() {
      if (alive) {
        try {
          child.kill("SIGTERM");
        } catch { /* gone */ }
      }
      const stop = setTimeout(() => alive && child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(stop);
      await Promise.all([drainErr, drainOut]);
    },
  };
}

async function main(options: ConsoleProcessOptions): Promise<void> {
  const store = AuthStore.open(options.dataDir);
  for (const u of options.users ?? []) await store.users.add(u.name, u.role, u.password);
  store.close();
  const config = checkConfig({
    data_dir: options.dataDir,
    console: { listen: "127.0.0.1:0" },
    camera: [{ id: "front", quality: "high" }, { id: "back", quality: "low" }],
  }, "");
  const log = (record: unknown) => console.error(JSON.stringify(record));
  const system = await System.start({ config, log, children: [] });
  const tls = options.tls === undefined
    ? undefined
    : await loadServerTls(options.tls, { name: "console", clientAuth: "request" });
  const server = await serve(createApp(system), { hostname: "127.0.0.1", port: 0 }, {
    tls,
    timeouts: options.timeouts,
    onError: (what, error) => log({ level: "error", what, error: String(error) }),
  });
  console.log(JSON.stringify({ port: server.port }));
  const stopped = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGTERM", () => stopped.resolve());
  await stopped.promise;
  await server.close(200);
  await tls?.close();
  await system.stop();
}

if (import.meta.main) await main(JSON.parse(Deno.args[0]));
