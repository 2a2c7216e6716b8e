/**
 * The console over HTTPS: node:https (Deno.serve cannot require client
 * certificates and accepts TLS 1.2) with TLS 1.3 only, the installation's
 * certificate from a {@linkcode ServerTls} that follows `eyrie certs rotate`
 * and `revoke` while running, and the client certificate's identity handed
 * to the app as `conn.peer`.
 *
 * @module
 */
import https from "node:https";
import type tls from "node:tls";
import type { TlsConfig } from "../../actors/defs.ts";
import { loadServerTls, peerIdentity, type ServerTls } from "../../certs/mod.ts";
import type { ListenAddress } from "../config/mod.ts";
import type { Logger } from "../../actors/log/logger.ts";
import type { ConnEnv } from "./conn.ts";
import { type FetchHandler, nodeListener } from "./node_fetch.ts";
import {
  listen,
  type Server,
  SERVER_TIMEOUTS,
  type ServerTimeouts,
  timeoutOptions,
  urlHost,
} from "./_node_server.ts";

/** Options of {@linkcode serveTls}. */
export interface ServeTlsOptions {
  /** A handler threw, a handshake was refused, or the server failed. For logs; never sees secrets. */
  onError?: (what: "request" | "handshake" | "server", error: unknown) => void;
  timeouts?: ServerTimeouts;
}

/** Serves `fetch` over HTTPS at `at` with `serverTls`; resolves once listening. */
export function serveTls(
  fetch: FetchHandler<ConnEnv>,
  at: ListenAddress,
  serverTls: ServerTls,
  options: ServeTlsOptions = {},
): Promise<Server> {
  const listener = nodeListener(fetch, {
    scheme: "https",
    fallbackHost: `${urlHost(at.hostname)}:${at.port}`,
    env: (req) => {
      const socket = req.socket as tls.TLSSocket;
      return {
        conn: {
          remote: { address: socket.remoteAddress ?? "", port: socket.remotePort ?? 0 },
          secure: true,
          peer: peerIdentity(socket),
        },
      };
    },
    onError: (error) => options.onError?.("request", error),
  });
  const timeouts = options.timeouts ?? SERVER_TIMEOUTS;
  const server = https.createServer({
    ...serverTls.options,
    ...timeoutOptions(timeouts),
    handshakeTimeout: timeouts.handshakeMs,
  });
  serverTls.attach(server);
  server.on("tlsClientError", (error: Error) => options.onError?.("handshake", error));
  return listen(server, listener, at, {
    scheme: "https",
    onError: (error) => options.onError?.("server", error),
  });
}

/**
 * The console's TLS identity from [tls]: the server certificate
 * `server_name` in `dir`, client certificates required or merely requested
 * (then a browser without one signs in with a password), following
 * `eyrie certs rotate` and `revoke` while it runs.
 */
export async function loadConsoleTls(tls: TlsConfig, log: Logger): Promise<ServerTls> {
  let serverTls: ServerTls;
  try {
    serverTls = await loadServerTls(tls.dir, {
      name: tls.server_name,
      clientAuth: tls.require_client_cert ? "require" : "request",
      onReload: (event) =>
        event.kind === "certificate"
          ? log.info("console certificate replaced", {
            serial: event.serial,
            fingerprint256: event.fingerprint256,
          })
          : log.info("revocation list reloaded", {
            crl_number: Number(event.crlNumber),
            dropped: event.dropped,
          }),
      onError: (error) =>
        log.error("console certificate reload failed; the previous one stays", {
          error: error.message,
        }),
    });
  } catch (error) {
    throw new Error(`Cannot start the console over TLS: ${(error as Error).message}`);
  }
  serverTls.watch();
  return serverTls;
}
