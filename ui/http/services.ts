/**
 * `GET /api/services`: eyrie's links to the rest of the ecosystem in one
 * answer, for the console's services panel: the RTSP server, the MQTT
 * connection and every camera's publishers, each with its state and cause.
 * Admins only, as every /api route the access table does not name.
 *
 * @module
 */
import { Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import type { PublishStats } from "../../actors/publish/protocol.ts";
import type { MqttService } from "../mqtt/service.ts";

export function servicesRoutes(system: System, mqtt: MqttService | null): Hono {
  return new Hono().get("/services", (c) => {
    const publish: (PublishStats & { camera: string; index: number })[] = [];
    for (const node of system.cameras.values()) {
      for (const [key, value] of node.stats) {
        const m = /^publish\[(\d+)\]$/.exec(key);
        if (m !== null) {
          publish.push({ camera: node.id, index: Number(m[1]), ...(value as PublishStats) });
        }
      }
    }
    const rtsp = system.rtsp;
    return c.json({
      rtsp: rtsp === null ? null : { listen: rtsp.config.listen, ...rtsp.stats },
      mqtt: mqtt === null ? null : mqtt.status(),
      publish,
    });
  });
}
