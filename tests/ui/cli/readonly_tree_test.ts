import assert from "node:assert/strict";
import { join } from "node:path";
import { EYRIE_FLAGS } from "./_eyrie.ts";

const ROOT = new URL("../../..", import.meta.url).pathname;
/** What a checkout ships: the program, its config and lock; no node_modules (like the binary). */
const SHIPPED = ["main.ts", "deno.json", "deno.lock", "actors", "ui", "ffi", "certs", "transports"];

async function fetchJson(url: string) {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

Deno.test("eyrie runs from a read-only copy of the tree, started from another directory", async () => {
  const base = await Deno.makeTempDir({ prefix: "eyrie-ro-" });
  const tree = join(base, "tree");
  const elsewhere = join(base, "elsewhere");
  await Deno.mkdir(tree);
  await Deno.mkdir(elsewhere);
  const cp = await new Deno.Command("cp", {
    args: ["-r", ...SHIPPED.map((p) => join(ROOT, p)), tree],
  }).output();
  assert.ok(cp.success);
  await Deno.writeTextFile(
    join(elsewhere, "eyrie.toml"),
    `data_dir = "${elsewhere}/data"\n[console]\nlisten = "127.0.0.1:0"\n` +
      `[[camera]]\nid = "cam"\nsource = "test"\nwidth = 320\nheight = 240\nfps = 15\n`,
  );
  const chmod = await new Deno.Command("chmod", { args: ["-R", "a-w", tree] }).output();
  assert.ok(chmod.success);
  // Root ignores permission bits: as root, the tree is also bind-mounted read-only onto itself in
  // a private mount namespace, so any write into it fails with EROFS.
  const eyrie = [
    Deno.execPath(),
    "run",
    "--node-modules-dir=none",
    ...EYRIE_FLAGS,
    join(tree, "main.ts"),
    "run",
    "--config",
    "eyrie.toml",
  ];
  const [cmd, ...args] = Deno.uid() === 0
    ? ["unshare", "-m", "sh", "-c", 'mount --bind -o ro "$0" "$0" && exec "$@"', tree, ...eyrie]
    : eyrie;
  const child = new Deno.Command(cmd, {
    args,
    cwd: elsewhere,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let logs = "";
  const pump = (async () => {
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) logs += chunk;
  })();
  try {
    let url = "";
    const deadline = Date.now() + 60_000;
    while (url === "") {
      url = /"console":"(http[^"]+)"/.exec(logs)?.[1] ?? "";
      assert.ok(Date.now() < deadline, `eyrie did not start:\n${logs}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    let stats: Record<string, { accessUnits?: number }> = {};
    while (!(stats.encoder?.accessUnits! > 0)) {
      assert.ok(Date.now() < deadline, `no encoder stats:\n${logs}`);
      await new Promise((r) => setTimeout(r, 250));
      stats = (await fetchJson(`${url}/api/cameras/cam`)).body.stats;
    }
    const health = await fetchJson(`${url}/api/health`);
    assert.equal(health.status, 200, JSON.stringify(health.body));
    const page = await fetch(`${url}/`);
    assert.match(
      await page.text(),
      /<header><nav class="eyrie-nav" aria-label="eyrie"><b class="brand">eyrie<\/b>/,
    );
    const metrics = await fetch(`${url}/metrics`);
    assert.match(await metrics.text(), /^eyrie_camera_frames_total\{camera="cam"\} \d+$/m);
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    await pump;
    await new Deno.Command("chmod", { args: ["-R", "u+w", tree] }).output();
    await Deno.remove(base, { recursive: true });
    assert.equal(status.code, 0, logs);
  }
  assert.doesNotMatch(logs, /Read-only file system|EROFS|PermissionDenied/);
});
