/**
 * `[webrtc]`: how browsers reach live view. Empty `ice_servers` (the
 * default): ICE lite with host candidates, for a LAN. With servers: full
 * ICE, eyrie gathers server-reflexive (STUN) and relay (TURN) candidates
 * and hands the servers to players. Reference: docs/live.md.
 *
 * @module
 */
import type { WebrtcConfig } from "../../actors/defs.ts";
import { parseIceServerUrl } from "../../transports/ice/servers.ts";
import { arr, bool, type Checker, int, str, tableParts } from "./schema.ts";

/** ICE servers a config may list. Reason: werift uses the first STUN and the first TURN server; a few spares for players. */
export const MAX_ICE_SERVERS = 8;
/** A day: coturn's and most services' default lifetime for REST credentials. */
export const DEFAULT_TURN_TTL_S = 86_400;

const iceUrl: Checker<string> = (v, path, issues) => {
  const s = str({ maxLength: 512 })(v, path, issues);
  if (s === undefined) return undefined;
  try {
    parseIceServerUrl(s);
    return s;
  } catch (e) {
    return void issues.add(path, (e as Error).message);
  }
};

export const webrtcSection: Checker<WebrtcConfig> = (v, path, issues) => {
  const p = tableParts<Omit<WebrtcConfig, "ice_lite"> & { ice_lite: boolean | null }>({
    ice_servers: [arr(iceUrl, { max: MAX_ICE_SERVERS }), []],
    ice_lite: [bool, null],
    turn_secret: [str({ maxLength: 256 }), ""],
    turn_ttl_s: [int({ min: 60, max: 7 * 86_400 }), DEFAULT_TURN_TTL_S],
    fec: [str({ oneOf: ["auto", "always", "never"] }) as Checker<WebrtcConfig["fec"]>, "auto"],
  })(v ?? {}, path, issues);
  if (p === undefined || !p.ok) return undefined;
  const c = p.value as WebrtcConfig & { ice_lite: boolean | null };
  const lite = c.ice_lite ?? c.ice_servers.length === 0;
  if (lite && c.ice_servers.length > 0) {
    return void issues.add(
      `${path}.ice_lite`,
      "an ICE-lite agent gathers no STUN or TURN candidates: leave ice_lite out with ice_servers",
    );
  }
  if (!lite && c.ice_servers.length === 0) {
    return void issues.add(
      `${path}.ice_lite`,
      "full ICE without ice_servers gathers only host candidates, which ICE lite does too: " +
        "add ice_servers or leave ice_lite out",
    );
  }
  for (const [i, s] of c.ice_servers.entries()) {
    const u = parseIceServerUrl(s);
    if (u.scheme !== "stun" && u.username === null && c.turn_secret === "") {
      issues.add(
        `${path}.ice_servers[${i}]`,
        `${JSON.stringify(s)} has no credentials: write turn:user:pass@host or set turn_secret`,
      );
    }
  }
  return { ...c, ice_lite: lite };
};
