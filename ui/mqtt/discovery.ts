/**
 * Home Assistant MQTT discovery: the retained config messages that make
 * each camera a device with its entities — a motion binary sensor, an
 * occupancy binary sensor per configured object label, frame rate and
 * bitrate sensors, a camera fed by the snapshot topic, a recording switch
 * (cameras that record) and a quality select. Every entity is available
 * only while eyrie and the camera both are. Pure: values in, messages out.
 *
 * Topics: `<discovery_prefix>/<component>/<client_id>/<camera>_<entity>/config`.
 *
 * @module
 */
import type { QualityPreset } from "../../actors/defs.ts";
import { topicLevel, type Topics } from "./topics.ts";

export const QUALITY_OPTIONS: readonly QualityPreset[] = ["low", "medium", "high", "ultra"];

/** What discovery needs of a camera. */
export interface DiscoveredCamera {
  id: string;
  /** The object labels the camera's detection is configured for. */
  labels: readonly string[];
  /** Whether it records (its recording can be switched). */
  records: boolean;
}

export interface DiscoveryOptions {
  prefix: string;
  topics: Topics;
  clientId: string;
  version: string;
}

export interface Message {
  topic: string;
  payload: string;
}

/** The discovery messages of one camera. */
export function discoveryMessages(camera: DiscoveredCamera, o: DiscoveryOptions): Message[] {
  const t = o.topics;
  const c = camera.id;
  const common = {
    availability: [{ topic: t.availability }, { topic: t.camera(c, "availability") }],
    availability_mode: "all",
    device: {
      identifiers: [`${o.clientId}_${c}`],
      name: c,
      manufacturer: "eyrie",
      model: "eyrie camera",
      sw_version: o.version,
    },
  };
  const entity = (component: string, object: string, config: Record<string, unknown>): Message => ({
    topic: `${o.prefix}/${component}/${o.clientId}/${c}_${object}/config`,
    payload: JSON.stringify({
      ...config,
      unique_id: `${o.clientId}_${c}_${object}`,
      object_id: `${c}_${object}`,
      ...common,
    }),
  });
  const on = { payload_on: "ON", payload_off: "OFF" };
  const out = [
    entity("binary_sensor", "motion", {
      name: "Motion",
      state_topic: t.camera(c, "motion"),
      device_class: "motion",
      ...on,
    }),
    ...camera.labels.map((label) =>
      entity("binary_sensor", `object_${topicLevel(label)}`, {
        name: label[0].toUpperCase() + label.slice(1),
        state_topic: t.object(c, label),
        device_class: "occupancy",
        ...on,
      })
    ),
    entity("sensor", "fps", {
      name: "Frame rate",
      state_topic: t.camera(c, "stats"),
      value_template: "{{ value_json.fps }}",
      unit_of_measurement: "fps",
      state_class: "measurement",
      entity_category: "diagnostic",
    }),
    entity("sensor", "bitrate", {
      name: "Bitrate",
      state_topic: t.camera(c, "stats"),
      value_template: "{{ value_json.bitrate_kbps }}",
      unit_of_measurement: "kbit/s",
      device_class: "data_rate",
      state_class: "measurement",
      entity_category: "diagnostic",
    }),
    entity("camera", "camera", { name: null, topic: t.camera(c, "snapshot") }),
    entity("select", "quality", {
      name: "Quality",
      state_topic: t.camera(c, "quality"),
      command_topic: t.camera(c, "quality/set"),
      options: QUALITY_OPTIONS,
    }),
  ];
  if (camera.records) {
    out.push(entity("switch", "recording", {
      name: "Recording",
      state_topic: t.camera(c, "recording"),
      command_topic: t.camera(c, "recording/set"),
      ...on,
    }));
  }
  return out;
}

/** The same topics with empty payloads: Home Assistant removes the entities (a camera left). */
export function removalMessages(camera: DiscoveredCamera, o: DiscoveryOptions): Message[] {
  return discoveryMessages({ ...camera, records: true }, o).map((m) => ({
    topic: m.topic,
    payload: "",
  }));
}
