import assert from "node:assert/strict";
import { join } from "node:path";
import {
  CertExistsError,
  initCa,
  issueCert,
  KEY_ALGORITHMS,
  listCerts,
  revokeCert,
} from "../../certs/mod.ts";
import { run, tempDir } from "./_run.ts";

const LABEL = { ed25519: "Ed25519", p256: "P-256" } as const;

for (const algorithm of KEY_ALGORITHMS) {
  Deno.test(`issueCert() makes ${LABEL[algorithm]} server and client certificates that openssl verify accepts`, async () => {
    await using tmp = await tempDir();
    const dir = join(tmp.path, "certs");
    await initCa({ dir, algorithm });
    const server = await issueCert(dir, { kind: "server", name: "console", sans: ["cam.example"] });
    const client = await issueCert(dir, { kind: "client", name: "alice" });
    const ca = join(dir, "ca.crt");
    for (
      const [cert, purpose] of [[server.certPath, "sslserver"], [client.certPath, "sslclient"]]
    ) {
      const ok = await run("openssl", ["verify", "-CAfile", ca, "-purpose", purpose, cert]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /: OK/);
    }
    // The purposes are exclusive: a server certificate is not a client certificate.
    const wrong = await run("openssl", [
      "verify",
      "-CAfile",
      ca,
      "-purpose",
      "sslclient",
      server.certPath,
    ]);
    assert.notEqual(wrong.code, 0);
  });
}

Deno.test("issueCert() gives a server localhost, 127.0.0.1, ::1, the host name and extra SANs", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir });
  const cert = await issueCert(dir, {
    kind: "server",
    name: "console",
    sans: ["192.168.1.20", "Cam.Example.", "fd00::7"],
  });
  const text = await run("openssl", ["x509", "-in", cert.certPath, "-noout", "-text"]);
  const san = text.stdout.match(/Subject Alternative Name: *\n *(.*)/)?.[1] ?? "";
  const host = Deno.hostname().toLowerCase();
  const wanted = [
    "DNS:localhost",
    "IP Address:127.0.0.1",
    "IP Address:0:0:0:0:0:0:0:1",
    "IP Address:192.168.1.20",
    "DNS:cam.example",
    "IP Address:FD00:0:0:0:0:0:0:7",
    ...(/^[a-z0-9.-]+$/.test(host) ? [`DNS:${host}`] : []),
  ];
  for (const want of wanted) assert.ok(san.includes(want), `${want} missing from ${san}`);
  assert.match(text.stdout, /Subject: O = eyrie, CN = console/);
  assert.match(text.stdout, /TLS Web Server Authentication/);
  assert.match(text.stdout, /Key Usage: critical\n *Digital Signature\n/);
  assert.match(text.stdout, /CA:FALSE/);
});

Deno.test("issueCert() names a client certificate after its user and adds no SAN by default", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir });
  const cert = await issueCert(dir, { kind: "client", name: "alice", days: 30 });
  const text = await run("openssl", ["x509", "-in", cert.certPath, "-noout", "-text"]);
  assert.match(text.stdout, /Subject: O = eyrie, CN = alice/);
  assert.match(text.stdout, /TLS Web Client Authentication/);
  assert.doesNotMatch(text.stdout, /Subject Alternative Name/);
  const days = (cert.notAfter.getTime() - cert.notBefore.getTime()) / 86_400_000;
  assert.equal(days, 30);
});

Deno.test("issueCert() writes keys 0600 that openssl pairs with their certificates", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir, algorithm: "p256" });
  const cert = await issueCert(dir, { kind: "client", name: "alice" });
  assert.equal((await Deno.stat(cert.keyPath)).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(join(dir, "client"))).mode! & 0o777, 0o700);
  const fromKey = await run("openssl", ["pkey", "-in", cert.keyPath, "-pubout"]);
  const fromCert = await run("openssl", ["x509", "-in", cert.certPath, "-noout", "-pubkey"]);
  assert.equal(fromKey.code, 0, fromKey.stderr);
  assert.equal(fromKey.stdout, fromCert.stdout);
});

Deno.test("issueCert() uses a different random 128-bit serial every time", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir });
  const serials = new Set<string>();
  for (let i = 0; i < 8; i++) {
    const cert = await issueCert(dir, { kind: "client", name: `user${i}` });
    assert.match(cert.serial, /^[1-7][0-9A-F]{31}$/);
    serials.add(cert.serial);
  }
  assert.equal(serials.size, 8);
  const text = await run("openssl", [
    "x509",
    "-in",
    join(dir, "client", "user0.crt"),
    "-noout",
    "-serial",
  ]);
  assert.ok(serials.has(text.stdout.trim().replace("serial=", "")));
});

Deno.test("issueCert() refuses to replace a valid certificate and leaves its files untouched", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir });
  const first = await issueCert(dir, { kind: "client", name: "alice" });
  const cert = await Deno.readTextFile(first.certPath);
  const key = await Deno.readTextFile(first.keyPath);
  await assert.rejects(issueCert(dir, { kind: "client", name: "alice" }), CertExistsError);
  assert.equal(await Deno.readTextFile(first.certPath), cert);
  assert.equal(await Deno.readTextFile(first.keyPath), key);
});

Deno.test("issueCert() replaces a revoked certificate and keeps the old one in the archive", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir });
  const first = await issueCert(dir, { kind: "client", name: "alice" });
  await revokeCert(dir, "alice");
  const second = await issueCert(dir, { kind: "client", name: "alice" });
  assert.equal(second.replacedSerial, first.serial);
  const rows = await listCerts(dir, { all: true });
  const alices = rows.filter((row) => row.name === "alice");
  assert.deepEqual(
    alices.map((row) => [row.serial, row.current, row.revoked]),
    [[second.serial, true, false], [first.serial, false, true]],
  );
});

Deno.test("issueCert() rejects bad input with an error quoting it and writes nothing", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir });
  await assert.rejects(
    issueCert(dir, { kind: "client", name: "../etc" }),
    /Invalid certificate name "\.\.\/etc"/,
  );
  await assert.rejects(
    issueCert(dir, { kind: "server", name: "a", sans: ["bad name"] }),
    /"bad name"/,
  );
  await assert.rejects(issueCert(dir, { kind: "server", name: "a", days: 4000 }), /"4000" days/);
  // @ts-expect-error: a kind from untyped input
  await assert.rejects(issueCert(dir, { kind: "ca", name: "a" }), /Unknown certificate kind "ca"/);
  assert.deepEqual((await listCerts(dir)).map((row) => row.kind), ["ca"]);
});

Deno.test("issueCert() without a CA says to run init", async () => {
  await using tmp = await tempDir();
  await assert.rejects(
    issueCert(join(tmp.path, "certs"), { kind: "client", name: "alice" }),
    /No CA certificate \(run: eyrie certs init\)/,
  );
});

Deno.test("issueCert() never lets a certificate outlive its CA", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  const ca = await initCa({ dir, validityDays: 10 });
  const cert = await issueCert(dir, { kind: "client", name: "alice", days: 365 });
  assert.equal(cert.notAfter.getTime(), ca.notAfter.getTime());
});
