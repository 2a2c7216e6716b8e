/**
 * Issue 14's first finding, as it was found: a chunked 100 MB body on the
 * WHEP POST and PATCH of a real `eyrie run` over HTTPS, with a valid client
 * certificate, sent by curl. It used to end the process ("Uncaught
 * TypeError: The stream controller cannot close or enqueue") on the first
 * or second try. Now each gets 413 and eyrie keeps running.
 */
import assert from "node:assert/strict";
import { AuthStore } from "../../../ui/auth/service.ts";
import { makePki } from "../../certs/_pki.ts";
import { run, tempDir } from "../../certs/_run.ts";
import { startEyrie } from "../cli/_eyrie.ts";

/** The console comes up within a few seconds here. */
const VIEWER_START_MS = 30_000;

Deno.test("a chunked 100 MB body on WHEP POST and PATCH over HTTPS gets 413, five times each, and eyrie keeps running", async () => {
  await using tmp = await tempDir();
  const pki = await makePki(tmp.path, "p256");
  const store = AuthStore.open(`${tmp.path}/data`);
  await store.users.add("alice", "admin", null);
  store.close();
  const file = `${tmp.path}/eyrie.toml`;
  await Deno.writeTextFile(
    file,
    `data_dir = "${tmp.path}/data"
[console]
listen = "127.0.0.1:0"
[tls]
dir = "${pki.dir}"
require_client_cert = true
[recording]
enabled = false
[log]
format = "json"
[[camera]]
id = "front"
source = "test"
width = 320
height = 240
fps = 15
encoder = "x264"
`,
  );
  const big = `${tmp.path}/100MB.txt`;
  await Deno.writeFile(big, new Uint8Array(100 * 1024 * 1024).fill(0x61));
  const eyrie = await startEyrie(file);
  let alive = true;
  eyrie.process.status.then(() => (alive = false));
  const base = `https://localhost:${new URL(eyrie.url).port}`;
  const curl = (args: string[]) =>
    run("curl", [
      "--silent",
      "--noproxy",
      "*",
      "--max-time",
      "30",
      "--cacert",
      pki.caFile,
      "--cert",
      pki.client("alice")[0],
      "--key",
      pki.client("alice")[1],
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      ...args,
    ], { timeoutMs: 40_000 });
  try {
    // The route checks the content type before anything else (415): the app is up.
    const deadline = Date.now() + VIEWER_START_MS;
    for (;;) {
      const probe = await curl(["-X", "POST", `${base}/api/cameras/front/whep`]);
      if (probe.stdout === "415") break;
      assert.ok(Date.now() < deadline, `the viewer did not start: ${probe.stdout}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (
      const [method, path, type] of [
        ["PATCH", "/api/cameras/front/whep/x", "application/trickle-ice-sdpfrag"],
        ["POST", "/api/cameras/front/whep", "application/sdp"],
      ]
    ) {
      for (let i = 0; i < 5; i++) {
        const out = await curl([
          "-X",
          method,
          "-H",
          `content-type: ${type}`,
          "-H",
          "transfer-encoding: chunked",
          "--data-binary",
          `@${big}`,
          `${base}${path}`,
        ]);
        assert.equal(out.stdout, "413", `${method} try ${i + 1}: ${eyrie.logs().slice(-2000)}`);
        assert.ok(alive, `eyrie exited:\n${eyrie.logs().slice(-2000)}`);
      }
    }
    const health = await curl([`${base}/api/health`]);
    assert.equal(health.stdout, "200");
    assert.doesNotMatch(eyrie.logs(), /Uncaught|stream controller/);
  } finally {
    assert.equal(await eyrie.stop(), 0, eyrie.logs().slice(-2000));
  }
});
