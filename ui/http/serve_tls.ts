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
import type { AddressInfo } from "node:net";
import type tls from "node:tls";
import type { TlsConfig } from "../../actors/defs.ts";
import { loadServerTls, peerIdentity, type ServerTls } from "../../certs/mod.ts";
import type { ListenAddress } from "../config/mod.ts";
import type { Logger } from "../../actors/log/logger.ts";
import type { ConnEnv } from "./conn.ts";
import { type FetchHandler, nodeListener } from "./node_fetch.ts";
import type { Server } from "./serve.ts";

/** A TLS 1.3 handshake on a LAN takes milliseconds; a client idle this long before it is gone. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Bounds a client that sends its request headers slowly (slowloris). */
const HEADERS_TIMEOUT_MS = 20_000;

/** Options of {@linkcode serveTls}. */
export interface ServeTlsOptions {
  /** A handler threw, or a handshake was refused. For logs; never sees secrets. */
  onError?: (what: string, error: unknown) => void;
}

function urlHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
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
  const server = https.createServer({
    ...serverTls.options,
    handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  }, listener);
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  serverTls.attach(server);
  server.on("tlsClientError", (error: Error) => options.onError?.("handshake", error));
  return new Promise((resolve, reject) => {
    server.once("error", (e: Error & { code?: string }) => {
      const why = e.code === "EADDRINUSE"
        ? `address ${at.hostname}:${at.port} is already in use`
        : e.code === "EACCES"
        ? `no permission to listen on ${at.hostname}:${at.port}`
        : e.message;
      reject(new Error(`Cannot start the console: ${why}`));
    });
    server.listen(at.port, at.hostname, () => {
      const addr = server.address() as AddressInfo;
      resolve({
        hostname: addr.address,
        port: addr.port,
        url: `https://${urlHost(addr.address)}:${addr.port}`,
        close: async (graceMs = 1000) => {
          const closed = new Promise<void>((done) => server.close(() => done()));
          server.closeIdleConnections();
          const cut = setTimeout(() => server.closeAllConnections(), graceMs);
          await closed;
          clearTimeout(cut);
        },
      });
    });
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
