/** Runs eyrie's main.ts as a real process, the way a user or systemd would. */
export const MAIN = new URL("../../../main.ts", import.meta.url).pathname;

export const EYRIE_FLAGS = [
  "--unstable-net",
  "--allow-ffi",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
  "--allow-run",
];

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `eyrie args…` to completion (bounded by `timeoutMs`). */
export async function eyrie(
  args: string[],
  options: { timeoutMs?: number; cwd?: string; env?: Record<string, string> } = {},
): Promise<Ran> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...EYRIE_FLAGS, MAIN, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    cwd: options.cwd,
    signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    env: { NO_COLOR: "1", ...options.env },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A running `eyrie run`, with its console URL once it logged it. */
export interface Running {
  process: Deno.ChildProcess;
  url: string;
  /** Everything it wrote to stderr so far (JSON log lines). */
  logs(): string;
  /** Sends `signal` and waits for the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
}

/** Starts `eyrie run --config <file>` and waits (≤ timeoutMs) for "eyrie is running". */
export async function startEyrie(
  configFile: string,
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<Running> {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", ...EYRIE_FLAGS, MAIN, "run", "--config", configFile],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1", ...options.env },
  }).spawn();
  let text = "";
  const reader = process.stderr.pipeThrough(new TextDecoderStream()).getReader();
  const pump = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      text += value;
    }
  })();
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let url = "";
  while (url === "") {
    const m = /"console":"(http[^"]+)"/.exec(text);
    if (m !== null) url = m[1];
    else if (Date.now() > deadline) {
      process.kill("SIGKILL");
      throw new Error(`eyrie did not start; it wrote:\n${text}`);
    } else {
      const exited = await Promise.race([
        process.status.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 50)),
      ]);
      if (exited) throw new Error(`eyrie exited at start; it wrote:\n${text}`);
    }
  }
  return {
    process,
    url,
    logs: () => text,
    stop: async (signal = "SIGTERM") => {
      try {
        process.kill(signal);
      } catch { /* already gone */ }
      const status = await process.status;
      await pump;
      return status.code;
    },
  };
}

/** A config file in a fresh temp dir with its data dir beside it. */
export async function tempConfig(
  toml: string,
): Promise<{ file: string; dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-test-" });
  const file = `${dir}/eyrie.toml`;
  await Deno.writeTextFile(file, `data_dir = "${dir}/data"\n${toml}`);
  return { file, dir, [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
}
