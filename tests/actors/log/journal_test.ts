import assert from "node:assert/strict";

const CHILD = new URL("./_journal_child.ts", import.meta.url).pathname;

async function run(mode: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    // eyrie's own permissions, not -A: Deno guards /proc/self behind --allow-all.
    args: ["run", "--allow-read", "--allow-env", CHILD, mode],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { JOURNAL_STREAM: "" },
  }).output();
  assert.equal(out.code, 0);
  return new TextDecoder().decode(out.stderr).trim().split("\n");
}

Deno.test("logs to journald are JSON lines with a syslog priority prefix and no escape codes", async () => {
  const lines = await run("journal");
  assert.deepEqual(lines.map((l) => l.slice(0, 4)), ["<7>{", "<6>{", "<4>{", "<3>{"]);
  assert.ok(lines.every((l) => !l.includes("\x1b")));
  const info = JSON.parse(lines[1].slice(3));
  assert.deepEqual([info.level, info.actor, info.msg, info.fields], ["info", "main", "i", {
    k: 1,
  }]);
});

Deno.test("logs to a pipe that is not the journal are plain JSON lines", async () => {
  const lines = await run("plain");
  assert.equal(lines.length, 4);
  assert.ok(lines.every((l) => l.startsWith("{") && !l.includes("\x1b")));
});
