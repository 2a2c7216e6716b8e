/**
 * Which MQTT commands act: the `[mqtt] user` is the identity eyrie knows
 * the broker by, and the eyrie user of that name decides, as on the
 * console — the recording switch needs `can_record` for the camera, the
 * quality select `can_control_quality` (admins may do both). Without such
 * a user, commands act only on an installation with no users at all whose
 * broker is on loopback (everyone who can publish there is on this
 * machine, as for a loopback console without users).
 *
 * @module
 */
import type { Config } from "../../actors/defs.ts";
import { isLoopback } from "../config/mod.ts";
import type { AccessRule } from "./access_table.ts";
import { userSubject } from "./grants.ts";
import { decide } from "./policy.ts";
import type { AuthStore } from "./service.ts";

/** Whether the MQTT identity may give a command that needs `need` for `camera`. */
export function mqttCommandAccess(
  store: () => AuthStore,
  config: () => Config,
): (camera: string, need: "record" | "control") => boolean {
  return (camera, need) => {
    const mqtt = config().mqtt;
    if (mqtt === null) return false;
    const { users, grants } = store();
    const user = mqtt.user === "" ? null : users.get(mqtt.user);
    if (user === null) {
      const host = new URL(mqtt.url).hostname.replace(/^\[(.*)\]$/, "$1");
      return users.count() === 0 && isLoopback(host);
    }
    const rule: AccessRule = { methods: "*", pattern: "mqtt", need, camera: { param: "id" } };
    const principal = {
      kind: "user" as const,
      name: user.name,
      role: user.role,
      via: "session" as const,
      grant: grants.get(userSubject(user.name)),
    };
    return decide(principal, rule, { camera }).kind === "allow";
  };
}
