/**
 * eyrie and a Mosquitto that wants TLS and a password: a broker that is
 * not there at start (eyrie runs, the link is offline with its cause, and
 * connects once the broker comes), a wrong password and a certificate from
 * another CA (each a clear cause, retried), and a clean stop that says
 * "offline" itself.
 */
import assert from "node:assert/strict";
import type { MqttConfig } from "../../../actors/defs.ts";
import { createLogger } from "../../../actors/log/logger.ts";
import { MqttLink } from "../../../ui/mqtt/link.ts";
import { freeTcpPort } from "../../_janus.ts";
import { mosquittoInstalled, startMosquitto, subscribe } from "../../_mosquitto.ts";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";

async function openssl(args: string[], cwd: string): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
}

/** A CA and a server certificate for 127.0.0.1 and localhost it signed (ECDSA P-256). */
async function certificates(dir: string, name: string) {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    `${name}-ca.key`,
    "-out",
    `${name}-ca.crt`,
    "-days",
    "2",
    "-subj",
    `/CN=${name} test CA`,
  ], dir);
  await openssl([
    "req",
    ...ec,
    "-keyout",
    `${name}.key`,
    "-out",
    `${name}.csr`,
    "-subj",
    "/CN=localhost",
  ], dir);
  await Deno.writeTextFile(`${dir}/${name}.ext`, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  await openssl([
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${name}-ca.crt`,
    "-CAkey",
    `${name}-ca.key`,
    "-CAcreateserial",
    "-out",
    `${name}.crt`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  ], dir);
  return { ca: `${dir}/${name}-ca.crt`, cert: `${dir}/${name}.crt`, key: `${dir}/${name}.key` };
}

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test({
  name:
    "MQTT over TLS with a password: a broker down at start is waited for, and a clean stop says offline",
  ignore: !mosquittoInstalled(),
  async fn() {
    await using cfg = await tempConfig("");
    const tls = await certificates(cfg.dir, "broker");
    const port = freeTcpPort();
    await Deno.writeTextFile(
      cfg.file,
      `data_dir = "${cfg.dir}/data"
[console]
listen = "127.0.0.1:0"
[recording]
enabled = false
[mqtt]
url = "mqtts://localhost:${port}"
user = "eyrie"
password = "broker-password-1"
ca = "${tls.ca}"
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 5
codec = "mjpeg"
`,
    );
    const eyrie = await startEyrie(cfg.file);
    let broker: Awaited<ReturnType<typeof startMosquitto>> | null = null;
    try {
      const api = async (path: string) => await (await fetch(`${eyrie.url}${path}`)).json();
      const down = await until("the link offline", async () => {
        const m = await api("/api/mqtt");
        return m.state === "offline" ? m : undefined;
      });
      assert.match(down.cause, /connection refused by localhost:\d+/);
      assert.ok(down.retryAt > Date.now() - 1000);
      const health = await api("/api/health");
      assert.ok(
        health.problems.some((p: string) => /^MQTT broker offline: connection refused/.test(p)),
      );

      broker = await startMosquitto(cfg.dir, { port, tls, users: { eyrie: "broker-password-1" } });
      const up = await until("the link up", async () => {
        const m = await api("/api/mqtt");
        return m.state === "up" ? m : undefined;
      }, 90_000);
      assert.equal(up.connects, 1);
      const sub = subscribe(port, ["eyrie/availability", "eyrie/front/stats"], [
        "--cafile",
        tls.ca,
        "-u",
        "eyrie",
        "-P",
        "broker-password-1",
      ]);
      try {
        assert.equal((await sub.wait("eyrie/availability")).text, "online");
        await sub.wait("eyrie/front/stats");
        assert.equal(await eyrie.stop(), 0);
        // eyrie says it itself on the way out (retained), no last will needed.
        const after = subscribe(port, ["eyrie/availability"], [
          "--cafile",
          tls.ca,
          "-u",
          "eyrie",
          "-P",
          "broker-password-1",
          "-C",
          "1",
        ]);
        assert.equal((await after.wait("eyrie/availability")).text, "offline");
        await after.stop();
      } finally {
        await sub.stop();
      }
    } finally {
      await eyrie.stop();
      await broker?.stop();
    }
  },
});

Deno.test({
  name: "MqttLink names the cause of a wrong password and of a broker certificate from another CA",
  ignore: !mosquittoInstalled(),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "eyrie-mqtt-" });
    const tls = await certificates(dir, "broker");
    const other = await certificates(dir, "other");
    const broker = await startMosquitto(dir, { tls, users: { eyrie: "broker-password-1" } });
    const config = (over: Partial<MqttConfig>): MqttConfig => ({
      url: `mqtts://localhost:${broker.port}`,
      user: "eyrie",
      password: "broker-password-1",
      topic_prefix: "eyrie",
      discovery_prefix: "",
      client_id: "eyrie-link-test",
      ca: tls.ca,
      stats_interval_s: 60,
      ...over,
    });
    const cause = async (c: MqttConfig) => {
      const link = new MqttLink({
        config: c,
        log: createLogger("mqtt", () => {}, "error"),
        will: { topic: "eyrie/availability", payload: "offline" },
        subscriptions: [],
        onConnect: () => {},
        onMessage: () => {},
      });
      link.start();
      try {
        return await until("a cause", () => Promise.resolve(link.status().cause ?? undefined));
      } finally {
        await link.stop(null);
      }
    };
    try {
      assert.match(
        await cause(config({ password: "wrong-password" })),
        /refused the user name or password|not authorized/,
      );
      assert.match(await cause(config({ ca: other.ca })), /^TLS with localhost:\d+: /);
      assert.match(await cause(config({ ca: `${dir}/missing.pem` })), /cannot read the CA file/);
    } finally {
      await broker.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
