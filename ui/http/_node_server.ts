/**
 * What the console's two servers (node:http and node:https) share: their
 * timeouts, listening with an error that names the address, and a
 * `close()` that never throws and always ends, whatever state the server
 * is in.
 *
 * @module
 */
import type http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { ListenAddress } from "../config/mod.ts";

/** How long a client may take over each part of a connection. */
export interface ServerTimeouts {
  /** The request head (line and headers) must be in within this, from the connection's start. */
  headersMs: number;
  /** The whole request, body included, must be in within this. */
  requestMs: number;
  /** A keep-alive connection idle between requests is closed after this. */
  keepAliveMs: number;
  /** How often open connections are checked against `headersMs` and `requestMs`. */
  checkEveryMs: number;
  /** HTTPS only: the TLS handshake must finish within this. */
  handshakeMs: number;
}

/**
 * The console's timeouts. Reasons: a browser on a LAN sends a request head
 * in milliseconds, and the largest body any route takes (a 64 KiB SDP
 * offer) in well under a second even over a poor Wi-Fi link; a client that
 * holds a connection open by sending nothing, or a byte at a time
 * (slowloris), is cut after these, so it cannot pile up connections.
 * Node's defaults (60 s, 300 s, checked every 30 s) kept 2,000 such
 * connections open for minutes.
 */
export const SERVER_TIMEOUTS: ServerTimeouts = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  checkEveryMs: 1_000,
  handshakeMs: 10_000,
};

/** The node:http(s) options that carry `t`. */
export function timeoutOptions(t: ServerTimeouts) {
  return {
    headersTimeout: t.headersMs,
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: t.checkEveryMs,
  };
}

/** A running console server. */
export interface Server {
  /** The address actually bound. */
  hostname: string;
  port: number;
  url: string;
  /**
   * Stops accepting, lets running requests finish, and cuts every
   * connection still open after `graceMs` (streams, half-done handshakes).
   * Never throws; calling it again returns the same promise.
   */
  close(graceMs?: number): Promise<void>;
}

function urlHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/**
 * Runs `listener` for every request of `server` and listens on `at`;
 * resolves once listening. A request that asks "Expect: 100-continue"
 * goes to `listener` too, which sends the 100 only when it reads the body.
 * Errors the server reports later (an `accept` that fails when file
 * descriptors run out) go to `onError` instead of ending the process.
 */
export function listen(
  server: http.Server,
  listener: http.RequestListener,
  at: ListenAddress,
  options: { scheme: "http" | "https"; onError: (error: Error) => void },
): Promise<Server> {
  const { scheme, onError } = options;
  server.on("request", listener);
  server.on("checkContinue", listener);
  // Every socket, handshaking or not: close() must be able to cut them all.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  let closing: Promise<void> | undefined;
  const close = (graceMs: number) =>
    new Promise<void>((done) => {
      const cut = setTimeout(() => {
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      const finish = () => {
        clearTimeout(cut);
        done();
      };
      try {
        server.close(finish);
        server.closeIdleConnections();
      } catch {
        // Already closed, or never listened: there is nothing left to wait for.
        for (const socket of sockets) socket.destroy();
        finish();
      }
    });
  return new Promise((resolve, reject) => {
    let listening = false;
    server.on("error", (e: Error & { code?: string }) => {
      if (listening) {
        onError(e);
        return;
      }
      const why = e.code === "EADDRINUSE"
        ? `address ${at.hostname}:${at.port} is already in use`
        : e.code === "EACCES"
        ? `no permission to listen on ${at.hostname}:${at.port}`
        : e.message;
      reject(new Error(`Cannot start the console: ${why}`));
    });
    server.listen(at.port, at.hostname, () => {
      listening = true;
      const addr = server.address() as AddressInfo;
      resolve({
        hostname: addr.address,
        port: addr.port,
        url: `${scheme}://${urlHost(addr.address)}:${addr.port}`,
        close: (graceMs = 1000) => closing ??= close(graceMs),
      });
    });
  });
}

export { urlHost };
