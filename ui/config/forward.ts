/**
 * `[[camera.forward]]`: send the camera's encoded video to another eyrie
 * over TLS 1.3 with mutual authentication, or over QUIC with `transport =
 * "quic"` (actors/forward/). At most
 * {@linkcode MAX_FORWARDS} per camera: each takes one reader of the
 * camera's access-unit ring.
 *
 * @module
 */
import type { ForwardConfig } from "../../actors/defs.ts";
import { type Checker, int, str, tableParts } from "./schema.ts";

/** Forwards per camera. Reason: each reads the AU ring at READER.tlsSender + index (3 to 6). */
export const MAX_FORWARDS = 4;
/** The receiver's default port (`eyrie receive --tls`). */
export const DEFAULT_FORWARD_PORT = 7443;

/** What a forward travels over: TLS 1.3 on TCP, or QUIC (RTP in datagrams). */
export const TRANSPORTS = ["tls", "quic"] as const;

const HOST = /^([A-Za-z0-9.-]{1,253}|\[?[0-9A-Fa-f:.]+\]?)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const NAME_HINT = "use 1-64 letters, digits, '.', '_' or '-', as eyrie certs does";

/** Checks one forward; `dir` is filled in by the caller when empty. */
export const forwardOutput: Checker<ForwardConfig> = (v, path, issues) => {
  const p = tableParts<ForwardConfig>({
    transport: [str({ oneOf: TRANSPORTS }) as Checker<ForwardConfig["transport"]>, "tls"],
    host: [str({ pattern: HOST, hint: "an IPv4/IPv6 address or a host name" }), ""],
    port: [int({ min: 1, max: 65535 }), DEFAULT_FORWARD_PORT],
    remote: [str({ pattern: NAME, hint: NAME_HINT }), ""],
    cert: [str({ pattern: NAME, hint: NAME_HINT }), ""],
    ca: [str(), ""],
    dir: [str(), ""],
  })(v, path, issues);
  if (p === undefined) return undefined;
  let ok = p.ok;
  for (const key of ["host", "remote", "cert"] as const) {
    if (p.value[key] === "") {
      issues.add(
        `${path}.${key}`,
        key === "remote"
          ? "is required: the pin name of the receiver (eyrie certs pin --accept FP --name NAME)"
          : key === "cert"
          ? "is required: the client certificate to present (eyrie certs issue client NAME)"
          : "is required",
      );
      ok = false;
    }
  }
  if (!ok) return undefined;
  const f = p.value as ForwardConfig;
  return { ...f, host: f.host.replace(/^\[(.*)\]$/, "$1") };
};
