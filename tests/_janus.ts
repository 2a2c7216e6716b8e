/**
 * Janus (Debian's `janus`, 1.1) for the integration tests: its streaming
 * plugin and HTTP transport on 127.0.0.1, every other plugin off, ICE lite
 * on loopback. Mountpoints come from the caller (a static RTSP source) or
 * are made over the HTTP API (eyrie's `[[camera.publish]]`). Like
 * bench/_janus.ts, which measures Janus instead of testing against it.
 */
const LIB = "/usr/lib/x86_64-linux-gnu/janus";

export interface Janus {
  pid: number;
  /** The Janus API, e.g. http://127.0.0.1:18088/janus */
  base: string;
  httpPort: number;
  /** Janus's log so far. */
  log(): Promise<string>;
  stop(signal?: Deno.Signal): Promise<void>;
}

/** Whether Janus and its streaming plugin are installed where Debian puts them. */
export function janusInstalled(): boolean {
  try {
    Deno.statSync("/usr/bin/janus");
    Deno.statSync(`${LIB}/plugins/libjanus_streaming.so`);
    return true;
  } catch {
    return false;
  }
}

/** A TCP port free right now on 127.0.0.1. */
export function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function others(folder: string, keep: string): string {
  return [...Deno.readDirSync(`${LIB}/${folder}`)]
    .map((e) => e.name)
    .filter((n) => n.endsWith(".so") && n !== keep)
    .join(",");
}

export interface JanusOptions {
  /** Mountpoint sections for janus.plugin.streaming.jcfg (libconfig). */
  mountpoints?: string;
  /** The streaming plugin's admin_key (what `create`/`destroy` requests must carry). */
  adminKey?: string;
  /** The core's api_secret: every request must carry it as `apisecret`. */
  apiSecret?: string;
  /** Reuse a port (a restarted Janus on the same address). */
  httpPort?: number;
  /** The RTP ports Janus gives mountpoints and peers, "min-max". */
  rtpRange?: string;
}

/** Starts Janus with its config in `dir`; resolves once its HTTP API answers. */
export async function startJanus(dir: string, options: JanusOptions = {}): Promise<Janus> {
  const httpPort = options.httpPort ?? freeTcpPort();
  await Deno.writeTextFile(
    `${dir}/janus.jcfg`,
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = 4
  ${options.apiSecret === undefined ? "" : `api_secret = "${options.apiSecret}"`}
}
media: { rtp_port_range = "${options.rtpRange ?? "40000-50000"}" }
nat: { ice_lite = true, ignore_mdns = true, ice_enforce_list = "127.0.0.1" }
plugins: { disable = "${others("plugins", "libjanus_streaming.so")}" }
transports: { disable = "${others("transports", "libjanus_http.so")}" }
loggers: { disable = "${others("loggers", "")}" }
events: { broadcast = false, disable = "${others("events", "")}" }
`,
  );
  await Deno.writeTextFile(
    `${dir}/janus.transport.http.jcfg`,
    `general: { json = "compact", base_path = "/janus", http = true, port = ${httpPort}, ip = "127.0.0.1" }
admin: { admin_http = false }
cors: { allow_origin = "*" }
`,
  );
  const general = options.adminKey === undefined ? "" : `admin_key = "${options.adminKey}"`;
  await Deno.writeTextFile(
    `${dir}/janus.plugin.streaming.jcfg`,
    `general: { ${general} }\n${options.mountpoints ?? ""}\n`,
  );
  const logFile = `${dir}/janus.log`;
  const process = new Deno.Command("/usr/bin/janus", {
    args: ["-C", `${dir}/janus.jcfg`, "-F", dir, "-N", "-L", logFile],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${httpPort}/janus`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/info`);
      await res.body?.cancel();
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      process.kill("SIGKILL");
      await process.status;
      throw new Error("Janus did not start its HTTP transport");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: process.pid,
    base,
    httpPort,
    log: () => Deno.readTextFile(logFile).catch(() => ""),
    stop: async (signal = "SIGTERM") => {
      try {
        process.kill(signal);
      } catch { /* gone */ }
      await process.status;
    },
  };
}

/** One request to the Janus API (no session: `path` ""). */
export async function janusRequest(
  base: string,
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    method: "POST",
    body: JSON.stringify({ ...body, transaction: crypto.randomUUID() }),
  });
  return await res.json();
}

/** The streaming plugin's mountpoints (`list`), through a session of its own. */
export async function listMountpoints(
  base: string,
): Promise<{ id: number; description: string }[]> {
  const session = (await janusRequest(base, "", { janus: "create" })).data as { id: number };
  try {
    const handle = (await janusRequest(base, `/${session.id}`, {
      janus: "attach",
      plugin: "janus.plugin.streaming",
    })).data as { id: number };
    const r = await janusRequest(base, `/${session.id}/${handle.id}`, {
      janus: "message",
      body: { request: "list" },
    });
    const data = (r.plugindata as { data: { list?: { id: number; description: string }[] } }).data;
    return data.list ?? [];
  } finally {
    await janusRequest(base, `/${session.id}`, { janus: "destroy" });
  }
}
