import assert from "node:assert/strict";
import { MAX_DATAGRAM_BYTES, sendUnixDatagram } from "../../../ffi/libc/mod.ts";
import { notifyEnv } from "../../../ui/service/notify.ts";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { notifySocket } from "./_notify.ts";

Deno.test("notifyEnv() pings the watchdog at half its timeout, only for this pid and with a socket", () => {
  const env = (vars: Record<string, string>) => notifyEnv((n) => vars[n], 42);
  assert.deepEqual(env({}), { socket: undefined, watchdogPingMs: undefined });
  assert.deepEqual(env({ NOTIFY_SOCKET: "/run/systemd/notify", WATCHDOG_USEC: "30000000" }), {
    socket: "/run/systemd/notify",
    watchdogPingMs: 15_000,
  });
  const other = env({ NOTIFY_SOCKET: "@x", WATCHDOG_USEC: "30000000", WATCHDOG_PID: "7" });
  assert.equal(other.watchdogPingMs, undefined);
  assert.equal(env({ WATCHDOG_USEC: "30000000" }).watchdogPingMs, undefined);
  assert.equal(env({ NOTIFY_SOCKET: "/s", WATCHDOG_USEC: "junk" }).watchdogPingMs, undefined);
});

Deno.test("sendUnixDatagram() delivers one datagram; a missing socket or a bad size is a clear error", async () => {
  await using sock = await notifySocket();
  sendUnixDatagram(sock.path, new TextEncoder().encode("READY=1\nSTATUS=hello"));
  await sock.until("datagram", (m) => m.length === 1);
  assert.deepEqual(sock.messages, ["READY=1\nSTATUS=hello"]);
  assert.throws(
    () => sendUnixDatagram(`${sock.path}.nope`, new Uint8Array(1)),
    /sendto\(".*\.nope"\) failed: ENOENT \(2\)/,
  );
  assert.throws(() => sendUnixDatagram("/" + "x".repeat(200), new Uint8Array(1)), RangeError);
  assert.throws(
    () => sendUnixDatagram(sock.path, new Uint8Array(MAX_DATAGRAM_BYTES + 1)),
    RangeError,
  );
});

Deno.test("eyrie run under a notify socket: READY once serving, WATCHDOG pings, RELOADING/READY on SIGHUP, STOPPING", async () => {
  await using sock = await notifySocket();
  await using cfg = await tempConfig(`[console]\nlisten = "127.0.0.1:0"\n`);
  const eyrie = await startEyrie(cfg.file, {
    env: { NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: "400000" },
  });
  try {
    await sock.until("READY=1", (m) => m.some((s) => s.startsWith("READY=1")));
    const ready = sock.messages.find((s) => s.startsWith("READY=1"))!;
    assert.match(
      ready,
      /^READY=1\nSTATUS=running: 0 camera\(s\), console on http:\/\/127\.0\.0\.1:\d+\nMAINPID=\d+$/,
    );
    await sock.until("3 watchdog pings", (m) => m.filter((s) => s === "WATCHDOG=1").length >= 3);
    eyrie.process.kill("SIGHUP");
    await sock.until("RELOADING then READY", (m) => {
      const at = m.indexOf("RELOADING=1");
      return at >= 0 && m.slice(at).some((s) => s.startsWith("READY=1"));
    });
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
  await sock.until("STOPPING=1", (m) => m.includes("STOPPING=1"));
});
