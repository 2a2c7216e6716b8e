/**
 * Metrics of eyrie's links to the rest of the ecosystem: the RTSP server
 * (sessions, what it sent, what it refused), the MQTT connection (up,
 * messages, commands) and the publishers (each mountpoint up, its viewers).
 *
 * @module
 */
import type { PublishStats } from "../../actors/publish/protocol.ts";
import type { Collector } from "./collectors.ts";

export const rtspMetrics: Collector = (s, { system }) => {
  const st = system.rtsp?.stats;
  if (system.rtsp === null || system.rtsp === undefined) return;
  s.gauge(
    "eyrie_rtsp_up",
    "1 while the RTSP server listens; 0 while it cannot (the cause is in /api/rtsp).",
  )
    .set(st?.state === "up" ? 1 : 0);
  const sessions = s.gauge(
    "eyrie_rtsp_sessions",
    "RTSP sessions now, by camera, transport and state.",
  );
  const counts = new Map<string, { camera: string; transport: string; state: string; n: number }>();
  for (const x of st?.sessions ?? []) {
    const key = `${x.camera}\0${x.transport}\0${x.state}`;
    const c = counts.get(key) ?? { camera: x.camera, transport: x.transport, state: x.state, n: 0 };
    c.n++;
    counts.set(key, c);
  }
  for (const c of counts.values()) {
    sessions.set(c.n, { camera: c.camera, transport: c.transport, state: c.state });
  }
  if (st === undefined) return;
  s.gauge("eyrie_rtsp_connections", "TCP connections to the RTSP server now.").set(st.connections);
  s.counter("eyrie_rtsp_sessions_total", "RTSP sessions set up since eyrie started.").set(
    st.sessionsTotal,
  );
  s.counter(
    "eyrie_rtsp_sessions_reaped_total",
    "RTSP sessions ended because their client went silent (or stopped reading).",
  ).set(st.sessionsReaped);
  s.counter("eyrie_rtsp_refused_total", "RTSP requests answered 401, 403 or 503 (sign-in).").set(
    st.refused,
  );
  s.counter("eyrie_rtsp_malformed_total", "RTSP requests that could not be read.").set(
    st.malformed,
  );
  s.counter("eyrie_rtsp_packets_sent_total", "RTP packets sent to RTSP players.").set(st.packets);
  s.counter("eyrie_rtsp_bytes_sent_total", "Bytes of RTP sent to RTSP players.").set(st.bytes);
  s.counter(
    "eyrie_rtsp_dropped_packets_total",
    "Packets a player did not get: its connection was full, or it waited for a keyframe.",
  ).set(st.dropped);
};

export const mqttMetrics: Collector = (s, { services }) => {
  const mqtt = services?.mqtt;
  if (mqtt === null || mqtt === undefined) return;
  const st = mqtt.status();
  s.gauge("eyrie_mqtt_up", "1 while connected to the MQTT broker; 0 while connecting or offline.")
    .set(st.state === "up" ? 1 : 0);
  s.counter("eyrie_mqtt_connects_total", "Connections made to the broker.").set(st.connects);
  s.counter("eyrie_mqtt_messages_published_total", "MQTT messages published.").set(st.published);
  s.counter("eyrie_mqtt_messages_received_total", "MQTT messages received (commands).").set(
    st.received,
  );
  s.counter(
    "eyrie_mqtt_events_dropped_total",
    "Events dropped from the queue while the broker was away (the oldest go first).",
  ).set(st.dropped);
  s.gauge("eyrie_mqtt_events_queued", "Events waiting for the broker.").set(st.queued);
  const commands = s.counter("eyrie_mqtt_commands_total", "MQTT commands, acted on or refused.");
  commands.set(st.commands.done, { result: "done" });
  commands.set(st.commands.refused, { result: "refused" });
};

export const publishMetrics: Collector = (s, { system }) => {
  const up = s.gauge(
    "eyrie_publish_up",
    "1 while a [[camera.publish]] mountpoint is there; 0 while connecting or offline.",
  );
  const viewers = s.gauge(
    "eyrie_publish_viewers",
    "Viewers the media server counts on a mountpoint.",
  );
  const outages = s.counter(
    "eyrie_publish_outages_total",
    "Times a publisher's media server went away.",
  );
  const creates = s.counter(
    "eyrie_publish_mountpoints_created_total",
    "Times a mountpoint was created (again: the media server lost it).",
  );
  const packets = s.counter(
    "eyrie_publish_packets_sent_total",
    "RTP packets sent to a media server.",
  );
  for (const node of system.cameras.values()) {
    for (const [key, value] of node.stats) {
      if (!key.startsWith("publish[")) continue;
      const st = value as PublishStats;
      const labels = { camera: node.id, publish: key.slice(8, -1), kind: st.kind };
      up.set(st.state === "up" ? 1 : 0, labels);
      viewers.set(st.viewers, labels);
      outages.set(st.outages, labels);
      creates.set(st.creates, labels);
      packets.set(st.rtp?.packets ?? 0, labels);
    }
  }
};
