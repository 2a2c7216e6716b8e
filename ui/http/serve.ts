/**
 * Serves the app on the console address: plain HTTP through node:http,
 * or, when the config has [tls], HTTPS through node:https (serve_tls.ts).
 * Both run the same request path (node_fetch.ts) with the same timeouts
 * (_node_server.ts), so a request is bounded and isolated the same way
 * either way. Deno.serve is not used: it has no header or request timeout,
 * and kept slowloris connections open for minutes. The app gets the
 * request's connection as its env (conn.ts). Resolves once listening, with
 * the bound port (port 0 picks one).
 *
 * @module
 */
import http from "node:http";
import type { Hono } from "hono";
import type { ServerTls } from "../../certs/mod.ts";
import type { ListenAddress } from "../config/mod.ts";
import type { ConnEnv } from "./conn.ts";
import { nodeListener } from "./node_fetch.ts";
import {
  listen,
  type Server,
  SERVER_TIMEOUTS,
  type ServerTimeouts,
  timeoutOptions,
  urlHost,
} from "./_node_server.ts";

export type { Server, ServerTimeouts };
export { SERVER_TIMEOUTS };

/** Options of {@linkcode serve}. */
export interface ServeOptions {
  /** Serve HTTPS with this identity (TLS 1.3 only, client certificates per its clientAuth). */
  tls?: ServerTls;
  /** A request handler threw, a TLS handshake was refused, or the server reported an error. */
  onError?: (what: "request" | "handshake" | "server", error: unknown) => void;
  /** Shorter timeouts, for tests. */
  timeouts?: Partial<ServerTimeouts>;
}

export function serve(app: Hono, at: ListenAddress, options: ServeOptions = {}): Promise<Server> {
  const fetch = (request: Request, env: ConnEnv) => app.fetch(request, env);
  const timeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };
  const tls = options.tls;
  if (tls !== undefined) {
    // Loaded only with [tls]: it brings the PKI (@peculiar/x509, ~18 MB of heap).
    return import("./serve_tls.ts").then((m) =>
      m.serveTls(fetch, at, tls, { onError: options.onError, timeouts })
    );
  }
  const listener = nodeListener(fetch, {
    scheme: "http",
    fallbackHost: `${urlHost(at.hostname)}:${at.port}`,
    env: (req): ConnEnv => ({
      conn: {
        remote: { address: req.socket.remoteAddress ?? "", port: req.socket.remotePort ?? 0 },
        secure: false,
        peer: null,
      },
    }),
    onError: (error) => options.onError?.("request", error),
  });
  const server = http.createServer(timeoutOptions(timeouts));
  return listen(server, listener, at, {
    scheme: "http",
    onError: (error) => options.onError?.("server", error),
  });
}
