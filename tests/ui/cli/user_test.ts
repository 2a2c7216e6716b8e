/** `eyrie user …` as a real process: passwords from stdin, a hidden prompt on a pty, or argv with a warning. */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { main } from "../../../ui/cli/main.ts";
import { eyrie, EYRIE_FLAGS, MAIN, tempConfig } from "./_eyrie.ts";
import { digestHa1 } from "../../../transports/rtsp/mod.ts";

/** `eyrie args…` in this process (commands that read no stdin), output captured. */
async function inProcess(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (line) => (stdout += `${line}\n`),
    stderr: (line) => (stderr += `${line}\n`),
  });
  return { code, stdout, stderr };
}

async function withStdin(args: string[], stdin: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...EYRIE_FLAGS, MAIN, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const out = await child.output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/**
 * Runs eyrie on a pseudo-terminal (Python's pty), typing `answers` only
 * once each prompt has appeared, so nothing is typed before the terminal
 * is in no-echo mode. Returns everything the terminal showed.
 */
async function onTerminal(args: string[], answers: [string, string][]) {
  const script = `
import os, pty, sys, json
args, answers = json.loads(sys.argv[1]), json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execv(args[0], args)
seen = b""
def read():
    global seen
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return False
    if not chunk:
        return False
    seen += chunk
    return True
for prompt, answer in answers:
    while prompt.encode() not in seen:
        if not read():
            break
    seen_len = len(seen)
    os.write(fd, answer.encode() + b"\\r")
while read():
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
`;
  const out = await new Deno.Command("python3", {
    args: [
      "-c",
      script,
      JSON.stringify([Deno.execPath(), "run", ...EYRIE_FLAGS, MAIN, ...args]),
      JSON.stringify(answers),
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    signal: AbortSignal.timeout(60_000),
  }).output();
  return { code: out.code, shown: new TextDecoder().decode(out.stdout) };
}

function storedHash(dataDir: string, name: string): string | null {
  const db = new DatabaseSync(`${dataDir}/eyrie.db`, { readOnly: true });
  try {
    const row = db.prepare("SELECT password FROM auth_users WHERE name = ?").get(name);
    return row === undefined ? null : (row.password as string | null);
  } finally {
    db.close();
  }
}

Deno.test("eyrie user add reads the password from stdin, stores only its scrypt hash, and lists users", async () => {
  await using cfg = await tempConfig("");
  const data = `${cfg.dir}/data`;
  const add = await withStdin([
    "user",
    "add",
    "alice",
    "--admin",
    "--password-stdin",
    "--config",
    cfg.file,
  ], "alice-secret-1\n");
  assert.equal(add.code, 0, add.stderr);
  assert.match(add.stdout, /^Added admin "alice" \(password; everything\) in .*eyrie\.db\n$/);
  const hash = storedHash(data, "alice")!;
  assert.match(hash, /^scrypt\$32768\$8\$1\$/);
  assert.ok(!hash.includes("alice-secret-1"));

  const viewer = await inProcess([
    "user",
    "add",
    "cam-hub",
    "--no-password",
    "--cameras",
    "front,back",
    "--can-download",
    "--max-quality",
    "medium",
    "--data-dir",
    data,
  ]);
  assert.equal(viewer.code, 0, viewer.stderr);
  assert.equal(storedHash(data, "cam-hub"), null);
  const list = await inProcess(["user", "list", "--data-dir", data]);
  assert.equal(
    list.stdout,
    "NAME     ROLE    SIGN-IN      ACCESS\n" +
      "alice    admin   password     everything\n" +
      "cam-hub  viewer  certificate  front,back; download; max medium\n",
  );
  const json = JSON.parse((await inProcess(["user", "list", "--json", "--data-dir", data])).stdout);
  assert.deepEqual(json.users[1].grant.cameras, ["front", "back"]);

  const grant = await inProcess(["user", "grant", "cam-hub", "--cameras", "*", "--data-dir", data]);
  assert.equal(grant.stdout, '"cam-hub" is viewer: all cameras; max ultra\n');
  const last = await inProcess(["user", "remove", "alice", "--data-dir", data]);
  assert.equal(last.code, 1);
  assert.match(last.stderr, /"alice" is the last admin/);
  assert.equal((await inProcess(["user", "remove", "cam-hub", "--data-dir", data])).code, 0);
  const gone = await inProcess(["user", "remove", "alice", "--data-dir", data]);
  assert.equal(
    gone.stdout,
    'Removed "alice"; no users remain, so auth is off (local console only)\n',
  );
});

Deno.test("eyrie user add asks twice on a terminal without echoing the password", async () => {
  await using cfg = await tempConfig("");
  const data = `${cfg.dir}/data`;
  const ok = await onTerminal(["user", "add", "bob", "--data-dir", data], [
    ["Password for bob: ", "bob-typed-secret"],
    ["Again: ", "bob-typed-secret"],
  ]);
  assert.equal(ok.code, 0, ok.shown);
  assert.match(ok.shown, /Password for bob: [\s\S]*Again: [\s\S]*Added viewer "bob"/);
  assert.ok(
    !ok.shown.includes("bob-typed-secret"),
    `the terminal showed the password:\n${ok.shown}`,
  );
  assert.match(storedHash(data, "bob")!, /^scrypt\$/);
  const differ = await onTerminal(["user", "passwd", "bob", "--data-dir", data], [
    ["Password for bob: ", "first-secret-1"],
    ["Again: ", "other-secret-2"],
  ]);
  assert.equal(differ.code, 2);
  assert.match(differ.shown, /The two passwords differ; nothing changed/);
});

Deno.test("eyrie user refuses to guess a password and warns about one on the command line", async () => {
  await using cfg = await tempConfig("");
  const data = `${cfg.dir}/data`;
  const noTty = await eyrie(["user", "add", "carol", "--data-dir", data]);
  assert.equal(noTty.code, 2);
  assert.match(
    noTty.stderr,
    /^eyrie: No terminal to ask for the password: pipe it in with --password-stdin/,
  );
  const argv = await inProcess([
    "user",
    "add",
    "carol",
    "--password",
    "carol-argv-pass",
    "--data-dir",
    data,
  ]);
  assert.equal(argv.code, 0);
  assert.match(argv.stderr, /warning: a password given with --password shows in the process list/);
  const short = await withStdin(
    ["user", "passwd", "carol", "--password-stdin", "--data-dir", data],
    "short\n",
  );
  assert.equal(short.code, 2);
  assert.match(short.stderr, /at least 8 characters/);
  for (
    const [args, message] of [
      [["user", "frobnicate"], /Unknown user command "frobnicate"/],
      [["user", "add", "bad name", "--no-password"], /Invalid user name "bad name"/],
      [["user", "add", "x", "--no-password", "--max-quality", "4k"], /Unknown quality "4k"/],
      [["user", "add", "x", "--no-password", "--password-stdin"], /Give one of/],
    ] as const
  ) {
    const r = await inProcess([...args, "--data-dir", data]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const help = await inProcess(["--help"]);
  assert.match(help.stdout, /\n {2}user +Manage console users/);
  assert.match((await inProcess(["user", "--help"])).stdout, /^Usage: eyrie user <command> NAME/);
});

Deno.test("eyrie run refuses a network console over TLS that nobody can sign in to", async () => {
  await using cfg = await tempConfig(`[console]\nlisten = "0.0.0.0:0"\n[tls]\n`);
  const r = await eyrie(["run", "--config", cfg.file]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /console\.listen: "0\.0\.0\.0:0" is reachable from the network, but nobody can sign in/,
  );
});

Deno.test("eyrie user rtsp sets an RTSP password apart from the console's (stored as Digest's HA1) and --off removes it", async () => {
  await using cfg = await tempConfig("");
  const dir = `${cfg.dir}/data`;
  let r = await withStdin([
    "user",
    "add",
    "nvr",
    "--cameras",
    "front",
    "--no-password",
    "--data-dir",
    dir,
  ], "");
  assert.equal(r.code, 0, r.stderr);
  r = await withStdin(
    ["user", "rtsp", "nvr", "--password-stdin", "--data-dir", dir],
    "rtsp-secret-1\n",
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Set the RTSP password of "nvr"/);
  const db = new DatabaseSync(`${dir}/eyrie.db`);
  const row = db.prepare("SELECT password, rtsp_ha1 FROM auth_users WHERE name = 'nvr'").get()!;
  db.close();
  assert.equal(row.password, null, "the console password stays unset");
  assert.equal(row.rtsp_ha1, digestHa1("nvr", "eyrie", "rtsp-secret-1"));
  const list = await inProcess(["user", "list", "--data-dir", dir]);
  assert.match(list.stdout, /nvr\s+viewer\s+certificate,rtsp\s+front/);
  r = await withStdin(["user", "rtsp", "nvr", "--off", "--data-dir", dir], "");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /has no RTSP password now/);
  const refused = await inProcess(["user", "rtsp", "nvr", "--no-password", "--data-dir", dir]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /takes --off/);
});
