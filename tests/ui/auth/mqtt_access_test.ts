import assert from "node:assert/strict";
import type { Config, MqttConfig } from "../../../actors/defs.ts";
import { DEFAULT_GRANT } from "../../../ui/auth/grant.ts";
import { userSubject } from "../../../ui/auth/grants.ts";
import { mqttCommandAccess } from "../../../ui/auth/mqtt_access.ts";
import { AuthStore } from "../../../ui/auth/service.ts";

function configWith(mqtt: Partial<MqttConfig>): Config {
  return {
    mqtt: {
      url: "mqtt://127.0.0.1:1883",
      user: "",
      password: "",
      topic_prefix: "eyrie",
      discovery_prefix: "homeassistant",
      client_id: "eyrie",
      ca: "",
      stats_interval_s: 60,
      ...mqtt,
    },
  } as Config;
}

Deno.test("MQTT commands act as the eyrie user named by [mqtt] user, with its grant", async () => {
  const dir = await Deno.makeTempDir();
  const store = AuthStore.open(dir);
  try {
    let config = configWith({});
    const access = mqttCommandAccess(() => store, () => config);
    // No users at all: a broker on loopback may command, one elsewhere may not.
    assert.equal(access("front", "record"), true);
    config = configWith({ url: "mqtts://broker.lan:8883" });
    assert.equal(access("front", "record"), false);
    await store.users.add("hass", "viewer", null);
    store.grants.set(userSubject("hass"), "hass", {
      ...DEFAULT_GRANT,
      cameras: ["front"],
      can_record: true,
    }, "t");
    config = configWith({ user: "hass" });
    assert.equal(access("front", "record"), true);
    assert.equal(access("front", "control"), false, "no can_control_quality");
    assert.equal(access("back", "record"), false, "not in the grant");
    // Users exist, and the identity is none of them: nothing acts, even on loopback.
    config = configWith({ user: "someone-else" });
    assert.equal(access("front", "record"), false);
    config = configWith({});
    assert.equal(access("front", "record"), false);
    await store.users.add("ops", "admin", null);
    config = configWith({ user: "ops" });
    assert.equal(access("back", "control"), true, "an admin may do everything");
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
