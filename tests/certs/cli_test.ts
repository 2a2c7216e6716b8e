/** `eyrie certs …` (certsMain) as docs/security.md shows it, checked with openssl. */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { CertInfo } from "../../certs/mod.ts";
import { certsMain } from "../../ui/cli/certs.ts";
import { UsageError } from "../../ui/cli/errors.ts";
import { run, tempDir } from "./_run.ts";

async function eyrieCerts(dataDir: string, args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const code = await certsMain(args, { dataDir, stdout: (line) => lines.push(line) });
  assert.equal(code, 0);
  return lines;
}

Deno.test("eyrie certs init, issue, list, revoke, rotate and pin work as documented", async () => {
  await using tmp = await tempDir();
  const certs = join(tmp.path, "certs");
  const init = await eyrieCerts(tmp.path, ["init", "--algorithm", "p256", "--name", "home CA"]);
  assert.match(init[0], /^Created the CA "O=eyrie, CN=home CA" \(p256\) in /);
  const server = await eyrieCerts(tmp.path, ["issue", "server", "console", "--san", "10.0.0.5"]);
  assert.match(
    server.join("\n"),
    /SANs: +DNS:localhost, IP:127\.0\.0\.1, IP:::1, .*IP:10\.0\.0\.5/,
  );
  await eyrieCerts(tmp.path, ["issue", "client", "alice"]);
  const verify = await run("openssl", [
    "verify",
    "-CAfile",
    join(certs, "ca.crt"),
    "-purpose",
    "sslclient",
    join(certs, "client", "alice.crt"),
  ]);
  assert.equal(verify.code, 0, verify.stderr);

  const revoked = await eyrieCerts(tmp.path, ["revoke", "alice", "--reason", "keyCompromise"]);
  assert.match(revoked[0], /^Revoked the client certificate "alice" .*keyCompromise.*number 2$/);
  const crl = await run("openssl", ["crl", "-in", join(certs, "ca.crl"), "-noout", "-text"]);
  assert.match(crl.stdout, /Key Compromise/);

  const [rotated] = await eyrieCerts(tmp.path, ["rotate"]);
  assert.match(rotated, /^Rotated server certificate "console"/);
  const rows: (CertInfo & { status: string })[] = JSON.parse(
    (await eyrieCerts(tmp.path, ["list", "--json", "--all"]))[0],
  );
  assert.deepEqual(rows.map((row) => [row.kind, row.name, row.status]), [
    ["ca", "home CA", "valid"],
    ["server", "console", "valid"],
    ["client", "alice", "revoked"],
    ["server", "console", "valid,archived"],
  ]);

  const pins = await eyrieCerts(tmp.path, ["pin"]);
  assert.ok(pins.some((line) => line.includes(rows[1].fingerprint256)));
  const fp = rows[1].fingerprint256.replaceAll(":", "").toLowerCase();
  assert.deepEqual(
    await eyrieCerts(tmp.path, ["pin", "--accept", `sha256:${fp}`, "--name", "hub"]),
    [
      `Pinned "hub" to ${rows[1].fingerprint256}`,
    ],
  );
  assert.match((await eyrieCerts(tmp.path, ["pin"])).at(-1) ?? "", /^pinned +hub +[0-9A-F:]{95}$/);
});

Deno.test("eyrie certs refuses bad usage with a UsageError (exit 2) quoting the value", async () => {
  await using tmp = await tempDir();
  const usage = (args: string[], message: RegExp) =>
    assert.rejects(certsMain(args, { dataDir: tmp.path, stdout: () => {} }), (error) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, message);
      return true;
    });
  await usage(["frobnicate"], /Unknown certs command "frobnicate"/);
  await usage(["init", "--algorithm", "rsa"], /Unknown key algorithm "rsa"/);
  await usage(["issue", "user", "alice"], /Unknown certificate kind "user"/);
  await usage(["issue", "client", "../x"], /Invalid certificate name "\.\.\/x"/);
  await usage(["issue", "server", "a", "--days", "ten"], /Invalid --days "ten"/);
  await usage(["pin", "--accept", "abc", "--name", "hub"], /Invalid SHA-256 fingerprint "abc"/);
  await usage(["pin", "--name", "hub"], /--accept and --name go together/);
});
