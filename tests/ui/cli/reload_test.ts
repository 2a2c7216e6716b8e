import assert from "node:assert/strict";
import { startEyrie, tempConfig } from "./_eyrie.ts";

const HEAD = `[console]\nlisten = "127.0.0.1:0"\n[log]\nlevel = "debug"\n`;
const cam = (id: string, fps = 10) =>
  `[[camera]]\nid = "${id}"\nsource = "test"\nwidth = 160\nheight = 120\nfps = ${fps}\n`;

async function json(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const healthy = (url: string) =>
  until("health ok", async () => {
    const h = await json(`${url}/api/health`);
    return h.status === 200 ? h.body : undefined;
  });

/** Actors stopped (by a restart or a removal) after log offset `from`. */
function stoppedSince(logs: string, from: number): string[] {
  return logs.slice(from).trim().split("\n").map((l) => JSON.parse(l))
    .filter((r) => r.msg === "stopped" && r.fields?.actor !== undefined)
    .map((r) => r.fields.actor as string);
}

Deno.test("config reload: changed cameras restart, unchanged keep running, added start, removed stop; a bad config is refused", async () => {
  await using cfg = await tempConfig(HEAD + cam("a") + cam("b"));
  const eyrie = await startEyrie(cfg.file);
  try {
    await healthy(eyrie.url);
    const mark = eyrie.logs().length;

    await Deno.writeTextFile(
      cfg.file,
      `data_dir = "${cfg.dir}/data"\n${HEAD}${cam("a")}${cam("b", 5)}${cam("c")}`,
    );
    const r = await json(`${eyrie.url}/api/config/reload`, { method: "POST" });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, {
      ok: true,
      added: ["c"],
      removed: [],
      changed: ["b"],
      unchanged: ["a"],
      restartNeeded: [],
    });
    const health = await healthy(eyrie.url);
    const ids = health.actors.map((a: { id: string }) => a.id);
    assert.ok(ids.includes("c/camera") && ids.includes("c/encoder"), ids.join(","));
    const stopped = stoppedSince(eyrie.logs(), mark);
    assert.ok(stopped.includes("b"), `b's subtree restarted: ${stopped}`);
    assert.ok(!stopped.some((a) => a === "a" || a.startsWith("a/")), `a untouched: ${stopped}`);
    const b = await json(`${eyrie.url}/api/cameras/b`);
    assert.equal(b.body.fps, 5);

    // A bad config is refused with the reason; the running cameras stay.
    await Deno.writeTextFile(cfg.file, `data_dir = "${cfg.dir}/data"\n${HEAD}${cam("a", 0)}`);
    const bad = await json(`${eyrie.url}/api/config/reload`, { method: "POST" });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.ok, false);
    assert.match(bad.body.error, /camera\[0\]\.fps: must be 1 to 120, got 0/);
    const listed = await json(`${eyrie.url}/api/cameras`);
    assert.deepEqual(listed.body.map((c: { id: string }) => c.id), ["a", "b", "c"]);

    // SIGHUP does the same: b leaves, a and c stay.
    const mark2 = eyrie.logs().length;
    await Deno.writeTextFile(
      cfg.file,
      `data_dir = "${cfg.dir}/data"\n${HEAD}${cam("a")}${cam("c")}`,
    );
    eyrie.process.kill("SIGHUP");
    await until("b removed", async () => {
      const l = await json(`${eyrie.url}/api/cameras`);
      return l.body.length === 2 ? true : undefined;
    });
    assert.ok(stoppedSince(eyrie.logs(), mark2).includes("b"));
    const after = await healthy(eyrie.url);
    assert.ok(!after.actors.some((a: { id: string }) => a.id.startsWith("b/")));
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});

Deno.test("a config file that went missing is refused with the reason; eyrie runs on", async () => {
  await using cfg = await tempConfig(HEAD);
  const eyrie = await startEyrie(cfg.file);
  try {
    await Deno.remove(cfg.file);
    const r = await json(`${eyrie.url}/api/config/reload`, { method: "POST" });
    assert.equal(r.status, 422);
    assert.match(r.body.error, /cannot read the config/);
    assert.equal((await json(`${eyrie.url}/api/health`)).status, 200);
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});

Deno.test("/api/health is 503 with the reason when free disk is below the recording floor", async () => {
  await using cfg = await tempConfig(`${HEAD}[recording]\nmin_free = "1000TB"\n`);
  const eyrie = await startEyrie(cfg.file);
  try {
    const r = await json(`${eyrie.url}/api/health`);
    assert.equal(r.status, 503);
    assert.equal(r.body.status, "degraded");
    assert.match(r.body.problems.join("\n"), /Recording paused: disk full at .*data.*floor/);
    assert.equal(r.body.disk[0].min_free_bytes, 1000e12);
  } finally {
    assert.equal(await eyrie.stop(), 0);
  }
});
