// `eyrie config check` runs exactly the validation `eyrie run` runs before it
// starts (ui/cli/run_config.ts), and reports every problem at once, in line
// order. Both are run here as real processes, the way a user runs them.
import assert from "node:assert/strict";
import { eyrie, startEyrie, tempConfig } from "./_eyrie.ts";

/** The problem lines of a refused config, with the file's path cut to FILE. */
function lines(stderr: string, file: string): string[] {
  return stderr.trim().split("\n").map((l) => l.replaceAll(file, "FILE"));
}

Deno.test("eyrie config check refuses a console the network reaches without [tls], as eyrie run does", async () => {
  await using cfg = await tempConfig(`[console]\nlisten = "0.0.0.0:0"\n`);
  const check = await eyrie(["config", "check", cfg.file]);
  assert.equal(check.code, 2, check.stdout);
  assert.deepEqual(lines(check.stderr, cfg.file), [
    `eyrie: FILE:3: console.listen: "0.0.0.0:0" is reachable from the network, but [tls] is not ` +
    "configured; configure [tls], listen on 127.0.0.1, or set console.insecure = true to accept the risk",
  ]);
  const run = await eyrie(["run", "--config", cfg.file]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, check.stderr);
});

Deno.test("eyrie config check reports an odd width, a duplicate id, a bad fps and an exposed console together, in line order", async () => {
  await using cfg = await tempConfig(
    `[[camera]]\nid = "front"\nwidth = 641\nheight = 480\n\n` +
      `[[camera]]\nid = "front"\nfps = 500\n\n` +
      `[console]\nlisten = "0.0.0.0:8080"\n\n` +
      `[detection]\nsensitivity = 2\n`,
  );
  const check = await eyrie(["config", "check", cfg.file]);
  assert.equal(check.code, 2);
  assert.deepEqual(lines(check.stderr, cfg.file), [
    "eyrie: FILE:4: camera[0].width: must be even (4:2:0 chroma)",
    'eyrie: FILE:8: camera[1].id: "front" is used by an earlier camera',
    "eyrie: FILE:9: camera[1].fps: must be 1 to 120, got 500",
    'eyrie: FILE:12: console.listen: "0.0.0.0:8080" is reachable from the network, but [tls] is ' +
    "not configured; configure [tls], listen on 127.0.0.1, or set console.insecure = true to accept the risk",
    "eyrie: FILE:15: detection.sensitivity: must be 0 to 1, got 2",
  ]);
  const run = await eyrie(["run", "--config", cfg.file]);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, check.stderr);
});

Deno.test("eyrie config check refuses a console over TLS that nobody can sign in to, until a user is added", async () => {
  await using cfg = await tempConfig(`[console]\nlisten = "0.0.0.0:0"\n[tls]\n`);
  const refused = await eyrie(["config", "check", cfg.file]);
  assert.equal(refused.code, 2);
  assert.deepEqual(lines(refused.stderr, cfg.file), [
    'eyrie: FILE:3: console.listen: "0.0.0.0:0" is reachable from the network, but nobody can ' +
    "sign in: add a user (eyrie user add NAME --admin --config FILE), set " +
    "tls.require_client_cert = true, or listen on 127.0.0.1",
  ]);
  // The check read the data dir; it did not create the state file.
  await assert.rejects(Deno.stat(`${cfg.dir}/data/eyrie.db`), Deno.errors.NotFound);
  // The fix the message names works with this very config.
  const add = await eyrie([
    "user",
    "add",
    "alice",
    "--admin",
    "--no-password",
    "--config",
    cfg.file,
  ]);
  assert.equal(add.code, 0, add.stderr);
  const ok = await eyrie(["config", "check", cfg.file]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^ok: .*\(0 cameras\)/);
});

// Each config through both commands: what config check accepts, run starts;
// what it refuses, run refuses with the same lines.
const TABLE: [what: string, toml: string][] = [
  ["the defaults, on loopback", `[console]\nlisten = "127.0.0.1:0"\n`],
  ["a network console with insecure = true", `[console]\nlisten = "0.0.0.0:0"\ninsecure = true\n`],
  ["localhost", `[console]\nlisten = "localhost:0"\n[log]\nformat = "json"\n`],
  ["a network console without [tls]", `[console]\nlisten = "0.0.0.0:0"\n`],
  ["a network console over TLS with no user", `[console]\nlisten = "[::]:0"\n[tls]\n`],
  ["an odd height", `[console]\nlisten = "127.0.0.1:0"\n[[camera]]\nid = "a"\nheight = 479\n`],
  [
    "a zone under the timecode stamp",
    `[console]\nlisten = "127.0.0.1:0"\n[[camera]]\nid = "a"\nsource = "test"\ntimecode = true\n` +
    `  [[camera.detection.zone]]\n  name = "corner"\n  polygon = [[0, 0], [0.05, 0], [0.05, 0.05]]\n`,
  ],
];

for (const [what, toml] of TABLE) {
  Deno.test(`eyrie config check and eyrie run agree: ${what}`, async () => {
    await using cfg = await tempConfig(toml);
    const check = await eyrie(["config", "check", cfg.file]);
    if (check.code === 0) {
      const running = await startEyrie(cfg.file);
      assert.equal(await running.stop("SIGTERM"), 0, running.logs());
    } else {
      assert.equal(check.code, 2, check.stderr);
      const run = await eyrie(["run", "--config", cfg.file]);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stderr, check.stderr);
    }
  });
}

Deno.test("the agreement table holds both kinds of config", async () => {
  const codes = await Promise.all(TABLE.map(async ([, toml]) => {
    await using cfg = await tempConfig(toml);
    return (await eyrie(["config", "check", cfg.file])).code;
  }));
  assert.deepEqual(codes, [0, 0, 0, 2, 2, 2, 2]);
});
