/**
 * Who can reach the console, as config problems: a console that listens
 * beyond loopback needs [tls], or `insecure = true` to accept the risk.
 * Part of every config check, so `eyrie config check`, `eyrie run` and a
 * reload refuse the same files. Whether someone can sign in depends on the
 * data dir's users, not on the file: that check is passed in by the caller
 * ({@linkcode StateCheck}; ui/auth/exposure.ts).
 *
 * @module
 */
import type { ConsoleConfig, RtspConfig, TlsConfig } from "../../actors/defs.ts";
import { isLoopback, parseListen } from "./listen.ts";
import type { ConfigIssue } from "./schema.ts";

/** The parts of a config that decide who can reach the console and sign in. */
export interface ConsoleExposure {
  data_dir: string;
  console: ConsoleConfig;
  tls: TlsConfig | null;
  /** The RTSP server, which also refuses the network without someone to sign in. */
  rtsp?: RtspConfig | null;
}

/**
 * A check of the state a config will run with (outside the file): it
 * returns the problems, each at a key path of the file.
 */
export type StateCheck = (config: ConsoleExposure) => ConfigIssue[];

/** The problem of a console the network reaches without TLS, or null. */
export function exposureIssue(config: ConsoleExposure): ConfigIssue | null {
  const { hostname } = parseListen(config.console.listen);
  if (isLoopback(hostname) || config.tls !== null || config.console.insecure) return null;
  return {
    path: "console.listen",
    message:
      `"${config.console.listen}" is reachable from the network, but [tls] is not configured; ` +
      "configure [tls], listen on 127.0.0.1, or set console.insecure = true to accept the risk",
  };
}
