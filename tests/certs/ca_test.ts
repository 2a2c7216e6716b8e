import assert from "node:assert/strict";
import { join } from "node:path";
import { CaExistsError, initCa, KEY_ALGORITHMS } from "../../certs/mod.ts";
import { run, tempDir } from "./_run.ts";

const LABEL = { ed25519: "an Ed25519", p256: "a P-256" } as const;

for (const algorithm of KEY_ALGORITHMS) {
  Deno.test(`initCa() makes ${LABEL[algorithm]} CA that openssl reads as a CA allowed to sign certificates and CRLs`, async () => {
    await using tmp = await tempDir();
    const dir = join(tmp.path, "certs");
    const ca = await initCa({ dir, algorithm, name: "eyrie test CA", validityDays: 30 });
    const text = await run("openssl", ["x509", "-in", ca.certPath, "-noout", "-text"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Subject: O = eyrie, CN = eyrie test CA/);
    assert.match(text.stdout, /CA:TRUE, pathlen:0/);
    assert.match(text.stdout, /Certificate Sign, CRL Sign/);
    assert.match(text.stdout, algorithm === "ed25519" ? /ED25519/ : /prime256v1/);
    const self = await run("openssl", ["verify", "-CAfile", ca.certPath, ca.certPath]);
    assert.equal(self.code, 0, self.stderr);
    const fp = await run("openssl", [
      "x509",
      "-in",
      ca.certPath,
      "-noout",
      "-fingerprint",
      "-sha256",
    ]);
    assert.equal(fp.stdout.trim(), `sha256 Fingerprint=${ca.fingerprint256}`);
    const crl = await run("openssl", [
      "crl",
      "-in",
      join(dir, "ca.crl"),
      "-noout",
      "-CAfile",
      ca.certPath,
    ]);
    assert.equal(crl.code, 0, crl.stderr);
    assert.match(crl.stderr + crl.stdout, /verify OK/);
  });
}

Deno.test("initCa() writes its files 0600 and the directory 0700", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "data", "certs");
  await initCa({ dir });
  assert.equal((await Deno.stat(join(dir, "ca.key"))).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
  assert.equal((await Deno.stat(join(dir, "ca.crt"))).mode! & 0o777, 0o600);
  assert.equal((await Deno.stat(join(dir, "ca.crl"))).mode! & 0o777, 0o600);
  const pem = await Deno.readTextFile(join(dir, "ca.key"));
  assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
});

Deno.test("initCa() uses Ed25519 unless asked for P-256", async () => {
  await using tmp = await tempDir();
  const ca = await initCa({ dir: join(tmp.path, "certs") });
  assert.equal(ca.algorithm, "ed25519");
});

Deno.test("initCa() refuses to overwrite an existing CA and leaves it untouched", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir });
  const before = await Deno.readTextFile(join(dir, "ca.key"));
  await assert.rejects(initCa({ dir, algorithm: "p256" }), CaExistsError);
  assert.equal(await Deno.readTextFile(join(dir, "ca.key")), before);
});

Deno.test("initCa() with force moves the old certs directory aside instead of deleting it", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  const first = await initCa({ dir });
  const second = await initCa({ dir, force: true });
  assert.notEqual(second.fingerprint256, first.fingerprint256);
  assert.ok(second.replacedDir);
  const kept = await run("openssl", [
    "x509",
    "-in",
    join(second.replacedDir, "ca.crt"),
    "-noout",
    "-fingerprint",
    "-sha256",
  ]);
  assert.equal(kept.stdout.trim(), `sha256 Fingerprint=${first.fingerprint256}`);
});

Deno.test("initCa() rejects a bad name or validity with an error quoting it", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await assert.rejects(initCa({ dir, name: "x".repeat(65) }), /Invalid CA name "x{65}"/);
  await assert.rejects(initCa({ dir, validityDays: 0 }), /Invalid validity "0" days/);
  await assert.rejects(initCa({ dir, validityDays: 1.5 }), RangeError);
  assert.equal(await Deno.stat(dir).catch(() => null), null);
});
