/**
 * Debian's coturn (`turnserver`) on loopback for the TURN tests: a port of
 * its own, relays on 127.0.0.1 (loopback peers allowed: eyrie is one), and
 * either one static user (long-term credentials) or a TURN REST shared
 * secret. Stopped (SIGTERM, then SIGKILL) when disposed.
 */
import { createSocket } from "node:dgram";

export interface Coturn extends AsyncDisposable {
  port: number;
  /** What it logged so far. */
  logs(): string;
}

export function coturnInstalled(): boolean {
  try {
    return Deno.statSync("/usr/bin/turnserver").isFile;
  } catch {
    return false;
  }
}

/** A UDP and TCP port free on 127.0.0.1 now (coturn cannot take port 0). */
async function freePort(): Promise<number> {
  for (;;) {
    const udp = createSocket("udp4");
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
    const port = udp.address().port;
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // Taken over TCP: another one.
    } finally {
      udp.close();
    }
  }
}

/** Bounds the start: coturn binds in well under a second. */
const START_TIMEOUT_MS = 10_000;

/**
 * `relayOnly`: relays on 127.0.0.3, and every peer but its own relays
 * denied, so only relay-to-relay pairs carry media (each side must use its
 * own TURN allocation).
 */
export async function startCoturn(
  auth: { user: string; password: string } | { secret: string },
  options: { relayOnly?: boolean } = {},
): Promise<Coturn> {
  const port = await freePort();
  const dir = await Deno.makeTempDir({ prefix: "eyrie-coturn-" });
  const args = [
    "-n",
    "--listening-ip=127.0.0.1",
    ...(options.relayOnly
      ? [
        "--relay-ip=127.0.0.3",
        "--denied-peer-ip=0.0.0.0-255.255.255.255",
        "--allowed-peer-ip=127.0.0.3",
      ]
      : ["--relay-ip=127.0.0.1"]),
    `--listening-port=${port}`,
    "--realm=eyrie.test",
    "--fingerprint",
    "--allow-loopback-peers",
    "--no-tls",
    "--no-dtls",
    "--no-cli",
    "--no-software-attribute",
    `--pidfile=${dir}/turnserver.pid`,
    `--log-file=${dir}/turn.log`,
    "--simple-log",
    "--verbose",
    ...("secret" in auth
      ? ["--use-auth-secret", `--static-auth-secret=${auth.secret}`]
      : ["--lt-cred-mech", `--user=${auth.user}:${auth.password}`]),
  ];
  const child = new Deno.Command("/usr/bin/turnserver", {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const logs = () => {
    try {
      return Deno.readTextFileSync(`${dir}/turn.log`);
    } catch {
      return "";
    }
  };
  const t0 = performance.now();
  // Ready once it answers on its port: a STUN binding request gets a response.
  for (;;) {
    if (performance.now() - t0 > START_TIMEOUT_MS) {
      child.kill("SIGKILL");
      throw new Error(`coturn did not start within ${START_TIMEOUT_MS} ms:\n${logs()}`);
    }
    if (await answersStun(port)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    logs,
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await child.status;
      clearTimeout(killer);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function answersStun(port: number): Promise<boolean> {
  const sock = createSocket("udp4");
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 200);
    sock.on("message", (res) => done(res[0] === 0x01 && res[1] === 0x01));
    sock.on("error", () => done(false));
    // RFC 5389 binding request: type 0x0001, length 0, magic cookie, 12-byte transaction id.
    const req = new Uint8Array(20);
    req.set([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42]);
    crypto.getRandomValues(req.subarray(8));
    sock.send(req, port, "127.0.0.1");
  });
}
