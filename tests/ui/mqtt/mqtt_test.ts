/**
 * eyrie on a real Mosquitto, watched with mosquitto_sub: availability with
 * a last will, Home Assistant discovery, each camera's state, stats and
 * snapshot, detection events, commands that act only where the MQTT
 * identity may, and a broker that restarts mid-run (eyrie runs on, shows
 * the link offline with its cause, and comes back by itself).
 */
import assert from "node:assert/strict";
import { DEFAULT_GRANT } from "../../../ui/auth/grant.ts";
import { userSubject } from "../../../ui/auth/grants.ts";
import { AuthStore } from "../../../ui/auth/service.ts";
import { mosquittoInstalled, publish, startMosquitto, subscribe } from "../../_mosquitto.ts";
import { startEyrie, tempConfig } from "../cli/_eyrie.ts";

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

Deno.test({
  name:
    "MQTT: discovery, state, events and snapshots reach Mosquitto, commands act only where allowed, and a broker restart is ridden out",
  ignore: !mosquittoInstalled(),
  async fn() {
    await using cfg = await tempConfig("");
    const broker = await startMosquitto(cfg.dir);
    await Deno.writeTextFile(
      cfg.file,
      `data_dir = "${cfg.dir}/data"
[console]
listen = "127.0.0.1:0"
[recording]
dir = "${cfg.dir}/rec"
[mqtt]
url = "mqtt://127.0.0.1:${broker.port}"
user = "hass"
client_id = "eyrie-test"
stats_interval_s = 2
[[camera]]
id = "front"
source = "test"
pattern = "ball"
width = 320
height = 240
fps = 10
encoder = "x264"
[[camera]]
id = "back"
source = "test"
width = 320
height = 240
fps = 5
codec = "mjpeg"
`,
    );
    const store = AuthStore.open(`${cfg.dir}/data`);
    try {
      await store.users.add("alice", "admin", "console-password-0");
      await store.users.add("hass", "viewer", null);
      store.grants.set(
        userSubject("hass"),
        "hass",
        { ...DEFAULT_GRANT, cameras: ["front"], can_record: true },
        "test",
      );
    } finally {
      store.close();
    }
    const sub = subscribe(broker.port, ["eyrie/#", "homeassistant/#"]);
    const eyrie = await startEyrie(cfg.file);
    let killed = false;
    try {
      const login = await fetch(`${eyrie.url}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "alice", password: "console-password-0" }),
      });
      await login.body?.cancel();
      const cookie = login.headers.get("set-cookie")!.split(";")[0];
      const api = async (path: string) =>
        await (await fetch(`${eyrie.url}${path}`, { headers: { cookie } })).json();

      // Availability, discovery and state.
      assert.equal((await sub.wait("eyrie/availability")).text, "online");
      const motion = JSON.parse(
        (await sub.wait("homeassistant/binary_sensor/eyrie-test/front_motion/config")).text,
      );
      assert.equal(motion.state_topic, "eyrie/front/motion");
      assert.equal(motion.device_class, "motion");
      assert.deepEqual(motion.availability, [
        { topic: "eyrie/availability" },
        { topic: "eyrie/front/availability" },
      ]);
      assert.equal(motion.unique_id, "eyrie-test_front_motion");
      for (
        const [component, object] of [
          ["sensor", "fps"],
          ["sensor", "bitrate"],
          ["camera", "camera"],
          ["switch", "recording"],
          ["select", "quality"],
        ]
      ) {
        const m = await sub.wait(`homeassistant/${component}/eyrie-test/front_${object}/config`);
        assert.ok(m.retained || m.text.length > 0);
        assert.equal(JSON.parse(m.text).device.identifiers[0], "eyrie-test_front");
      }
      assert.equal(
        (await sub.wait("eyrie/front/availability", (m) => m.text === "online")).text,
        "online",
      );
      assert.equal((await sub.wait("eyrie/front/recording")).text, "ON");
      assert.equal((await sub.wait("eyrie/front/quality")).text, "medium");
      const stats = JSON.parse(
        (await sub.wait("eyrie/front/stats", (m) => JSON.parse(m.text).fps > 0)).text,
      );
      assert.ok(stats.bitrate_kbps > 0, JSON.stringify(stats));
      assert.equal(stats.status, "live");
      const jpeg = (await sub.wait("eyrie/front/snapshot")).payload;
      assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8], "a JPEG");
      assert.ok(JSON.parse((await sub.wait("eyrie/stats")).text).uptime_s >= 0);

      // A detection event: the moving ball starts motion.
      const event = JSON.parse((await sub.wait("eyrie/front/events")).text);
      assert.equal(event.camera, "front");
      assert.equal(event.type, "motion_start");
      assert.equal(event.kind, "motion");
      assert.equal(event.phase, "start");
      assert.equal(event.zone, "all");
      assert.ok(event.box.w > 0);
      assert.match(
        event.snapshot_url ?? "",
        /^http:\/\/127\.0\.0\.1:\d+\/api\/events\/\d+\/snapshot\.jpg$/,
      );
      assert.equal((await sub.wait("eyrie/front/motion", (m) => m.text === "ON")).text, "ON");

      // Commands: hass may switch front's recording, not its quality, nothing of back.
      let from = sub.seen.length;
      await publish(broker.port, "eyrie/front/recording/set", "OFF");
      await sub.wait("eyrie/front/recording", (m) => m.text === "OFF", 10_000, from);
      const recording = (await api("/api/recordings/cameras")).cameras as {
        camera: string;
        paused: boolean;
      }[];
      assert.equal(recording.find((c) => c.camera === "front")?.paused, true);
      from = sub.seen.length;
      await publish(broker.port, "eyrie/front/quality/set", "low");
      await publish(broker.port, "eyrie/back/recording/set", "OFF");
      await publish(broker.port, "eyrie/front/recording/set", "MAYBE");
      // A refused quality command says the truth again.
      await sub.wait("eyrie/front/quality", (m) => m.text === "medium", 10_000, from);
      const refused = await until("three refusals", async () => {
        const m = await api("/api/mqtt");
        return m.commands.refused >= 3 ? m : undefined;
      });
      assert.equal(refused.commands.done, 1);
      const metrics = await (await fetch(`${eyrie.url}/metrics`, { headers: { cookie } })).text();
      assert.match(metrics, /^eyrie_mqtt_up 1$/m);
      assert.match(metrics, /^eyrie_mqtt_messages_published_total [1-9]\d*$/m);
      assert.match(metrics, /^eyrie_mqtt_commands_total\{result="refused"\} [3-9]$/m);
      assert.match(eyrie.logs(), /"mqtt command refused".*may not change quality of \\"front\\"/);
      assert.match(eyrie.logs(), /"mqtt command refused".*may not switch recording of \\"back\\"/);
      assert.equal((await api("/api/cameras/front")).config?.quality ?? "medium", "medium");
      await publish(broker.port, "eyrie/front/recording/set", "ON");
      await sub.wait("eyrie/front/recording", (m) => m.text === "ON", 10_000, from);

      // The broker restarts: eyrie shows the link down with its cause, runs on, and comes back.
      await broker.stop();
      const down = await until("the link offline", async () => {
        const m = await api("/api/mqtt");
        return m.state === "offline" ? m : undefined;
      });
      assert.match(down.cause, /127\.0\.0\.1:\d+/);
      const health = await until("the health problem", async () => {
        const h = await api("/api/health");
        return h.problems.some((p: string) => p.startsWith("MQTT broker offline")) ? h : undefined;
      });
      assert.ok(health.actors.every((a: { restarts: number }) => a.restarts === 0));
      assert.equal((await api("/api/cameras/front")).status?.state ?? "live", "live");
      await broker.restart();
      const back = await until("the link up again", async () => {
        const m = await api("/api/mqtt");
        return m.state === "up" && m.connects === 2 ? m : undefined;
      }, 30_000);
      assert.equal(back.cause, null);
      const fresh = subscribe(broker.port, ["eyrie/availability", "eyrie/front/stats"]);
      try {
        assert.equal((await fresh.wait("eyrie/availability")).text, "online");
        await fresh.wait("eyrie/front/stats");
      } finally {
        await fresh.stop();
      }

      // eyrie dies without a word: the broker says it for it (the last will).
      const lastWill = subscribe(broker.port, ["eyrie/availability"]);
      try {
        await lastWill.wait("eyrie/availability", (m) => m.text === "online");
        from = lastWill.seen.length;
        await eyrie.stop("SIGKILL");
        killed = true;
        assert.equal(
          (await lastWill.wait("eyrie/availability", (m) => m.text === "offline", 10_000, from))
            .text,
          "offline",
        );
      } finally {
        await lastWill.stop();
      }
    } finally {
      if (!killed) await eyrie.stop();
      await sub.stop();
      await broker.stop();
    }
  },
});
