import assert from "node:assert/strict";
import { join } from "node:path";
import { loadClientTls, loadRevocations, loadServerTls, revokeCert } from "../../certs/mod.ts";
import { makePki } from "./_pki.ts";
import { run, tempDir } from "./_run.ts";

Deno.test("revokeCert() signs a new CRL that openssl verifies and that lists the serial with its reason", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  const result = await revokeCert(pki.dir, "alice", { reason: "superseded" });
  assert.equal(result.crlNumber, 3n); // 1 at init, 2 for bob in makePki
  const again = await revokeCert(pki.dir, "alice");
  assert.equal(again.alreadyRevoked, true);
  const list = await loadRevocations(pki.dir);
  assert.ok(list.has(result.serial.toLowerCase()));
  const crl = await run("openssl", [
    "crl",
    "-in",
    join(pki.dir, "ca.crl"),
    "-CAfile",
    pki.caFile,
    "-noout",
    "-text",
  ]);
  assert.match(crl.stderr + crl.stdout, /verify OK/);
  assert.match(crl.stdout, new RegExp(`Serial Number: 0?${result.serial}[^]*Superseded`));
  assert.match(crl.stdout, /X509v3 CRL Number: \n\s+3\n/);
});

Deno.test("a revocation list the CA did not sign is refused: loading fails closed", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  // The other installation's CA has the same name; its CRL must still not count here.
  await Deno.copyFile(join(pki.otherDir, "ca.crl"), join(pki.dir, "ca.crl"));
  const refused = /The revocation list ".*ca\.crl" is not signed by this CA/;
  await assert.rejects(loadRevocations(pki.dir), refused);
  await assert.rejects(loadServerTls(pki.dir, { name: "console" }), refused);
  await assert.rejects(loadClientTls(pki.dir, { name: "alice" }), refused);
  await assert.rejects(revokeCert(pki.dir, "alice"), refused);
});
