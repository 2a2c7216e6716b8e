/**
 * What the server knows about a request's connection, handed to the Hono
 * app as its env (`app.fetch(request, { conn })`): the client's address,
 * whether it came over TLS, and the identity of its client certificate.
 * Requests made in-process (`app.fetch(request)` in tests) have none.
 *
 * @module
 */
import type { Context } from "hono";
import type { PeerIdentity } from "../../certs/mod.ts";

/** The connection a request arrived on. */
export interface ConnInfo {
  /** The client's address and port ("" when unknown). */
  remote: { address: string; port: number };
  /** True when the request came over TLS (the console's node:https path). */
  secure: boolean;
  /** The verified client certificate (CA-signed, not revoked), or null. */
  peer: PeerIdentity | null;
}

/** The env shape both serve paths pass to `app.fetch`. */
export interface ConnEnv {
  conn: ConnInfo;
}

/** The connection of the request in `c`, or null for an in-process request. */
export function connOf(c: Context): ConnInfo | null {
  const env = c.env as Partial<ConnEnv> | undefined;
  return env?.conn ?? null;
}
