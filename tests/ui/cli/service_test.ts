import assert from "node:assert/strict";
import { eyrie, EYRIE_FLAGS, MAIN, tempConfig } from "./_eyrie.ts";
import { quoteExecArg, quoteWord } from "../../../ui/service/unit.ts";

const UNIT = "/etc/systemd/system/eyrie.service";

/** The file between "--- <path>" and "---" in a dry run's output. */
function fileIn(stdout: string, path: string): string {
  const start = stdout.indexOf(`--- ${path}\n`);
  assert.ok(start >= 0, `no ${path} in:\n${stdout}`);
  const body = stdout.slice(start + path.length + 5);
  return body.slice(0, body.indexOf("\n---")) + "\n";
}

async function state(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch {
    return "(absent)";
  }
}

async function verify(unit: string): Promise<{ code: number; output: string }> {
  const dir = await Deno.makeTempDir({ prefix: "eyrie-unit-" });
  try {
    await Deno.writeTextFile(`${dir}/eyrie.service`, unit);
    const out = await new Deno.Command("systemd-analyze", {
      args: ["verify", "--man=no", `${dir}/eyrie.service`],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, output: (dec.decode(out.stdout) + dec.decode(out.stderr)).trim() };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("service install --dry-run prints every step and a unit that systemd-analyze verify accepts, changing nothing", async () => {
  const before = await state(UNIT);
  const r = await eyrie(["service", "install", "--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await state(UNIT), before, "the unit file is untouched");
  assert.match(r.stdout, /^eyrie service install --dry-run: nothing is changed$/m);
  if (before === "(absent)") {
    assert.match(r.stdout, /would write \/etc\/systemd\/system\/eyrie\.service/);
  }
  const unit = fileIn(r.stdout, UNIT);
  for (
    const line of [
      "Type=notify",
      "Restart=on-failure",
      "WatchdogSec=30s",
      "User=eyrie",
      "ProtectSystem=strict",
      "ReadWritePaths=/var/lib/eyrie",
      "NoNewPrivileges=yes",
      "PrivateTmp=yes",
      "CapabilityBoundingSet=",
      "StateDirectory=eyrie",
      "ExecReload=/bin/kill -HUP $MAINPID",
    ]
  ) assert.ok(unit.split("\n").includes(line), `unit has ${line}`);
  assert.match(unit, /^ExecStart=\S+ .*run --config \/etc\/eyrie\/eyrie\.toml$/m);
  assert.deepEqual(await verify(unit), { code: 0, output: "" });
  // The check can fail: a misspelt setting is reported.
  const bad = await verify(unit.replace("Type=notify", "Type=notifyy"));
  assert.match(bad.output, /Failed to parse service type/);
});

Deno.test("service install --dry-run --config validates the file and makes its recordings dir writable", async () => {
  await using cfg = await tempConfig(`[recording]\ndir = "/srv/eyrie-recordings"\n`);
  const r = await eyrie(["service", "install", "--dry-run", "--config", cfg.file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /would create \/srv\/eyrie-recordings \(owner eyrie, mode 0750\)/);
  assert.match(r.stdout, new RegExp(`the config from ${cfg.file}`));
  const unit = fileIn(r.stdout, UNIT);
  assert.ok(unit.includes("ReadWritePaths=/srv/eyrie-recordings\n"));
  assert.equal(fileIn(r.stdout, "/etc/eyrie/eyrie.toml"), await Deno.readTextFile(cfg.file));

  await using bad = await tempConfig(`[[camera]]\nid = "Front"\n`);
  const refused = await eyrie(["service", "install", "--dry-run", "--config", bad.file]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /^eyrie: .*eyrie\.toml:3: camera\[0\]\.id: /);
});

Deno.test("service uninstall --dry-run says what it would do; bad usage exits 2", async () => {
  const r = await eyrie(["service", "uninstall", "--dry-run"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    (await state(UNIT)) === "(absent)" ? /does not exist: nothing to uninstall/ : /would remove/,
  );
  for (const args of [["service", "start"], ["service", "uninstall", "--config", "x"]]) {
    const u = await eyrie(args);
    assert.equal(u.code, 2, args.join(" "));
    assert.match(u.stderr, /^eyrie: /);
  }
});

Deno.test("service install without root is one clear line and exit 1", async () => {
  const home = await Deno.makeTempDir({ prefix: "eyrie-nobody-" });
  try {
    await Deno.chmod(home, 0o777);
    const asRoot = Deno.uid() === 0;
    // As root, drop to nobody for this one command; as anyone else, run as is.
    const argv = [
      Deno.execPath(),
      "run",
      "--node-modules-dir=manual",
      ...EYRIE_FLAGS,
      MAIN,
      "service",
      "install",
    ];
    const out = await new Deno.Command(asRoot ? "setpriv" : argv[0], {
      args: asRoot ? ["--reuid=65534", "--regid=65534", "--clear-groups", ...argv] : argv.slice(1),
      env: { DENO_DIR: home, HOME: home, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    assert.equal(
      stderr.trim(),
      "eyrie: eyrie service install must run as root (try: sudo eyrie service install, " +
        "or --dry-run to see what it would do)",
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("unit words: %, $ and spaces reach the program literally", () => {
  assert.equal(quoteExecArg("/usr/local/bin/eyrie"), "/usr/local/bin/eyrie");
  assert.equal(quoteExecArg("/opt/my cams/eyrie"), '"/opt/my cams/eyrie"');
  assert.equal(quoteExecArg("100%$HOME"), "100%%$$HOME");
  assert.equal(quoteWord('a"b'), '"a\\"b"');
  assert.throws(() => quoteWord("a\nb"), RangeError);
});
