/**
 * Where a viewer's ICE host candidates go, and how the agent runs. By
 * default eyrie is an ICE-lite agent with host candidates only (no STUN, no
 * TURN): the browser that reached the console over HTTP reaches the same
 * address over UDP. So the candidates follow the console's listen address:
 * that address when it is a specific one (127.0.0.1 by default), else the
 * address the browser used in its Host header, else every interface. With
 * `[webrtc] ice_servers`, it is a full agent that also gathers
 * server-reflexive (STUN) and relay (TURN) candidates.
 *
 * @module
 */
import { isIP } from "node:net";
import type { IceConfig } from "./protocol.ts";
import type { IceServer } from "../../transports/ice/servers.ts";

/** Candidate addresses, or "all" for every non-loopback interface address. */
export type IceHosts = readonly string[] | "all";

/** Host candidates for a request that reached a console listening on `listenHost`. */
export function iceHostsFor(listenHost: string, requestHost: string | null): IceHosts {
  if (listenHost === "localhost") return ["127.0.0.1"];
  const wildcard = listenHost === "0.0.0.0" || listenHost === "::" || listenHost === "";
  if (!wildcard) return isIP(listenHost) !== 0 ? [listenHost] : "all";
  const asked = hostOf(requestHost);
  return asked !== null && isIP(asked) !== 0 ? [asked] : "all";
}

/** The hostname of a Host header value ("h:p", "[v6]:p", "h"), or null. */
function hostOf(header: string | null): string | null {
  if (header === null || header === "") return null;
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::\d+)?$/.exec(header);
  if (v6 !== null) return v6[1];
  const colon = header.lastIndexOf(":");
  return colon > 0 && header.indexOf(":") === colon ? header.slice(0, colon) : header;
}

/** ICE lite, no servers: the LAN default. */
export const ICE_LITE: IceConfig = { lite: true, servers: [] };

/** The werift RTCPeerConnection settings for these hosts and this ICE mode. */
export function iceSettings(hosts: IceHosts, ice: IceConfig = ICE_LITE): {
  iceLite: boolean;
  iceServers: IceServer[];
  iceUseIpv4: boolean;
  iceUseIpv6: boolean;
  iceAdditionalHostAddresses?: string[];
  iceInterfaceAddresses?: { udp4?: string; udp6?: string };
} {
  // Empty iceServers still falls back to a public STUN server unless iceLite is set; a full
  // agent always has servers (the config refuses ice_lite = false without them).
  const base = ice.lite || ice.servers.length === 0
    ? { iceLite: true, iceServers: [] }
    : { iceLite: false, iceServers: ice.servers.map((s) => ({ ...s })) };
  if (hosts === "all") return { ...base, iceUseIpv4: true, iceUseIpv6: false };
  if (!base.iceLite) {
    // A full agent binds to every interface: its STUN and TURN requests must get out (a
    // console behind a reverse proxy listens on loopback), and its host candidates are every
    // interface's address plus the console's own (loopback included).
    return { ...base, iceUseIpv4: true, iceUseIpv6: false, iceAdditionalHostAddresses: [...hosts] };
  }
  // werift's own interface list leaves loopback out: name the addresses instead, and
  // bind to the one address when there is one (else sockets bind to the wildcard).
  const one = hosts.length === 1 ? hosts[0] : undefined;
  return {
    ...base,
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceAdditionalHostAddresses: [...hosts],
    iceInterfaceAddresses: one === undefined
      ? undefined
      : isIP(one) === 6
      ? { udp6: one }
      : { udp4: one },
  };
}
