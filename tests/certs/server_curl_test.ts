/** A node:https server guarded by ServerTls, probed by curl (OpenSSL underneath, not our code). */
import assert from "node:assert/strict";
import https from "node:https";
import type tls from "node:tls";
import { loadServerTls, peerIdentity } from "../../certs/mod.ts";
import { makePki } from "./_pki.ts";
import { closeServer, listen, run, tempDir, waitFor } from "./_run.ts";

Deno.test("an mTLS https server answers curl with the right certificate and refuses every wrong one", async (t) => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  await using serverTls = await loadServerTls(pki.dir, { name: "console" });
  let requests = 0;
  const server = https.createServer(serverTls.options, (req, res) => {
    requests++;
    const who = peerIdentity(req.socket as tls.TLSSocket);
    res.end(`hello ${who?.cn} ${who?.serial}\n`);
  });
  serverTls.attach(server);
  const refusals: Error[] = [];
  server.on("tlsClientError", (error: Error) => refusals.push(error));
  const port = await listen(server);
  /** The step's attempt was refused by the server itself, once. */
  const refusedOnce = async (before: number) => {
    await waitFor(() => refusals.length > before, "the server to report the refusal");
    assert.equal(refusals.length, before + 1, refusals.slice(before).map(String).join("; "));
  };
  const curl = (args: string[]) =>
    run("curl", [
      "--silent",
      "--show-error",
      "--max-time",
      "10",
      "--noproxy",
      "*",
      "--cacert",
      pki.caFile,
      ...args,
      `https://localhost:${port}/`,
    ]);
  const cert = ([crt, key]: [string, string]) => ["--cert", crt, "--key", key];
  try {
    await t.step("the right certificate gets a response naming its user", async () => {
      const out = await curl(cert(pki.client("alice")));
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /^hello alice [0-9A-F]{32}\n$/);
    });
    await t.step("TLS 1.2 at most is refused (curl exit 35)", async () => {
      const before = refusals.length;
      const out = await curl(["--tls-max", "1.2", ...cert(pki.client("alice"))]);
      assert.equal(out.code, 35, out.stderr);
      assert.match(out.stderr, /protocol version/);
      await refusedOnce(before);
    });
    await t.step("no certificate is refused", async () => {
      const before = refusals.length;
      const out = await curl([]);
      assert.notEqual(out.code, 0);
      assert.equal(out.stdout, "");
      // "certificate required" unless Deno closed before flushing the alert
      // (see server_openssl_test.ts).
      assert.match(out.stderr, /certificate required|SSL_ERROR_SYSCALL|connection reset|EOF/i);
      await refusedOnce(before);
    });
    for (
      const [label, pair] of [
        ["another CA's certificate with the same names", pki.impostor],
        ["an expired certificate", pki.client("old")],
        ["a revoked certificate", pki.client("bob")],
      ] as const
    ) {
      await t.step(`${label} is refused`, async () => {
        const before = refusals.length;
        const out = await curl(cert(pair));
        assert.notEqual(out.code, 0, out.stdout);
        assert.equal(out.stdout, "");
        await refusedOnce(before);
      });
    }
    await t.step("a curl that trusts another CA refuses the server", async () => {
      const out = await run("curl", [
        "--silent",
        "--show-error",
        "--max-time",
        "10",
        "--noproxy",
        "*",
        "--cacert",
        pki.otherCaFile,
        ...cert(pki.client("alice")),
        `https://localhost:${port}/`,
      ]);
      assert.equal(out.code, 60, out.stderr);
    });
    await t.step("only the right certificate ever reached the request handler", () => {
      assert.equal(requests, 1);
    });
  } finally {
    await closeServer(server);
  }
});
