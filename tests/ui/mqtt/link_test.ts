import assert from "node:assert/strict";
import { createLogger } from "../../../actors/log/logger.ts";
import { MAX_QUEUED_EVENTS, mqttCause, MqttLink } from "../../../ui/mqtt/link.ts";
import { freeTcpPort } from "../../_janus.ts";

Deno.test("MqttLink keeps the newest events while the broker is away and drops state (it is sent whole at connect)", async () => {
  const port = freeTcpPort(); // nothing listens there
  const notes: string[] = [];
  const link = new MqttLink({
    config: {
      url: `mqtt://127.0.0.1:${port}`,
      user: "",
      password: "",
      topic_prefix: "eyrie",
      discovery_prefix: "",
      client_id: "eyrie-queue-test",
      ca: "",
      stats_interval_s: 60,
    },
    log: createLogger("mqtt", (r) => notes.push(`${r.msg} ${JSON.stringify(r.fields)}`), "info"),
    will: { topic: "eyrie/availability", payload: "offline" },
    subscriptions: [],
    onConnect: () => {},
    onMessage: () => {},
  });
  link.start();
  try {
    for (let i = 0; i < MAX_QUEUED_EVENTS + 5; i++) {
      link.publish({ topic: "eyrie/front/events", payload: `{"id":${i}}`, retain: false });
    }
    link.publish({ topic: "eyrie/front/motion", payload: "ON", retain: true });
    const s = link.status();
    assert.equal(s.queued, MAX_QUEUED_EVENTS);
    assert.equal(s.dropped, 5);
    assert.equal(s.published, 0);
    const deadline = Date.now() + 10_000;
    while (link.status().state !== "offline" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.match(link.status().cause ?? "", /^connection refused by 127\.0\.0\.1:\d+/);
    assert.ok(notes.some((n) => n.startsWith("mqtt broker 127.0.0.1:")), notes.join("\n"));
  } finally {
    await link.stop(null);
  }
});

Deno.test("mqttCause() says what a user can act on", () => {
  assert.equal(
    mqttCause({ code: "ENOTFOUND" }, "broker.lan:1883"),
    "host name of broker.lan:1883 does not resolve",
  );
  assert.equal(
    mqttCause({ code: 134, message: "x" }, "b:1883"),
    "b:1883 refused the user name or password",
  );
  assert.equal(mqttCause({ code: 5, message: "x" }, "b:1883"), "b:1883 refused: not authorized");
  assert.match(mqttCause(new Error("self-signed certificate"), "b:8883"), /^TLS with b:8883: /);
});
