/**
 * The console of a real `eyrie run` over TLS, probed by clients the project
 * did not write (openssl s_client, curl) and by Deno's fetch and node:https:
 * with `require_client_cert = true` only the right certificate gets in, and
 * it is its user; rotation and revocation apply while eyrie runs.
 */
import assert from "node:assert/strict";
import https from "node:https";
import tls from "node:tls";
import { issueCert, revokeCert, rotateServerCerts } from "../../../certs/mod.ts";
import { AuthStore } from "../../../ui/auth/service.ts";
import { makePki, type Pki } from "../../certs/_pki.ts";
import { run, tempDir, waitFor } from "../../certs/_run.ts";
import { type Running, startEyrie } from "../cli/_eyrie.ts";

async function consoleWithTls(
  root: string,
  pki: Pki,
  requireClientCert: boolean,
  users: (store: AuthStore) => Promise<void>,
): Promise<Running> {
  const dataDir = `${root}/data`;
  const store = AuthStore.open(dataDir);
  try {
    await users(store);
  } finally {
    store.close();
  }
  const file = `${root}/eyrie.toml`;
  await Deno.writeTextFile(
    file,
    `data_dir = "${dataDir}"
[console]
listen = "127.0.0.1:0"
[tls]
dir = "${pki.dir}"
require_client_cert = ${requireClientCert}
[log]
format = "json"
`,
  );
  return await startEyrie(file);
}

function curl(pki: Pki, url: string, args: string[]) {
  return run("curl", [
    "--silent",
    "--show-error",
    "--max-time",
    "10",
    "--noproxy",
    "*",
    "--cacert",
    pki.caFile,
    ...args,
    url,
  ]);
}
const withCert = ([crt, key]: [string, string]) => ["--cert", crt, "--key", key];

/** The server certificate a fresh handshake gets. */
function servedFingerprint(pki: Pki, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const [cert, key] = [
      Deno.readTextFileSync(pki.client("alice")[0]),
      Deno.readTextFileSync(pki.client("alice")[1]),
    ];
    const socket = tls.connect({
      host: "127.0.0.1",
      port,
      servername: "localhost",
      ca: Deno.readTextFileSync(pki.caFile),
      cert,
      key,
      minVersion: "TLSv1.3",
    }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

Deno.test("with require_client_cert the console lets only the right certificate in, as its user", async (t) => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "ed25519");
  await issueCert(pki.dir, { kind: "client", name: "carol" });
  const eyrie = await consoleWithTls(tmp.path, pki, true, async (store) => {
    await store.users.add("alice", "admin", null);
  });
  const port = Number(new URL(eyrie.url).port);
  const url = (path: string) => `https://localhost:${port}${path}`;
  try {
    assert.match(eyrie.url, /^https:\/\/127\.0\.0\.1:\d+$/);

    await t.step("openssl s_client with TLS 1.2 only is refused (protocol version)", async () => {
      const out = await run("openssl", [
        "s_client",
        "-connect",
        `127.0.0.1:${port}`,
        "-tls1_2",
        "-CAfile",
        pki.caFile,
        "-cert",
        pki.client("alice")[0],
        "-key",
        pki.client("alice")[1],
      ]);
      assert.notEqual(out.code, 0);
      assert.match(out.stdout + out.stderr, /protocol version|no protocols available/i);
    });

    await t.step("curl with TLS 1.2 at most is refused (exit 35)", async () => {
      const out = await curl(pki, url("/api/auth/me"), [
        "--tls-max",
        "1.2",
        ...withCert(pki.client("alice")),
      ]);
      assert.equal(out.code, 35, out.stderr);
    });

    await t.step(
      "openssl s_client gets no HTTP answer without a certificate, and one with alice's",
      async () => {
        const sClient = (extra: string[]) =>
          run("openssl", [
            "s_client",
            "-connect",
            `127.0.0.1:${port}`,
            "-servername",
            "localhost",
            "-CAfile",
            pki.caFile,
            "-quiet",
            "-ign_eof", // wait for the server to answer and close, not just for the end of stdin
            ...extra,
          ], { stdin: "GET /api/auth/me HTTP/1.0\r\nHost: localhost\r\n\r\n" });
        const without = await sClient([]);
        assert.doesNotMatch(without.stdout, /HTTP\/1\.[01] \d{3}/, without.stdout);
        const withAlice = await sClient([
          "-cert",
          pki.client("alice")[0],
          "-key",
          pki.client("alice")[1],
        ]);
        assert.match(withAlice.stdout, /^HTTP\/1\.[01] 200/m, withAlice.stdout + withAlice.stderr);
        assert.match(withAlice.stdout, /"name":"alice"/);
      },
    );

    for (
      const [label, pair] of [
        ["no client certificate", null],
        ["another CA's certificate with the same name", pki.impostor],
        ["an expired certificate", pki.client("old")],
        ["a revoked certificate", pki.client("bob")],
      ] as const
    ) {
      await t.step(`curl with ${label} is refused`, async () => {
        const out = await curl(pki, url("/api/auth/me"), pair === null ? [] : withCert(pair));
        assert.notEqual(out.code, 0, `${label}: ${out.stdout}`);
        assert.equal(out.stdout, "");
      });
    }

    await t.step("curl with alice's certificate is user alice, without a password", async () => {
      const out = await curl(pki, url("/api/auth/me"), withCert(pki.client("alice")));
      assert.equal(out.code, 0, out.stderr);
      const me = JSON.parse(out.stdout);
      assert.equal(me.kind, "user");
      assert.equal(me.name, "alice");
      assert.equal(me.role, "admin");
      assert.equal(me.via, "certificate");
    });

    await t.step("Deno's fetch with alice's certificate gets the API", async () => {
      const [crt, key] = pki.client("alice");
      using client = Deno.createHttpClient({
        cert: await Deno.readTextFile(crt),
        key: await Deno.readTextFile(key),
        caCerts: [await Deno.readTextFile(pki.caFile)],
      });
      const res = await fetch(url("/api/cameras"), { client });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), []);
    });

    await t.step("node:https with alice's certificate gets the API", async () => {
      const [crt, key] = pki.client("alice");
      const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = https.get(url("/api/auth/me"), {
          ca: Deno.readTextFileSync(pki.caFile),
          cert: Deno.readTextFileSync(crt),
          key: Deno.readTextFileSync(key),
          minVersion: "TLSv1.3",
        }, (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.once("error", reject);
        req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
      });
      assert.equal(body.status, 200);
      assert.equal(JSON.parse(body.text).name, "alice");
    });

    await t.step(
      "carol, a certificate of this CA but no user, asks and alice approves",
      async () => {
        const carol = withCert(pki.client("carol"));
        const before = await curl(pki, url("/api/cameras"), [
          "--write-out",
          "\n%{http_code}",
          ...carol,
        ]);
        assert.match(before.stdout, /"ask":"\/api\/auth\/request"[\s\S]*\n403$/);
        const ask = await curl(pki, url("/api/auth/request"), [
          "--json",
          '{"cameras":"*","note":"carol here"}',
          ...carol,
        ]);
        const { id, status } = JSON.parse(ask.stdout);
        assert.equal(status, "pending");
        const ok = await curl(pki, url(`/api/auth/approvals/${id}/approve`), [
          "--json",
          "{}",
          ...withCert(pki.client("alice")),
        ]);
        assert.equal(JSON.parse(ok.stdout).status, "approved", ok.stdout);
        const after = await curl(pki, url("/api/cameras"), [
          "--write-out",
          "\n%{http_code}",
          ...carol,
        ]);
        assert.match(after.stdout, /\n200$/);
      },
    );

    await t.step("a certificate revoked while eyrie runs is refused from then on", async () => {
      await revokeCert(pki.dir, "carol");
      await waitFor(() => eyrie.logs().includes("revocation list reloaded"), "the reload", 5000);
      const out = await curl(pki, url("/api/cameras"), withCert(pki.client("carol")));
      assert.notEqual(out.code, 0);
      assert.equal(out.stdout, "");
    });

    await t.step("eyrie certs rotate: new handshakes get the new certificate", async () => {
      const before = await servedFingerprint(pki, port);
      const [rotated] = await rotateServerCerts(pki.dir);
      await waitFor(
        () => eyrie.logs().includes("console certificate replaced"),
        "the rotation",
        5000,
      );
      const after = await servedFingerprint(pki, port);
      assert.notEqual(after, before);
      assert.equal(after, rotated.fingerprint256);
      const out = await curl(pki, url("/api/auth/me"), withCert(pki.client("alice")));
      assert.equal(JSON.parse(out.stdout).name, "alice");
    });
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
  assert.match(eyrie.logs(), /console refused a TLS client/);
});

Deno.test("without require_client_cert a browser without a certificate signs in with a password over HTTPS", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  const eyrie = await consoleWithTls(tmp.path, pki, false, async (store) => {
    await store.users.add("dana", "admin", "dana-password");
    await store.users.add("alice", "viewer", null);
  });
  const port = Number(new URL(eyrie.url).port);
  const url = (path: string) => `https://localhost:${port}${path}`;
  try {
    const anon = await curl(pki, url("/api/cameras"), ["--write-out", "\n%{http_code}"]);
    assert.match(anon.stdout, /\n401$/);
    // A certificate from another CA gets through TLS as nobody: it still has to sign in.
    const foreign = await curl(pki, url("/api/cameras"), [
      "--write-out",
      "\n%{http_code}",
      ...withCert(pki.impostor),
    ]);
    assert.match(foreign.stdout, /\n401$/);
    const login = await curl(pki, url("/api/auth/login"), [
      "--json",
      '{"name":"dana","password":"dana-password"}',
      "--dump-header",
      "-",
    ]);
    const cookie = /set-cookie: (eyrie_session=[^;]+);[^\r\n]*Secure/i.exec(login.stdout);
    assert.ok(cookie, `a Secure session cookie: ${login.stdout}`);
    const me = await curl(pki, url("/api/auth/me"), ["--cookie", cookie[1]]);
    assert.equal(JSON.parse(me.stdout).name, "dana");
    const cert = await curl(pki, url("/api/auth/me"), withCert(pki.client("alice")));
    assert.equal(JSON.parse(cert.stdout).via, "certificate");
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});
