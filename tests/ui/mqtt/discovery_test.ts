import assert from "node:assert/strict";
import { discoveryMessages, removalMessages } from "../../../ui/mqtt/discovery.ts";
import { Topics } from "../../../ui/mqtt/topics.ts";

const options = {
  prefix: "homeassistant",
  topics: new Topics("eyrie"),
  clientId: "eyrie-pi",
  version: "1.0.0",
};

Deno.test("discoveryMessages() makes a camera a device: motion, a sensor per label, fps, bitrate, camera, quality, recording", () => {
  const messages = discoveryMessages({
    id: "front",
    labels: ["person", "traffic light"],
    records: true,
  }, options);
  const byTopic = new Map(messages.map((m) => [m.topic, JSON.parse(m.payload)]));
  assert.deepEqual([...byTopic.keys()], [
    "homeassistant/binary_sensor/eyrie-pi/front_motion/config",
    "homeassistant/binary_sensor/eyrie-pi/front_object_person/config",
    "homeassistant/binary_sensor/eyrie-pi/front_object_traffic_light/config",
    "homeassistant/sensor/eyrie-pi/front_fps/config",
    "homeassistant/sensor/eyrie-pi/front_bitrate/config",
    "homeassistant/camera/eyrie-pi/front_camera/config",
    "homeassistant/select/eyrie-pi/front_quality/config",
    "homeassistant/switch/eyrie-pi/front_recording/config",
  ]);
  const person = byTopic.get("homeassistant/binary_sensor/eyrie-pi/front_object_person/config");
  assert.equal(person.state_topic, "eyrie/front/object/person");
  assert.equal(person.device_class, "occupancy");
  assert.equal(person.unique_id, "eyrie-pi_front_object_person");
  assert.deepEqual(person.device.identifiers, ["eyrie-pi_front"]);
  assert.equal(person.availability_mode, "all");
  const light = byTopic.get(
    "homeassistant/binary_sensor/eyrie-pi/front_object_traffic_light/config",
  );
  assert.equal(light.state_topic, "eyrie/front/object/traffic_light");
  const select = byTopic.get("homeassistant/select/eyrie-pi/front_quality/config");
  assert.deepEqual(select.options, ["low", "medium", "high", "ultra"]);
  assert.equal(select.command_topic, "eyrie/front/quality/set");
  assert.equal(
    byTopic.get("homeassistant/camera/eyrie-pi/front_camera/config").topic,
    "eyrie/front/snapshot",
  );
  assert.equal(
    byTopic.get("homeassistant/sensor/eyrie-pi/front_bitrate/config").value_template,
    "{{ value_json.bitrate_kbps }}",
  );
});

Deno.test("a camera that does not record has no recording switch; a camera that leaves is removed with empty configs", () => {
  const topics = discoveryMessages({ id: "door", labels: [], records: false }, options).map((m) =>
    m.topic
  );
  assert.ok(!topics.some((t) => t.includes("/switch/")));
  const removal = removalMessages({ id: "door", labels: ["cat"], records: false }, options);
  assert.ok(removal.some((m) => m.topic === "homeassistant/switch/eyrie-pi/door_recording/config"));
  assert.ok(removal.every((m) => m.payload === ""));
});
