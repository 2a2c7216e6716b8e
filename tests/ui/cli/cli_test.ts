import assert from "node:assert/strict";
import { eyrie, startEyrie, tempConfig } from "./_eyrie.ts";

Deno.test("eyrie --help and eyrie version exit 0", async () => {
  const help = await eyrie(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: eyrie <command>/);
  const version = await eyrie(["version"]);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^eyrie \d+\.\d+\.\d+ \(deno 2\./);
});

Deno.test("an unknown command or flag exits 2 with one line on stderr", async () => {
  for (const args of [["fly"], ["run", "--colour"], ["config", "check"]]) {
    const r = await eyrie(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^eyrie: /);
  }
});

Deno.test("eyrie config check: ok exits 0; a bad file exits 2 naming line and key; a missing file is clear", async () => {
  await using good = await tempConfig(`[[camera]]\nid = "front"\nsource = "test"\n`);
  const ok = await eyrie(["config", "check", good.file]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^ok: .*\(1 camera\)/);

  await using bad = await tempConfig(`[[camera]]\nid = "front"\nfps = 0\n`);
  const r = await eyrie(["config", "check", bad.file]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim(), `eyrie: ${bad.file}:4: camera[0].fps: must be 1 to 120, got 0`);

  const missing = await eyrie(["config", "check", "/nonexistent/eyrie.toml"]);
  assert.equal(missing.code, 2);
  assert.equal(
    missing.stderr.trim(),
    "eyrie: /nonexistent/eyrie.toml: cannot read the config: no such file",
  );
  assert.doesNotMatch(missing.stderr, /at .*\.ts:\d+/, "no stack trace without --debug");
});

Deno.test("eyrie run refuses a non-loopback console without TLS unless insecure = true", async () => {
  await using cfg = await tempConfig(`[console]\nlisten = "0.0.0.0:0"\n`);
  const r = await eyrie(["run", "--config", cfg.file]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /console\.listen: "0\.0\.0\.0:0" is reachable from the network, but \[tls\] is not configured/,
  );
});

Deno.test("eyrie run serves /api/health and stops on SIGTERM with exit 0", async () => {
  await using cfg = await tempConfig(`[console]\nlisten = "127.0.0.1:0"\n`);
  const running = await startEyrie(cfg.file);
  const res = await fetch(`${running.url}/api/health`);
  const health = await res.json();
  assert.equal(res.status, 200);
  assert.equal(health.status, "ok");
  assert.ok(Number.isInteger(health.uptime_s));
  assert.deepEqual(health.actors, []);
  const missing = await fetch(`${running.url}/api/cameras/nope`);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  assert.equal(await running.stop("SIGTERM"), 0);
  const lines = running.logs().trim().split("\n").map((l) => JSON.parse(l));
  assert.ok(
    lines.every((l) => typeof l.actor === "string" && typeof l.ts === "string"),
    "JSON lines with actor ids",
  );
  assert.equal(lines.at(-1).msg, "stopped");
});
