/** ServerTls following `rotate` and `revoke` while it serves: new handshakes change, live ones as documented. */
import assert from "node:assert/strict";
import tls from "node:tls";
import {
  listCerts,
  loadClientTls,
  loadServerTls,
  type ReloadEvent,
  revokeCert,
  rotateServerCerts,
} from "../../certs/mod.ts";
import { makePki } from "./_pki.ts";
import { closeServer, listen, SOCKET_TIMEOUT_MS, tempDir, waitFor } from "./_run.ts";

/** An open connection whose server echoes lines; resolves once the handshake is done. */
function open(port: number, options: tls.ConnectionOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ...options });
    socket.setTimeout(SOCKET_TIMEOUT_MS, () => socket.destroy(new Error("Timed out")));
    socket.once("secureConnect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Sends a line and resolves with the echo. */
function echo(socket: tls.TLSSocket, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once("data", (chunk: Uint8Array) => resolve(new TextDecoder().decode(chunk)));
    socket.once("error", reject);
    socket.write(line);
  });
}

Deno.test("a watching ServerTls serves a rotated certificate to new handshakes and keeps live ones", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  const events: ReloadEvent[] = [];
  await using serverTls = await loadServerTls(pki.dir, {
    name: "console",
    onReload: (event) => events.push(event),
  });
  const server = serverTls.createServer((socket) => socket.pipe(socket));
  const port = await listen(server);
  serverTls.watch();
  try {
    const options = await loadClientTls(pki.dir, { name: "alice" });
    const before = serverTls.fingerprint256;
    const live = await open(port, options);
    assert.equal(live.getPeerCertificate().fingerprint256, before);
    const [rotated] = await rotateServerCerts(pki.dir);
    await waitFor(() => events.some((e) => e.kind === "certificate"), "the reload");
    assert.equal(serverTls.fingerprint256, rotated.fingerprint256);
    const fresh = await open(port, options);
    assert.equal(fresh.getPeerCertificate().fingerprint256, rotated.fingerprint256);
    assert.notEqual(rotated.fingerprint256, before);
    assert.equal(await echo(live, "still here\n"), "still here\n");
    live.destroy();
    fresh.destroy();
  } finally {
    await closeServer(server);
  }
});

Deno.test("a watching ServerTls drops the live connection of a client whose certificate gets revoked", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  const events: ReloadEvent[] = [];
  await using serverTls = await loadServerTls(pki.dir, {
    name: "console",
    onReload: (event) => events.push(event),
  });
  const server = serverTls.createServer((socket) => socket.pipe(socket));
  const port = await listen(server);
  serverTls.watch();
  try {
    const alice = await open(port, await loadClientTls(pki.dir, { name: "alice" }));
    assert.equal(await echo(alice, "hi\n"), "hi\n");
    const closed = new Promise<void>((resolve) => alice.once("close", () => resolve()));
    await revokeCert(pki.dir, "alice");
    await closed;
    await waitFor(() => events.some((e) => e.kind === "revocations"), "the reload event");
    assert.deepEqual(
      events.filter((e) => e.kind === "revocations").map((e) => [e.crlNumber, e.dropped]),
      [[3n, 1]],
    );
    const serial = (await listCerts(pki.dir)).find((row) => row.name === "alice")!.serial;
    assert.ok(serverTls.isRevoked(serial));
  } finally {
    await closeServer(server);
  }
});
