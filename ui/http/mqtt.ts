/**
 * `GET /api/mqtt`: the MQTT link (state, cause, next try) and its counts
 * (messages published and received, events dropped while offline,
 * commands acted on and refused). Admins only, as every /api route the
 * access table does not name.
 *
 * @module
 */
import { Hono } from "hono";
import type { MqttService } from "../mqtt/service.ts";

export function mqttRoutes(mqtt: MqttService | null): Hono {
  return new Hono().get("/mqtt", (c) => {
    if (mqtt === null) return c.json({ enabled: false });
    return c.json({ enabled: true, ...mqtt.status() });
  });
}
