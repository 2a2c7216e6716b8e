/**
 * Serves the app on the console address: plain HTTP with Deno.serve, or,
 * when the config has [tls], HTTPS through node:https (serve_tls.ts).
 * Either way the app gets the request's connection as its env
 * (conn.ts). Resolves once listening, with the bound port (port 0 picks
 * one).
 *
 * @module
 */
import type { Hono } from "hono";
import type { ServerTls } from "../../certs/mod.ts";
import type { ListenAddress } from "../config/mod.ts";
import type { ConnEnv } from "./conn.ts";
import { serveTls } from "./serve_tls.ts";

export interface Server {
  /** The address actually bound. */
  hostname: string;
  port: number;
  url: string;
  /** Stops accepting, lets running requests finish (streams are cut after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

/** Options of {@linkcode serve}. */
export interface ServeOptions {
  /** Serve HTTPS with this identity (TLS 1.3 only, client certificates per its clientAuth). */
  tls?: ServerTls;
  /** A request handler threw, or a TLS handshake was refused. */
  onError?: (what: string, error: unknown) => void;
}

export function serve(app: Hono, at: ListenAddress, options: ServeOptions = {}): Promise<Server> {
  if (options.tls !== undefined) {
    return serveTls((request, env) => app.fetch(request, env), at, options.tls, options);
  }
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    let server: Deno.HttpServer<Deno.NetAddr>;
    try {
      server = Deno.serve({
        hostname: at.hostname,
        port: at.port,
        signal: controller.signal,
        onListen: (addr) => {
          const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
          resolve({
            hostname: addr.hostname,
            port: addr.port,
            url: `http://${host}:${addr.port}`,
            close: async (graceMs = 1000) => {
              const cut = setTimeout(() => controller.abort(), graceMs);
              await server.shutdown();
              clearTimeout(cut);
            },
          });
        },
        onError: () => new Response("Internal error", { status: 500 }),
      }, (request, info) => {
        const env: ConnEnv = {
          conn: {
            remote: { address: info.remoteAddr.hostname, port: info.remoteAddr.port },
            secure: false,
            peer: null,
          },
        };
        return app.fetch(request, env);
      });
    } catch (e) {
      const why = e instanceof Deno.errors.AddrInUse
        ? `address ${at.hostname}:${at.port} is already in use`
        : e instanceof Deno.errors.PermissionDenied
        ? `no permission to listen on ${at.hostname}:${at.port}`
        : (e as Error).message;
      reject(new Error(`Cannot start the console: ${why}`));
    }
  });
}
