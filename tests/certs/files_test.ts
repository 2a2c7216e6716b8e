import assert from "node:assert/strict";
import { join, relative } from "node:path";
import {
  acceptPin,
  initCa,
  issueCert,
  listCerts,
  revokeCert,
  rotateServerCerts,
} from "../../certs/mod.ts";
import { run, tempDir } from "./_run.ts";

/** Every entry under `dir` with its permission bits, as "relative/path mode". */
async function modes(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string) => {
    for await (const entry of Deno.readDir(path)) {
      const full = join(path, entry.name);
      const mode = ((await Deno.lstat(full)).mode ?? 0) & 0o777;
      found.push(`${relative(dir, full)} ${mode.toString(8)}`);
      if (entry.isDirectory) await walk(full);
    }
  };
  await walk(dir);
  return found.sort();
}

Deno.test("every file the certs commands write is 0600 and every folder 0700", async () => {
  await using tmp = await tempDir();
  const dir = join(tmp.path, "certs");
  await initCa({ dir });
  await issueCert(dir, { kind: "server", name: "console" });
  await issueCert(dir, { kind: "client", name: "alice" });
  await issueCert(dir, { kind: "client", name: "bob" });
  await revokeCert(dir, "bob");
  await issueCert(dir, { kind: "client", name: "bob" });
  const [rotated] = await rotateServerCerts(dir);
  await acceptPin(dir, "garage", rotated.fingerprint256);
  const found = await modes(dir);
  const archived = (await listCerts(dir, { all: true })).filter((row) => !row.current);
  assert.equal(archived.length, 2);
  for (const row of archived) {
    assert.ok(found.includes(`archive/${row.serial}.crt 600`), row.serial);
  }
  for (
    const file of [
      ".lock",
      "ca.crt",
      "ca.key",
      "ca.crl",
      "pins.json",
      "server/console.crt",
      "server/console.key",
      "client/alice.crt",
      "client/alice.key",
      "client/bob.crt",
      "client/bob.key",
    ]
  ) {
    assert.ok(found.includes(`${file} 600`), `${file} not 0600 in ${found.join(", ")}`);
  }
  for (const folder of ["server", "client", "archive"]) {
    assert.ok(found.includes(`${folder} 700`), `${folder} not 0700 in ${found.join(", ")}`);
  }
  assert.deepEqual(found.filter((line) => !/ (600|700)$/.test(line)), []);
  assert.equal(((await Deno.stat(dir)).mode ?? 0) & 0o777, 0o700);
  // No temporary file of an atomic write is left behind.
  assert.deepEqual(found.filter((line) => line.includes(".tmp-")), []);
  // The files stay readable for their owner's tools: openssl verifies the rotated certificate.
  const verify = await run("openssl", ["verify", "-CAfile", join(dir, "ca.crt"), rotated.certPath]);
  assert.equal(verify.code, 0, verify.stderr);
});
