/**
 * `GET /metrics`: Prometheus text format 0.0.4, every metric `eyrie_…`
 * (the list and meanings: docs/operations.md).
 *
 * @module
 */
import { Hono } from "hono";
import type { System } from "../../actors/system/mod.ts";
import { collectMetrics, EventLoopLag } from "../metrics/mod.ts";
import type { MqttService } from "../mqtt/service.ts";

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export function metricsRoutes(system: System, mqtt: MqttService | null = null): Hono {
  const lag = new EventLoopLag();
  return new Hono().get("/metrics", (c) => {
    c.header("Content-Type", METRICS_CONTENT_TYPE);
    c.header("Cache-Control", "no-store");
    return c.body(collectMetrics({ system, lag, services: { mqtt } }));
  });
}
