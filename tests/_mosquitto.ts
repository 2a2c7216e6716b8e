/**
 * Mosquitto (Debian's `mosquitto`, 2.0) for the MQTT tests, started by the
 * test on a port of its own, with a TLS listener and a password file when
 * asked; and mosquitto_sub as the client that watches what eyrie publishes.
 *
 * @module
 */
import { freeTcpPort } from "./_janus.ts";

export interface Mosquitto {
  port: number;
  /** Stops it (SIGTERM) and waits for it to end. */
  stop(): Promise<void>;
  /** Starts it again on the same port and config. */
  restart(): Promise<void>;
}

export function mosquittoInstalled(): boolean {
  try {
    Deno.statSync("/usr/sbin/mosquitto");
    Deno.statSync("/usr/bin/mosquitto_sub");
    return true;
  } catch {
    return false;
  }
}

export interface MosquittoOptions {
  port?: number;
  /** A TLS listener with this server certificate and key (PEM files). */
  tls?: { cert: string; key: string };
  /** Users and passwords; without, anonymous clients are allowed. */
  users?: Record<string, string>;
}

async function waitListening(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startMosquitto(
  dir: string,
  options: MosquittoOptions = {},
): Promise<Mosquitto> {
  const port = options.port ?? freeTcpPort();
  const lines = [`listener ${port} 127.0.0.1`, "persistence false", "log_dest stderr"];
  // As root it would switch to the user "mosquitto", who cannot read the test's 0600 files.
  if (Deno.uid() === 0) lines.push("user root");
  if (options.tls !== undefined) {
    lines.push(`certfile ${options.tls.cert}`, `keyfile ${options.tls.key}`, "tls_version tlsv1.2");
  }
  if (options.users !== undefined) {
    const file = `${dir}/passwords`;
    await Deno.writeTextFile(file, "");
    for (const [user, password] of Object.entries(options.users)) {
      const out = await new Deno.Command("mosquitto_passwd", { args: ["-b", file, user, password] })
        .output();
      if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
    }
    await Deno.chmod(file, 0o600);
    lines.push("allow_anonymous false", `password_file ${file}`);
  } else lines.push("allow_anonymous true");
  const conf = `${dir}/mosquitto.conf`;
  await Deno.writeTextFile(conf, lines.join("\n") + "\n");
  let process: Deno.ChildProcess;
  const start = async () => {
    process = new Deno.Command("/usr/sbin/mosquitto", {
      args: ["-c", conf],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitListening(port);
  };
  await start();
  return {
    port,
    stop: async () => {
      try {
        process.kill("SIGTERM");
      } catch { /* gone */ }
      await process.status;
    },
    restart: start,
  };
}

/** One MQTT message as mosquitto_sub printed it. */
export interface Seen {
  topic: string;
  retained: boolean;
  payload: Uint8Array;
  text: string;
}

/**
 * mosquitto_sub on `topics` until stop(): every message, binary payloads
 * whole (printed as hex), in order.
 */
export function subscribe(port: number, topics: string[], extra: string[] = []) {
  const args = ["-h", "127.0.0.1", "-p", String(port), "-V", "mqttv5", "-F", "%r %t %x"];
  for (const t of topics) args.push("-t", t);
  const child = new Deno.Command("mosquitto_sub", {
    args: [...args, ...extra],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const seen: Seen[] = [];
  let text = "";
  const pump = (async () => {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      let nl;
      while ((nl = text.indexOf("\n")) >= 0) {
        const line = text.slice(0, nl);
        text = text.slice(nl + 1);
        const [flag, topic, hex = ""] = line.split(" ");
        const payload = new Uint8Array(hex.length / 2);
        for (let i = 0; i < payload.length; i++) {
          payload[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
        }
        seen.push({
          topic,
          retained: flag === "1",
          payload,
          text: new TextDecoder().decode(payload),
        });
      }
    }
  })();
  return {
    seen,
    /** The first message on `topic` (matching `test`) after index `from`, waiting up to `ms`. */
    async wait(
      topic: string,
      test: (m: Seen) => boolean = () => true,
      ms = 15_000,
      from = 0,
    ): Promise<Seen> {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = seen.slice(from).find((x) => x.topic === topic && test(x));
        if (m !== undefined) return m;
        if (Date.now() > deadline) {
          throw new Error(
            `No message on ${topic} in ${ms} ms; seen: ${
              seen.map((x) => `${x.topic} ${x.text.slice(0, 60)}`).join("\n")
            }`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop(): Promise<void> {
      try {
        child.kill("SIGTERM");
      } catch { /* gone */ }
      await child.status;
      await pump;
    },
  };
}

/** Publishes one message with mosquitto_pub. */
export async function publish(port: number, topic: string, message: string, extra: string[] = []) {
  const out = await new Deno.Command("mosquitto_pub", {
    args: ["-h", "127.0.0.1", "-p", String(port), "-t", topic, "-m", message, ...extra],
  }).output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
}
