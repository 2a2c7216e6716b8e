// A real `eyrie run` with a moving test pattern and a corrupt model file:
// the model error is clear (log line, event, stats), the camera keeps
// streaming and motion keeps reporting; events reach the API, a webhook on
// 127.0.0.1 and the SQLite file (read back with the sqlite3 CLI).
import assert from "node:assert/strict";
import type { StoredEvent } from "../../../actors/events/mod.ts";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";
import { truncatedModel } from "../../actors/detector/_models.ts";

async function run(cmd: string, args: string[]) {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

Deno.test("eyrie with a corrupt model keeps streaming, runs motion, and reports both", async (t) => {
  const hooks: StoredEvent[] = [];
  const receiver = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    hooks.push(await req.json());
    return new Response(null, { status: 204 });
  });
  const dir = await Deno.makeTempDir({ prefix: "eyrie-model-" });
  const model = `${dir}/yolov8n.onnx`;
  await Deno.writeFile(model, truncatedModel());
  await using cfg = await tempConfig(`
[console]
listen = "127.0.0.1:0"
[detection]
motion_fps = 10
model = "${model}"
  [[detection.webhook]]
  url = "http://127.0.0.1:${receiver.addr.port}/hook"
  types = ["motion_start", "model_error"]
[[camera]]
id = "front"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 10
`);
  const eyrie = await startEyrie(cfg.file);
  const api = async (path: string) => await (await fetch(eyrie.url + path)).json();
  try {
    const events = await until("a model error, motion and the detector's stats", async () => {
      const { events } = await api("/api/events?camera=front");
      const types = events.map((e: StoredEvent) => e.type);
      const reported = (await api("/api/cameras/front")).stats.detector !== undefined;
      return reported && types.includes("model_error") && types.includes("motion_start")
        ? events as StoredEvent[]
        : undefined;
    });

    await t.step(
      "the model error is one clear log line, an event and the detector's stats",
      async () => {
        const error = events.find((e) => e.type === "model_error")!;
        assert.ok(error.type === "model_error");
        assert.deepEqual([error.problem, error.path], ["corrupt", model]);
        const lines = eyrie.logs().trim().split("\n").map((l) => JSON.parse(l));
        const line = lines.filter((l) => l.msg.startsWith("object detection is off"));
        assert.equal(line.length, 1);
        assert.deepEqual([line[0].level, line[0].actor, line[0].fields.model], [
          "error",
          "front/detector",
          model,
        ]);
        const stats = (await api("/api/cameras/front")).stats.detector;
        assert.equal(stats.model, "error");
        assert.match(stats.modelError, /cannot be loaded by onnxruntime/);
      },
    );

    await t.step("the camera keeps streaming and nothing restarts", async () => {
      const aus = async () => (await api("/api/cameras/front")).stats.encoder?.accessUnits ?? 0;
      const before = await aus();
      await new Promise((r) => setTimeout(r, 2500));
      assert.ok((await aus()) > before + 10, "access units keep coming");
      const res = await fetch(`${eyrie.url}/api/health`);
      const health = await res.json();
      assert.equal(res.status, 200, JSON.stringify(health));
      const detector = health.actors.find((a: { id: string }) => a.id === "front/outputs/detector");
      assert.deepEqual(detector, { id: "front/outputs/detector", state: "running", restarts: 0 });
      assert.ok(health.actors.every((a: { restarts: number }) => a.restarts === 0));
    });

    await t.step("the webhook got the events it asked for, as the API lists them", async () => {
      await until("two webhook calls", () => Promise.resolve(hooks.length >= 2 ? true : undefined));
      const wanted = events.filter((e) => e.type === "model_error" || e.type === "motion_start");
      for (const e of wanted) assert.deepEqual(hooks.find((h) => h.id === e.id), e);
      assert.ok(hooks.every((h) => h.type === "model_error" || h.type === "motion_start"));
    });

    await t.step("the motion snapshot is a 240x180 JPEG: the 4:3 camera's shape", async () => {
      const start = events.find((e) => e.type === "motion_start")!;
      const file = `${dir}/snap.jpg`;
      const res = await fetch(`${eyrie.url}/api/events/${start.id}/snapshot.jpg`);
      await Deno.writeFile(file, new Uint8Array(await res.arrayBuffer()));
      const probe = await run("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "stream=codec_name,width,height",
        "-of",
        "csv=p=0",
        file,
      ]);
      assert.equal(probe.stdout.trim(), "mjpeg,240,180");
    });

    await t.step(
      "stopping ends the motion in progress, and the sqlite3 CLI reads the events back",
      async () => {
        assert.equal(await eyrie.stop("SIGTERM"), 0);
        const db = `${cfg.dir}/data/eyrie.db`;
        const rows = await run("sqlite3", [db, "SELECT type FROM events_log ORDER BY id"]);
        assert.equal(rows.code, 0, rows.stderr);
        const types = rows.stdout.trim().split("\n");
        assert.equal(types.at(-1), "motion_end");
        assert.ok(types.includes("model_error") && types.includes("motion_start"), types.join());
        const version = await run("sqlite3", [db, "SELECT version FROM events_schema"]);
        assert.equal(version.stdout.trim(), "1");
      },
    );
  } finally {
    await eyrie.stop("SIGKILL");
    await receiver.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
