// Janus (Debian package `janus`, 1.1) as the anchor for per-viewer CPU in bench/webrtc_bench.ts:
// its streaming plugin with one H.264 RTP mountpoint, the HTTP transport on loopback, ICE lite
// on 127.0.0.1, every other plugin and transport off.

export interface Janus {
  pid: number;
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:18088/janus */
  base: string;
  /** Where to send the H.264 RTP (payload type 96). */
  rtpPort: number;
  stop(): Promise<void>;
}

import dgram from "node:dgram";

const LIB = "/usr/lib/x86_64-linux-gnu/janus";

/** A TCP port free right now on 127.0.0.1. */
function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A UDP port free right now on 127.0.0.1 (node:dgram: Deno's own UDP needs --unstable-net). */
async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

function others(folder: string, keep: string): string {
  return [...Deno.readDirSync(`${LIB}/${folder}`)]
    .map((e) => e.name)
    .filter((n) => n.endsWith(".so") && n !== keep)
    .join(",");
}

/** Whether Janus is installed where Debian puts it. */
export function janusInstalled(): boolean {
  try {
    Deno.statSync("/usr/bin/janus");
    Deno.statSync(`${LIB}/plugins/libjanus_streaming.so`);
    return true;
  } catch {
    return false;
  }
}

export async function startJanus(dir: string): Promise<Janus> {
  const httpPort = freeTcpPort();
  const rtpPort = await freeUdpPort();
  await Deno.writeTextFile(
    `${dir}/janus.jcfg`,
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = 3
}
media: { rtp_port_range = "40000-50000" }
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
  await Deno.writeTextFile(
    `${dir}/janus.plugin.streaming.jcfg`,
    `general: { }
eyrie: {
  type = "rtp"
  id = 1
  description = "eyrie camera"
  video = true
  videoport = ${rtpPort}
  videoiface = "127.0.0.1"
  videopt = 96
  videocodec = "h264"
  videofmtp = "profile-level-id=42e01f;packetization-mode=1"
  videobufferkf = true
}
`,
  );
  const process = new Deno.Command("/usr/bin/janus", {
    args: ["-C", `${dir}/janus.jcfg`, "-F", dir, "-N", "-L", `${dir}/janus.log`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${httpPort}/janus`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const res = await fetch(`${base}/info`);
      if (res.ok) {
        await res.body?.cancel();
        break;
      }
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      process.kill("SIGKILL");
      throw new Error("Janus did not start its HTTP transport");
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: process.pid,
    base,
    rtpPort,
    stop: async () => {
      try {
        process.kill("SIGTERM");
      } catch { /* gone */ }
      await process.status;
    },
  };
}
