/**
 * Commands that arrive on eyrie's command topics, read into a closed union.
 * Pure: the topic and the payload in, a command or the reason it is none.
 * Whether the MQTT identity may give it is decided in service.ts.
 *
 * @module
 */
import type { QualityPreset } from "../../actors/defs.ts";

/** A command payload's longest form. Reason: "ON", "OFF" and "medium" are all there is. */
export const MAX_COMMAND_BYTES = 32;

const QUALITIES: readonly QualityPreset[] = ["low", "medium", "high", "ultra"];

export type Command =
  | { kind: "recording"; camera: string; on: boolean }
  | { kind: "quality"; camera: string; preset: QualityPreset };

export type ParsedCommand = { ok: true; command: Command } | { ok: false; reason: string };

/** The command `payload` on `topic` gives, for topics under `prefix`. */
export function parseCommand(prefix: string, topic: string, payload: Uint8Array): ParsedCommand {
  if (!topic.startsWith(`${prefix}/`)) return { ok: false, reason: `${topic} is not eyrie's` };
  const levels = topic.slice(prefix.length + 1).split("/");
  if (levels.length !== 3 || levels[2] !== "set") {
    return { ok: false, reason: `${topic} is no command topic` };
  }
  const [camera, what] = levels;
  if (payload.length > MAX_COMMAND_BYTES) {
    return { ok: false, reason: `a ${payload.length}-byte payload is no command` };
  }
  const text = new TextDecoder().decode(payload).trim();
  switch (what) {
    case "recording": {
      const v = text.toUpperCase();
      if (v !== "ON" && v !== "OFF") {
        return { ok: false, reason: `recording takes ON or OFF, got ${JSON.stringify(text)}` };
      }
      return { ok: true, command: { kind: "recording", camera, on: v === "ON" } };
    }
    case "quality": {
      const preset = text.toLowerCase() as QualityPreset;
      if (!QUALITIES.includes(preset)) {
        return {
          ok: false,
          reason: `quality takes ${QUALITIES.join(", ")}, got ${JSON.stringify(text)}`,
        };
      }
      return { ok: true, command: { kind: "quality", camera, preset } };
    }
    default:
      return { ok: false, reason: `${topic} is no command topic` };
  }
}
