/** The client builders against real servers: openssl s_server and our own node:tls server. */
import assert from "node:assert/strict";
import https from "node:https";
import tls from "node:tls";
import {
  acceptPin,
  clientOptions,
  issueCert,
  listCerts,
  loadClientTls,
  loadServerTls,
  PinMismatchError,
  revokeCert,
  RevokedCertificateError,
  rotateServerCerts,
} from "../../certs/mod.ts";
import { makePki, type Pki } from "./_pki.ts";
import { closeServer, listen, run, SOCKET_TIMEOUT_MS, spawnPeer, tempDir } from "./_run.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Connects and resolves with the server's certificate fingerprint once the
 * handshake is accepted, then hangs up; rejects with the refusal. A stuck
 * socket times out by itself.
 */
function handshake(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername: "localhost", ...options });
    socket.setTimeout(SOCKET_TIMEOUT_MS, () => {
      socket.destroy(new Error(`No handshake within ${SOCKET_TIMEOUT_MS} ms`));
    });
    socket.once("secureConnect", () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      // destroy(), not end(): the server's greeting is never read, so a
      // half-closed socket would wait for an "end" that never comes.
      socket.destroy();
      resolve(fp);
    });
    socket.once("error", (error) => {
      socket.destroy();
      reject(error);
    });
  });
}

/** GET / over node:https; resolves with status and body, or rejects after a timeout. */
function get(
  port: number,
  options: tls.ConnectionOptions,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        path: "/",
        servername: "localhost",
        agent: false,
        timeout: SOCKET_TIMEOUT_MS,
        ...options,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.once("timeout", () => req.destroy(new Error(`No response within ${SOCKET_TIMEOUT_MS} ms`)));
    req.once("error", reject);
    req.end();
  });
}

async function withOwnServer(pki: Pki, fn: (port: number) => Promise<void>): Promise<void> {
  await using serverTls = await loadServerTls(pki.dir, { name: "console" });
  const server = serverTls.createServer((socket) => socket.end("hi\n"));
  const port = await listen(server);
  try {
    await fn(port);
  } finally {
    await closeServer(server);
  }
}

/** openssl s_server requiring a client certificate from `caFile`, answering GET with its status page. */
function sServer(pair: [string, string], caFile: string, extra: string[] = []) {
  return spawnPeer("openssl", [
    "s_server",
    "-accept",
    "127.0.0.1:0",
    "-cert",
    pair[0],
    "-key",
    pair[1],
    "-CAfile",
    caFile,
    "-Verify",
    "1",
    "-verify_return_error",
    "-www",
    ...extra,
  ], /ACCEPT 127\.0\.0\.1:(\d+)/);
}

Deno.test("loadClientTls() presents a client certificate that openssl s_server verifies, over TLS 1.3", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await using peer = await sServer(pki.server("console"), pki.caFile, ["-tls1_3"]);
  const res = await get(peer.port, await loadClientTls(pki.dir, { name: "alice" }));
  assert.equal(res.status, 200);
  // s_server's status page (-www) describes the session and the client
  // certificate it verified (-Verify 1 -verify_return_error: none, no page).
  assert.match(res.body, /New, TLSv1\.3, Cipher is TLS_/);
  assert.match(res.body, /Client certificate\n[^]*Subject: O ?= ?eyrie, CN ?= ?alice\n/);
});

Deno.test("the client refuses a TLS 1.2-only server", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await using peer = await sServer(pki.server("console"), pki.caFile, ["-tls1_2"]);
  const options = await loadClientTls(pki.dir, { name: "alice" });
  await assert.rejects(handshake(peer.port, options), /ProtocolVersion|protocol version/i);
});

Deno.test("the client refuses a server whose certificate comes from another CA with the same name", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await issueCert(pki.otherDir, { kind: "server", name: "console" });
  const other = pki.otherCaFile.replace(/ca\.crt$/, "server/console");
  await using peer = await sServer([`${other}.crt`, `${other}.key`], pki.otherCaFile);
  const options = await loadClientTls(pki.dir, { name: "alice" });
  await assert.rejects(handshake(peer.port, options), {
    code: /^(UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/,
  });
});

Deno.test("the client refuses an expired server certificate", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  const notBefore = new Date(Date.now() - 3 * DAY_MS);
  await issueCert(pki.dir, { kind: "server", name: "stale", notBefore, days: 1 });
  const [stale] = pki.server("stale");
  // Expiry is the only fault: openssl verifies the certificate at a time
  // inside its validity and refuses it now.
  const then = Math.floor((notBefore.getTime() + DAY_MS / 2) / 1000);
  const past = await run("openssl", ["verify", "-CAfile", pki.caFile, "-attime", `${then}`, stale]);
  assert.equal(past.code, 0, past.stderr);
  const now = await run("openssl", ["verify", "-CAfile", pki.caFile, stale]);
  assert.match(now.stdout + now.stderr, /certificate has expired/);
  const options = await loadClientTls(pki.dir, { name: "alice" });
  {
    await using fresh = await sServer(pki.server("console"), pki.caFile);
    assert.ok(await handshake(fresh.port, options));
  }
  await using peer = await sServer(pki.server("stale"), pki.caFile);
  // Deno's node:tls reports every chain failure as this code (measured with
  // Deno 2.9.6: expired, not yet valid and unknown CA alike), not
  // CERT_HAS_EXPIRED as Node does.
  await assert.rejects(handshake(peer.port, options), {
    code: /^(CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE)$/,
  });
});

Deno.test("the client refuses a server certificate on the revocation list although the CA signed it", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await issueCert(pki.dir, { kind: "server", name: "spare" });
  await using peer = await sServer(pki.server("spare"), pki.caFile);
  // Accepted before the revocation: the refusal below is the revocation's doing.
  const before = await loadClientTls(pki.dir, { name: "alice" });
  assert.equal((await get(peer.port, before)).status, 200);
  await revokeCert(pki.dir, "spare");
  const after = await loadClientTls(pki.dir, { name: "alice" });
  await assert.rejects(handshake(peer.port, after), RevokedCertificateError);
});

Deno.test("a pinned client accepts the pinned server and refuses another one the CA accepts", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  const rows = await listCerts(pki.dir);
  const consoleFp = rows.find((row) => row.name === "console")!.fingerprint256;
  const caFp = rows.find((row) => row.kind === "ca")!.fingerprint256;
  await withOwnServer(pki, async (port) => {
    const unpinned = await loadClientTls(pki.dir, { name: "alice" });
    assert.equal(await handshake(port, unpinned), consoleFp);
    const right = await loadClientTls(pki.dir, { name: "alice", pins: [consoleFp.toLowerCase()] });
    assert.equal(await handshake(port, right), consoleFp);
    const wrong = await loadClientTls(pki.dir, { name: "alice", pins: [caFp] });
    const error = await handshake(port, wrong).then(() => null, (e: Error) => e);
    assert.ok(error instanceof PinMismatchError, String(error));
    assert.equal(error.fingerprint256, consoleFp);
  });
});

Deno.test("a client pinned to a remote through pins.json refuses the server after it rotates until the new pin is accepted", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  const fp = (await listCerts(pki.dir)).find((row) => row.name === "console")!.fingerprint256;
  await acceptPin(pki.dir, "garage", fp.replaceAll(":", ""));
  await withOwnServer(pki, async (port) => {
    assert.equal(
      await handshake(port, await loadClientTls(pki.dir, { name: "alice", remote: "garage" })),
      fp,
    );
  });
  const [rotated] = await rotateServerCerts(pki.dir);
  await withOwnServer(pki, async (port) => {
    const options = await loadClientTls(pki.dir, { name: "alice", remote: "garage" });
    await assert.rejects(handshake(port, options), PinMismatchError);
    await acceptPin(pki.dir, "garage", rotated.fingerprint256);
    const repinned = await loadClientTls(pki.dir, { name: "alice", remote: "garage" });
    assert.equal(await handshake(port, repinned), rotated.fingerprint256);
  });
});

Deno.test("a pinned client may skip the host name check; an unpinned one may not", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  const fp = (await listCerts(pki.dir)).find((row) => row.name === "console")!.fingerprint256;
  await withOwnServer(pki, async (port) => {
    const strict = await loadClientTls(pki.dir, { name: "alice", servername: "elsewhere.example" });
    await assert.rejects(handshake(port, strict), /elsewhere\.example/);
    const pinned = await loadClientTls(pki.dir, {
      name: "alice",
      pins: [fp],
      checkHostname: false,
      servername: "elsewhere.example",
    });
    assert.equal(await handshake(port, pinned), fp);
  });
  assert.throws(
    () => clientOptions({ ca: "" }, { checkHostname: false }),
    /needs at least one pin/,
  );
});
