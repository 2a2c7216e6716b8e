/**
 * `[mqtt]`: events, state and Home Assistant discovery to an MQTT broker,
 * commands from it (ui/mqtt/). Absent, it is off. Reference: docs/mqtt.md.
 *
 * @module
 */
import type { MqttConfig } from "../../actors/defs.ts";
import { type Checker, int, str, tableParts } from "./schema.ts";

/** A topic level path: no wildcards, no empty levels, no leading or trailing "/". */
// deno-lint-ignore no-control-regex
const TOPIC = /^[^/+#\u0000]+(\/[^/+#\u0000]+)*$/;
const TOPIC_HINT = 'use levels separated by "/", without "+", "#" or empty levels';

function hostname(): string {
  try {
    return Deno.hostname().replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 40);
  } catch {
    return "host";
  }
}

function checkUrl(v: unknown): string {
  if (typeof v !== "string") throw new TypeError("must be a string");
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new TypeError(
      `${JSON.stringify(v)} is not a URL: use mqtt://host:1883 or mqtts://host:8883`,
    );
  }
  if (url.protocol !== "mqtt:" && url.protocol !== "mqtts:") {
    throw new TypeError(`${JSON.stringify(v)} must start with mqtt:// or mqtts://`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new TypeError("must not hold credentials: put them in user and password");
  }
  if (url.pathname !== "" && url.pathname !== "/") {
    throw new TypeError(`${JSON.stringify(v)} has a path`);
  }
  return v;
}

export const mqttSection: Checker<MqttConfig> = (v, path, issues) => {
  const p = tableParts<MqttConfig>({
    url: [(x, at, is) => {
      try {
        return checkUrl(x);
      } catch (e) {
        return void is.add(at, (e as Error).message);
      }
    }, "mqtt://127.0.0.1:1883"],
    user: [str({ maxLength: 256 }), ""],
    password: [str({ maxLength: 1024 }), ""],
    topic_prefix: [str({ pattern: TOPIC, hint: TOPIC_HINT, maxLength: 128 }), "eyrie"],
    discovery_prefix: [
      (x, at, is) =>
        x === "" ? "" : str({ pattern: TOPIC, hint: TOPIC_HINT, maxLength: 128 })(x, at, is),
      "homeassistant",
    ],
    client_id: [
      str({ pattern: /^[A-Za-z0-9_-]{1,64}$/, hint: "1-64 letters, digits, _ or -" }),
      `eyrie-${hostname()}`,
    ],
    ca: [str(), ""],
    stats_interval_s: [int({ min: 1, max: 3600 }), 60],
  })(v, path, issues);
  if (p === undefined) return undefined;
  if (p.value.password !== undefined && p.value.password !== "" && p.value.user === "") {
    issues.add(`${path}.password`, "needs user: a password without a user name is never sent");
    return undefined;
  }
  return p.ok ? p.value as MqttConfig : undefined;
};
