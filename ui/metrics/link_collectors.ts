/**
 * Metrics of the links to the world outside that cameras send to besides
 * RTP (stream_collectors.ts has those): forwards to other eyries and
 * webhooks, read from the stats each last reported. A link's cause is free
 * text and stays in `/api/cameras/:id`; here it is up or not.
 *
 * @module
 */
import type { ForwardStats } from "../../actors/forward/protocol.ts";
import type { WebhookStats } from "../../actors/events/webhook.ts";
import type { Collector } from "./collectors.ts";

export const forwardMetrics: Collector = (s, { system }) => {
  const up = s.gauge(
    "eyrie_forward_up",
    "1 while a [[camera.forward]] is connected to its receiver; 0 while connecting or offline.",
  );
  const outages = s.counter(
    "eyrie_forward_outages_total",
    "Times a forward's link went offline (refused, lost).",
  );
  const sent = s.counter(
    "eyrie_forward_sent_access_units_total",
    "Access units a forward wrote to its receiver.",
  );
  for (const node of system.cameras.values()) {
    for (const [key, value] of node.stats) {
      const m = /^forward\[(\d+)\]$/.exec(key);
      if (m === null) continue;
      const st = value as ForwardStats;
      const labels = { camera: node.id, forward: m[1], to: st.to };
      up.set(st.state === "up" ? 1 : 0, labels);
      outages.set(st.outages, labels);
      sent.set(st.sent, labels);
    }
  }
};

export const webhookMetrics: Collector = (s, { system }) => {
  const up = s.gauge(
    "eyrie_webhook_up",
    "1 while a camera's webhook receiver answers; 0 while untried or offline. " +
      "Labelled by index: a URL may hold a token.",
  );
  const sent = s.counter("eyrie_webhook_sent_total", "Events a webhook receiver took (2xx).");
  const failed = s.counter(
    "eyrie_webhook_failed_total",
    "Events given up on: every attempt failed, or the receiver refused them (4xx).",
  );
  const dropped = s.counter(
    "eyrie_webhook_dropped_total",
    "Events dropped from a full webhook queue while its receiver was slow or down.",
  );
  for (const node of system.cameras.values()) {
    const det = node.stats.get("detector") as { webhooks?: WebhookStats[] } | undefined;
    det?.webhooks?.forEach((w, i) => {
      const labels = { camera: node.id, webhook: String(i) };
      up.set(w.state === "up" ? 1 : 0, labels);
      sent.set(w.sent, labels);
      failed.set(w.failed, labels);
      dropped.set(w.dropped, labels);
    });
  }
};
