/**
 * Serves the app on the console address (plain HTTP; TLS arrives with
 * [tls]). Resolves once listening, with the bound port (port 0 picks one).
 *
 * @module
 */
import type { Hono } from "hono";
import type { ListenAddress } from "../config/mod.ts";

export interface Server {
  /** The address actually bound. */
  hostname: string;
  port: number;
  url: string;
  /** Stops accepting, lets running requests finish (streams are cut after `graceMs`). */
  close(graceMs?: number): Promise<void>;
}

export function serve(app: Hono, at: ListenAddress): Promise<Server> {
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
      }, app.fetch);
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
