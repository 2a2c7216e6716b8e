/**
 * ICE server URLs (RFC 7064 `stun:`, RFC 7065 `turn:`/`turns:`) as eyrie's
 * config writes them, with optional static credentials in the userinfo
 * (`turn:user:pass@host:3478`); TURN REST credentials made from a shared
 * secret (draft-uberti-behave-turn-rest, what coturn's
 * `static-auth-secret` checks); and the WHEP `Link` header that hands a
 * server to a client (draft-ietf-wish-whep §4.6). Pure but for the clock
 * the caller passes in.
 *
 * @module
 */
import { createHmac } from "node:crypto";

export type IceScheme = "stun" | "turn" | "turns";

/** One parsed ICE server URL. */
export interface IceServerUrl {
  scheme: IceScheme;
  host: string;
  port: number;
  /** `?transport=` of a TURN URL; null when not given. */
  transport: "udp" | "tcp" | null;
  /** Static credentials from the userinfo; null for none. */
  username: string | null;
  credential: string | null;
}

/** One server as a WebRTC agent takes it (RTCIceServer). */
export interface IceServer {
  urls: string;
  username?: string;
  credential?: string;
}

const DEFAULT_PORT: Record<IceScheme, number> = { stun: 3478, turn: 3478, turns: 5349 };

/**
 * Parses `stun:host[:port]`, `turn:[user:pass@]host[:port][?transport=udp|tcp]`
 * or the same with `turns:`.
 *
 * @throws {SyntaxError} naming what is wrong with `text`.
 */
export function parseIceServerUrl(text: string): IceServerUrl {
  const m =
    /^(stun|turns?):(?:([^:@/?]*):([^@/?]*)@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/
      .exec(text);
  if (m === null) {
    throw new SyntaxError(
      `ICE server ${JSON.stringify(text)} is not stun:host[:port] or ` +
        "turn[s]:[user:pass@]host[:port][?transport=udp|tcp]",
    );
  }
  const scheme = m[1] as IceScheme;
  if (scheme === "stun" && (m[2] !== undefined || m[6] !== undefined)) {
    throw new SyntaxError(`STUN server ${JSON.stringify(text)} takes no credentials or transport`);
  }
  const port = m[5] === undefined ? DEFAULT_PORT[scheme] : Number(m[5]);
  if (port < 1 || port > 65535) {
    throw new SyntaxError(`Port ${port} of ${JSON.stringify(text)} is out of range`);
  }
  return {
    scheme,
    host: m[4],
    port,
    transport: (m[6] as "udp" | "tcp" | undefined) ?? null,
    username: m[2] === undefined ? null : decodeURIComponent(m[2]),
    credential: m[3] === undefined ? null : decodeURIComponent(m[3]),
  };
}

/** The URL without credentials, as RTCIceServer.urls takes it. */
export function publicUrl(u: IceServerUrl): string {
  return `${u.scheme}:${u.host}:${u.port}${
    u.transport === null ? "" : `?transport=${u.transport}`
  }`;
}

/**
 * TURN REST credentials: username `<expiry unix s>:<user>`, credential
 * base64(HMAC-SHA1(secret, username)).
 */
export function turnRestCredentials(
  secret: string,
  options: { user: string; ttlS: number; nowS: number },
): { username: string; credential: string } {
  const username = `${Math.floor(options.nowS + options.ttlS)}:${options.user}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}

/**
 * The servers for one session: static credentials as written, TURN without
 * them gets REST credentials from `secret` (null: none configured).
 */
export function iceServersFor(
  urls: readonly string[],
  rest: { secret: string; user: string; ttlS: number; nowS: number } | null,
): IceServer[] {
  return urls.map((text) => {
    const u = parseIceServerUrl(text);
    const server: IceServer = { urls: publicUrl(u) };
    if (u.username !== null) {
      server.username = u.username;
      server.credential = u.credential ?? "";
    } else if (u.scheme !== "stun" && rest !== null) {
      Object.assign(server, turnRestCredentials(rest.secret, rest));
    }
    return server;
  });
}

function quoted(s: string): string {
  return `"${s.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** One WHEP `Link` header value for `server` (§4.6 of the WHEP draft). */
export function linkHeader(server: IceServer): string {
  let v = `<${server.urls}>; rel="ice-server"`;
  if (server.username !== undefined) {
    v += `; username=${quoted(server.username)}; credential=${quoted(server.credential ?? "")}` +
      `; credential-type="password"`;
  }
  return v;
}
